-- v2 (units 0003): under the bulk-import flag the import checks the open intervals itself, set-based.
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
