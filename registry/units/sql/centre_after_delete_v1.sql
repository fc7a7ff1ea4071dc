CREATE OR REPLACE FUNCTION registry_centre_after_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE units_unit u SET centre_id = registry_centre_at(u.location)
  WHERE u.centre_id IS NULL AND ST_Covers(OLD.boundary, u.location);
  RETURN NULL;
END $$;
