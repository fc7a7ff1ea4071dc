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
