"""Set-based imports derive place and status themselves and check open intervals in one query.

With `SET LOCAL registry.bulk_import = 'on'` (only registry/imports/writing.py sets it,
inside its own transaction) inserted units keep the municipality and centre the
import computed for all rows at once, new intervals leave the units' status to
the import (it writes status and vacant_since itself and syncs the units whose
status it changed), and the per-row check for an open interval is left to the
import's own set-based check. Per-row derivation cost 100k imports about seven
seconds (bench/import.py).
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION registry_occupancy_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('registry.bulk_import', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM registry_sync_unit_states(ARRAY(SELECT DISTINCT unit_id FROM new_rows));
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION registry_unit_before_write() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  state record;
BEGIN
  IF pg_trigger_depth() > 1 OR (TG_OP = 'INSERT' AND current_setting('registry.bulk_import', true) = 'on') THEN
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

CREATE OR REPLACE FUNCTION registry_check_open_interval() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  checked_id bigint;
BEGIN
  IF current_setting('registry.bulk_import', true) = 'on' THEN
    RETURN NULL;
  END IF;
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
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION registry_occupancy_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_sync_unit_states(ARRAY(SELECT DISTINCT unit_id FROM new_rows));
  RETURN NULL;
END $$;
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
"""


class Migration(migrations.Migration):
    dependencies = [("units", "0002_derivation_triggers")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
