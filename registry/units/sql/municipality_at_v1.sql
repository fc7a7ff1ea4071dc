CREATE OR REPLACE FUNCTION registry_municipality_at(p geometry) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT id FROM places_municipality WHERE ST_Covers(boundary, p) ORDER BY id LIMIT 1
$$;
