CREATE OR REPLACE FUNCTION registry_sync_unit_states(unit_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
  UPDATE units_unit u SET status = s.status, vacant_since = s.vacant_since
  FROM registry_unit_states(unit_ids) s
  WHERE u.id = s.unit_id
    AND (u.status, u.vacant_since) IS DISTINCT FROM (s.status, s.vacant_since)
$$;
