CREATE OR REPLACE FUNCTION registry_occupancy_after_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_sync_unit_states(ARRAY(SELECT DISTINCT unit_id FROM old_rows));
  RETURN NULL;
END $$;
