-- v4 (units 0009).
-- Status of each unit's open interval and, when it counts as vacant, the start of its vacancy spell. The open
-- interval is the unit's latest, so that spell is the one registry_vacancy_spell() finds on the interval's first
-- day: one definition of a spell for the triggers (vacant_since) and the statistics (any reference date).
CREATE OR REPLACE FUNCTION registry_unit_states(unit_ids bigint[])
RETURNS TABLE (unit_id bigint, status varchar, vacant_since date)
LANGUAGE sql STABLE AS $$
  SELECT o.unit_id, o.status,
    CASE WHEN registry_counts_as_vacant(o.status)
         THEN (SELECT spell.since FROM registry_vacancy_spell(o.unit_id, o.valid_from) spell) END
  FROM units_occupancy o
  WHERE o.unit_id = ANY(unit_ids) AND o.valid_to IS NULL
$$;
