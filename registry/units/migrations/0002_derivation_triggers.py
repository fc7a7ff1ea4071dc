"""Derived unit columns, kept right by the database for every writer.

- municipality / centre follow the location (and follow boundary edits);
- status / vacant_since follow the open occupancy interval;
- at commit, every unit has exactly one open interval.

Direct writes (trigger depth 1) to derived columns are recomputed; writes made
by these triggers themselves (depth > 1) are trusted, which keeps bulk loads
set-based. The functions are read from registry/units/sql/ (registry/sqlfiles.py);
counts_as_vacant_v1.sql is generated from `registry.units.vacancy.VACANT_STATUSES`.
"""

from django.db import migrations

from registry.sqlfiles import sql

FUNCTIONS = sql(
    "units/sql/counts_as_vacant_v1.sql",
    "units/sql/municipality_at_v1.sql",
    "units/sql/centre_at_v1.sql",
    "units/sql/unit_states_v1.sql",
    "units/sql/unit_before_write_v1.sql",
    "units/sql/sync_unit_states_v1.sql",
    "units/sql/occupancy_after_insert_v1.sql",
    "units/sql/occupancy_after_update_v1.sql",
    "units/sql/occupancy_after_delete_v1.sql",
    "units/sql/check_open_interval_v1.sql",
    "units/sql/centre_after_write_v1.sql",
    "units/sql/centre_after_delete_v1.sql",
    "units/sql/municipality_after_write_v1.sql",
)

TRIGGERS = r"""
CREATE TRIGGER unit_before_write BEFORE INSERT OR UPDATE ON units_unit
FOR EACH ROW EXECUTE FUNCTION registry_unit_before_write();

CREATE TRIGGER occupancy_after_insert AFTER INSERT ON units_occupancy
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_occupancy_after_insert();
CREATE TRIGGER occupancy_after_update AFTER UPDATE ON units_occupancy
REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION registry_occupancy_after_update();
CREATE TRIGGER occupancy_after_delete AFTER DELETE ON units_occupancy
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_occupancy_after_delete();

-- At commit: a unit that exists has an open interval (the unique index allows at most one).
CREATE CONSTRAINT TRIGGER unit_has_open_interval AFTER INSERT ON units_unit
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registry_check_open_interval();
CREATE CONSTRAINT TRIGGER occupancy_leaves_open_interval AFTER UPDATE OR DELETE ON units_occupancy
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registry_check_open_interval();

-- Boundary edits re-derive the units they touch.
CREATE TRIGGER centre_after_write AFTER INSERT OR UPDATE OF boundary ON places_towncentre
FOR EACH ROW EXECUTE FUNCTION registry_centre_after_write();
CREATE TRIGGER centre_after_delete AFTER DELETE ON places_towncentre
FOR EACH ROW EXECUTE FUNCTION registry_centre_after_delete();
CREATE TRIGGER municipality_after_write AFTER UPDATE OF boundary ON places_municipality
FOR EACH ROW EXECUTE FUNCTION registry_municipality_after_write();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS municipality_after_write ON places_municipality;
DROP TRIGGER IF EXISTS centre_after_delete ON places_towncentre;
DROP TRIGGER IF EXISTS centre_after_write ON places_towncentre;
DROP TRIGGER IF EXISTS occupancy_leaves_open_interval ON units_occupancy;
DROP TRIGGER IF EXISTS unit_has_open_interval ON units_unit;
DROP TRIGGER IF EXISTS occupancy_after_delete ON units_occupancy;
DROP TRIGGER IF EXISTS occupancy_after_update ON units_occupancy;
DROP TRIGGER IF EXISTS occupancy_after_insert ON units_occupancy;
DROP TRIGGER IF EXISTS unit_before_write ON units_unit;
DROP FUNCTION IF EXISTS registry_municipality_after_write(), registry_centre_after_write(), registry_centre_after_delete(),
  registry_check_open_interval(), registry_occupancy_after_delete(), registry_occupancy_after_update(),
  registry_occupancy_after_insert(), registry_sync_unit_states(bigint[]), registry_unit_before_write(),
  registry_unit_states(bigint[]), registry_centre_at(geometry), registry_municipality_at(geometry),
  registry_counts_as_vacant(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0001_initial"),
        ("places", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FUNCTIONS + TRIGGERS, BACKWARD)]
