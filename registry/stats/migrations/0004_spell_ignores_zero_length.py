"""A zero-length interval [d, d) does not end a vacancy spell.

Same-day status changes now leave zero-length intervals (units 0007). A state that lasted
no day — "genutzt" entered by mistake and put back to "leer" the same day — must not cut
the spell in two, so only non-vacant intervals that covered at least one day count as its
end. Unchanged otherwise (and still inlinable: STABLE, SQL, set-returning).
"""

from django.db import migrations

FORWARD = r"""
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
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION registry_vacancy_spell(p_unit bigint, p_day date) RETURNS TABLE (since date)
LANGUAGE sql STABLE AS $$
  SELECT min(v.valid_from) FROM units_occupancy v
  WHERE v.unit_id = p_unit AND registry_counts_as_vacant(v.status) AND v.valid_from <= p_day
    AND v.valid_from >= COALESCE((
      SELECT max(n.valid_to) FROM units_occupancy n
      WHERE n.unit_id = p_unit AND n.valid_to IS NOT NULL AND n.valid_to <= p_day
        AND NOT registry_counts_as_vacant(n.status)), '-infinity'::date)
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("stats", "0003_vacancy_spell"), ("units", "0007_same_day_intervals")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
