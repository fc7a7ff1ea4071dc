-- v2 (units 0003): under the bulk-import flag the import syncs the units' status itself.
CREATE OR REPLACE FUNCTION registry_occupancy_after_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('registry.bulk_import', true) = 'on' THEN
    RETURN NULL;
  END IF;
  PERFORM registry_sync_unit_states(ARRAY(SELECT DISTINCT unit_id FROM new_rows));
  RETURN NULL;
END $$;
