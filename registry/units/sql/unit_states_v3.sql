-- v3 (units 0007): a non-vacant state that lasted no day does not end a vacancy spell.
CREATE OR REPLACE FUNCTION registry_unit_states(unit_ids bigint[])
RETURNS TABLE (unit_id bigint, status varchar, vacant_since date)
LANGUAGE sql STABLE AS $$
  SELECT o.unit_id, o.status,
    CASE WHEN registry_counts_as_vacant(o.status) THEN (
      SELECT min(v.valid_from) FROM units_occupancy v
      WHERE v.unit_id = o.unit_id AND registry_counts_as_vacant(v.status)
        AND v.valid_from >= COALESCE((
          SELECT max(n.valid_to) FROM units_occupancy n
          WHERE n.unit_id = o.unit_id AND n.valid_to IS NOT NULL AND n.valid_to > n.valid_from
            AND NOT registry_counts_as_vacant(n.status)), '-infinity'::date))
    END
  FROM units_occupancy o
  WHERE o.unit_id = ANY(unit_ids) AND o.valid_to IS NULL
$$;
