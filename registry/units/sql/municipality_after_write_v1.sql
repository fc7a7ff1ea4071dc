CREATE OR REPLACE FUNCTION registry_municipality_after_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- A unit left uncovered mid-import keeps its municipality until the
  -- neighbour that now covers it is written.
  UPDATE units_unit u SET municipality_id = registry_municipality_at(u.location)
  WHERE (u.municipality_id = NEW.id OR ST_Covers(NEW.boundary, u.location))
    AND registry_municipality_at(u.location) IS NOT NULL
    AND u.municipality_id IS DISTINCT FROM registry_municipality_at(u.location);
  RETURN NULL;
END $$;
