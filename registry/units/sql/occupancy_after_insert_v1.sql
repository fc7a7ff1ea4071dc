CREATE OR REPLACE FUNCTION registry_occupancy_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_sync_unit_states(ARRAY(SELECT DISTINCT unit_id FROM new_rows));
  RETURN NULL;
END $$;
