"""The bulk-import flag (0003) moves into the triggers' WHEN conditions.

PostgreSQL evaluates a WHEN condition without calling the trigger function, and a
constraint trigger whose condition is false queues no event for commit. So a bulk
import no longer pays a PL/pgSQL call per inserted unit, nor 100k deferred no-op
checks (bench/import.py: about 0.1 s per 100k units). Updates keep the unconditional
trigger: an import that moves a unit needs its place re-derived.
"""

from django.db import migrations

OFF = "current_setting('registry.bulk_import', true) IS DISTINCT FROM 'on'"

FORWARD = f"""
DROP TRIGGER unit_before_write ON units_unit;
CREATE TRIGGER unit_before_insert BEFORE INSERT ON units_unit
FOR EACH ROW WHEN ({OFF}) EXECUTE FUNCTION registry_unit_before_write();
CREATE TRIGGER unit_before_update BEFORE UPDATE ON units_unit
FOR EACH ROW EXECUTE FUNCTION registry_unit_before_write();

DROP TRIGGER unit_has_open_interval ON units_unit;
CREATE CONSTRAINT TRIGGER unit_has_open_interval AFTER INSERT ON units_unit
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({OFF}) EXECUTE FUNCTION registry_check_open_interval();
DROP TRIGGER occupancy_leaves_open_interval ON units_occupancy;
CREATE CONSTRAINT TRIGGER occupancy_leaves_open_interval AFTER UPDATE OR DELETE ON units_occupancy
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({OFF}) EXECUTE FUNCTION registry_check_open_interval();
"""

BACKWARD = """
DROP TRIGGER unit_before_insert ON units_unit;
DROP TRIGGER unit_before_update ON units_unit;
CREATE TRIGGER unit_before_write BEFORE INSERT OR UPDATE ON units_unit
FOR EACH ROW EXECUTE FUNCTION registry_unit_before_write();

DROP TRIGGER unit_has_open_interval ON units_unit;
CREATE CONSTRAINT TRIGGER unit_has_open_interval AFTER INSERT ON units_unit
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registry_check_open_interval();
DROP TRIGGER occupancy_leaves_open_interval ON units_occupancy;
CREATE CONSTRAINT TRIGGER occupancy_leaves_open_interval AFTER UPDATE OR DELETE ON units_occupancy
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registry_check_open_interval();
"""


class Migration(migrations.Migration):
    dependencies = [("units", "0004_fewer_indexes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
