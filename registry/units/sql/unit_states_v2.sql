-- v2 (stats 0001): the start of the spell from registry_vacancy_start() on today or the interval's start.
CREATE OR REPLACE FUNCTION registry_unit_states(unit_ids bigint[])
RETURNS TABLE (unit_id bigint, status varchar, vacant_since date)
LANGUAGE sql STABLE AS $$
  SELECT o.unit_id, o.status,
    CASE WHEN registry_counts_as_vacant(o.status)
         THEN registry_vacancy_start(o.unit_id, GREATEST(o.valid_from, CURRENT_DATE)) END
  FROM units_occupancy o
  WHERE o.unit_id = ANY(unit_ids) AND o.valid_to IS NULL
$$;
