CREATE OR REPLACE FUNCTION registry_occupancy_after_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM registry_sync_unit_states(ARRAY(
    SELECT unit_id FROM new_rows UNION SELECT unit_id FROM old_rows));
  RETURN NULL;
END $$;
