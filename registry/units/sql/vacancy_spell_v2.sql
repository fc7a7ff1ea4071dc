-- v2 (stats 0004): a zero-length interval [d, d) does not end a spell.
CREATE OR REPLACE FUNCTION registry_vacancy_spell(p_unit bigint, p_day date) RETURNS TABLE (since date)
LANGUAGE sql STABLE AS $$
  SELECT min(v.valid_from) FROM units_occupancy v
  WHERE v.unit_id = p_unit AND registry_counts_as_vacant(v.status) AND v.valid_from <= p_day
    AND v.valid_from >= COALESCE((
      SELECT max(n.valid_to) FROM units_occupancy n
      WHERE n.unit_id = p_unit AND n.valid_to IS NOT NULL AND n.valid_to <= p_day
        AND n.valid_to > n.valid_from
        AND NOT registry_counts_as_vacant(n.status)), '-infinity'::date)
$$;
