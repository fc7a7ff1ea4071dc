"""Derived unit columns, kept right by the database for every writer.

- municipality / centre follow the location (and follow boundary edits);
- status / vacant_since follow the open occupancy interval;
- at commit, every unit has exactly one open interval.

Direct writes (trigger depth 1) to derived columns are recomputed; writes made
by these triggers themselves (depth > 1) are trusted, which keeps bulk loads
set-based. The vacant statuses are frozen here; `tests/units/test_vacancy.py`
checks they equal `registry.units.vacancy.VACANT_STATUSES`.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION registry_counts_as_vacant(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT status IN ('vacant', 'reserved', 'let_not_open', 'renovation', 'not_lettable')
$$;

CREATE OR REPLACE FUNCTION registry_municipality_at(p geometry) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT id FROM places_municipality WHERE ST_Covers(boundary, p) ORDER BY id LIMIT 1
$$;

CREATE OR REPLACE FUNCTION registry_centre_at(p geometry) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT id FROM places_towncentre WHERE ST_Covers(boundary, p) ORDER BY id LIMIT 1
$$;

-- Current status and start of the current vacancy spell, from the intervals.
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

CREATE OR REPLACE FUNCTION registry_unit_before_write() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  state record;
BEGIN
  IF pg_trigger_depth() > 1 THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT'
     OR NEW.location IS DISTINCT FROM OLD.location
     OR NEW.municipality_id IS DISTINCT FROM OLD.municipality_id
     -- NULL is let through: Django's SET_NULL runs just before a centre is deleted.
     OR (NEW.centre_id IS DISTINCT FROM OLD.centre_id AND NEW.centre_id IS NOT NULL) THEN
    NEW.municipality_id := registry_municipality_at(NEW.location);
    IF NEW.municipality_id IS NULL THEN
      RAISE EXCEPTION 'Der Standort liegt in keiner Thüringer Gemeinde.'
        USING ERRCODE = 'check_violation', COLUMN = 'location', TABLE = 'units_unit';
    END IF;
    NEW.centre_id := registry_centre_at(NEW.location);
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.status IS DISTINCT FROM OLD.status
                           OR NEW.vacant_since IS DISTINCT FROM OLD.vacant_since) THEN
    SELECT s.status, s.vacant_since INTO state FROM registry_unit_states(ARRAY[NEW.id]) s;
    IF FOUND THEN
      NEW.status := state.status;
      NEW.vacant_since := state.vacant_since;
    ELSE
      NEW.status := OLD.status;
      NEW.vacant_since := OLD.vacant_since;
    END IF;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER unit_before_write BEFORE INSERT OR UPDATE ON units_unit
FOR EACH ROW EXECUTE FUNCTION registry_unit_before_write();

CREATE OR REPLACE FUNCTION registry_sync_unit_states(unit_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
  UPDATE units_unit u SET status = s.status, vacant_since = s.vacant_since
  FROM registry_unit_states(unit_ids) s
  WHERE u.id = s.unit_id
    AND (u.status, u.vacant_since) IS DISTINCT FROM (s.status, s.vacant_since)
$$;

CREATE OR REPLACE FUNCTION registry_occupancy_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_sync_unit_states(ARRAY(SELECT DISTINCT unit_id FROM new_rows));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION registry_occupancy_after_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_sync_unit_states(ARRAY(
    SELECT unit_id FROM new_rows UNION SELECT unit_id FROM old_rows));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION registry_occupancy_after_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_sync_unit_states(ARRAY(SELECT DISTINCT unit_id FROM old_rows));
  RETURN NULL;
END $$;

CREATE TRIGGER occupancy_after_insert AFTER INSERT ON units_occupancy
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_occupancy_after_insert();
CREATE TRIGGER occupancy_after_update AFTER UPDATE ON units_occupancy
REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION registry_occupancy_after_update();
CREATE TRIGGER occupancy_after_delete AFTER DELETE ON units_occupancy
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_occupancy_after_delete();

-- At commit: a unit that exists has an open interval (the unique index allows at most one).
CREATE OR REPLACE FUNCTION registry_check_open_interval() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  checked_id bigint;
BEGIN
  IF TG_TABLE_NAME = 'units_unit' THEN
    checked_id := NEW.id;
  ELSE
    checked_id := OLD.unit_id;
  END IF;
  IF EXISTS (SELECT 1 FROM units_unit WHERE id = checked_id)
     AND NOT EXISTS (SELECT 1 FROM units_occupancy WHERE unit_id = checked_id AND valid_to IS NULL) THEN
    RAISE EXCEPTION 'Einheit % hat keinen aktuellen Status (offenen Belegungszeitraum).', checked_id
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER unit_has_open_interval AFTER INSERT ON units_unit
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registry_check_open_interval();
CREATE CONSTRAINT TRIGGER occupancy_leaves_open_interval AFTER UPDATE OR DELETE ON units_occupancy
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registry_check_open_interval();

-- Boundary edits re-derive the units they touch.
CREATE OR REPLACE FUNCTION registry_centre_after_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE units_unit u SET centre_id = registry_centre_at(u.location)
  WHERE (u.centre_id = NEW.id OR ST_Covers(NEW.boundary, u.location))
    AND u.centre_id IS DISTINCT FROM registry_centre_at(u.location);
  RETURN NULL;
END $$;

CREATE TRIGGER centre_after_write AFTER INSERT OR UPDATE OF boundary ON places_towncentre
FOR EACH ROW EXECUTE FUNCTION registry_centre_after_write();

CREATE OR REPLACE FUNCTION registry_centre_after_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE units_unit u SET centre_id = registry_centre_at(u.location)
  WHERE u.centre_id IS NULL AND ST_Covers(OLD.boundary, u.location);
  RETURN NULL;
END $$;

CREATE TRIGGER centre_after_delete AFTER DELETE ON places_towncentre
FOR EACH ROW EXECUTE FUNCTION registry_centre_after_delete();

CREATE OR REPLACE FUNCTION registry_municipality_after_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- A unit left uncovered mid-import keeps its municipality until the
  -- neighbour that now covers it is written.
  UPDATE units_unit u SET municipality_id = registry_municipality_at(u.location)
  WHERE (u.municipality_id = NEW.id OR ST_Covers(NEW.boundary, u.location))
    AND registry_municipality_at(u.location) IS NOT NULL
    AND u.municipality_id IS DISTINCT FROM registry_municipality_at(u.location);
  RETURN NULL;
END $$;

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

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
