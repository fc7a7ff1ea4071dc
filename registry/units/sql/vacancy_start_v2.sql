-- v2 (stats 0003): read from the inlinable registry_vacancy_spell().
CREATE OR REPLACE FUNCTION registry_vacancy_start(p_unit bigint, p_day date) RETURNS date
LANGUAGE sql STABLE AS $$
  SELECT since FROM registry_vacancy_spell(p_unit, p_day)
$$;
