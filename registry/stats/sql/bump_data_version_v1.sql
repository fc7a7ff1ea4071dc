CREATE OR REPLACE FUNCTION registry_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stats_data_version (id, version) VALUES (1, nextval('stats_data_version_seq'))
  ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, changed_at = now();
  RETURN NULL;
END $$;
