CREATE OR REPLACE FUNCTION registry_address_key(street text, house_number text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(replace(replace(replace(lower(coalesce(street, '')), 'ß', 'ss'), 'strasse', 'str'),
                                'str.', 'str'), '[\s\-.]', '', 'g')
         || '|' || regexp_replace(lower(coalesce(house_number, '')), '\s', '', 'g')
$$;
