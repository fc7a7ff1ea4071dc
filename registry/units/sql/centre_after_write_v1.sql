-- Boundary edits re-derive the units they touch.
CREATE OR REPLACE FUNCTION registry_centre_after_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE units_unit u SET centre_id = registry_centre_at(u.location)
  WHERE (u.centre_id = NEW.id OR ST_Covers(NEW.boundary, u.location))
    AND u.centre_id IS DISTINCT FROM registry_centre_at(u.location);
  RETURN NULL;
END $$;
