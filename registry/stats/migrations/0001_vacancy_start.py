"""One SQL definition of "when did the vacancy spell covering a date begin", used by the
unit triggers (for today) and by the statistics (for any reference date)."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION registry_vacancy_start(p_unit bigint, p_day date) RETURNS date
LANGUAGE sql STABLE AS $$
  SELECT min(v.valid_from) FROM units_occupancy v
  WHERE v.unit_id = p_unit AND registry_counts_as_vacant(v.status) AND v.valid_from <= p_day
    AND v.valid_from >= COALESCE((
      SELECT max(n.valid_to) FROM units_occupancy n
      WHERE n.unit_id = p_unit AND n.valid_to IS NOT NULL AND n.valid_to <= p_day
        AND NOT registry_counts_as_vacant(n.status)), '-infinity'::date)
$$;

CREATE OR REPLACE FUNCTION registry_unit_states(unit_ids bigint[])
RETURNS TABLE (unit_id bigint, status varchar, vacant_since date)
LANGUAGE sql STABLE AS $$
  SELECT o.unit_id, o.status,
    CASE WHEN registry_counts_as_vacant(o.status)
         THEN registry_vacancy_start(o.unit_id, GREATEST(o.valid_from, CURRENT_DATE)) END
  FROM units_occupancy o
  WHERE o.unit_id = ANY(unit_ids) AND o.valid_to IS NULL
$$;
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION registry_unit_states(unit_ids bigint[])
RETURNS TABLE (unit_id bigint, status varchar, vacant_since date)
LANGUAGE sql STABLE AS $$
  SELECT o.unit_id, o.status,
    CASE WHEN registry_counts_as_vacant(o.status) THEN (
      SELECT min(v.valid_from) FROM units_occupancy v
      WHERE v.unit_id = o.unit_id AND registry_counts_as_vacant(v.status)
        AND v.valid_from >= COALESCE((
          SELECT max(n.valid_to) FROM units_occupancy n
          WHERE n.unit_id = o.unit_id AND n.valid_to IS NOT NULL
            AND NOT registry_counts_as_vacant(n.status)), '-infinity'::date))
    END
  FROM units_occupancy o
  WHERE o.unit_id = ANY(unit_ids) AND o.valid_to IS NULL
$$;
DROP FUNCTION IF EXISTS registry_vacancy_start(bigint, date);
"""


class Migration(migrations.Migration):
    dependencies = [("units", "0002_derivation_triggers")]
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
