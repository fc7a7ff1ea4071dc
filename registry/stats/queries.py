"""Vacancy figures at any reference date (Stichtag), computed in PostgreSQL from the
occupancy intervals. What counts as vacant is registry_counts_as_vacant(), the SQL
mirror of registry.units.vacancy; the rate is vacant / all units (vacancy_rate)."""

import datetime

from django.db import connection

from registry.units.vacancy import vacancy_rate

# Duration buckets of the current vacancy spell, in days: (label, from, to)
BUCKETS = [("< 6 Monate", 0, 183), ("6–12 Monate", 183, 365), ("1–3 Jahre", 365, 3 * 365),
           ("> 3 Jahre", 3 * 365, None)]
TREND_START = datetime.date(2019, 6, 30)

# The units in centres first, with the interval covering the day: MATERIALIZED is the
# fence that keeps the planner from evaluating registry_vacancy_start() for the vacant
# intervals of *all* units (~200k at 1 M units) before the join cuts them to the centres'
# (~26k). The spell start is computed only afterwards, on these rows, through the
# inlinable registry_vacancy_spell() (migration 0003: a scalar call per row cost 40 × more).
def _at_day(category):
    return f"""
  in_centres AS MATERIALIZED (
    SELECT o.unit_id, u.centre_id, u.floor_area, o.status
    FROM units_unit u
    JOIN places_towncentre c ON c.id = u.centre_id
    JOIN units_occupancy o ON o.unit_id = u.id
         AND o.valid_from <= %(day)s AND (o.valid_to IS NULL OR o.valid_to > %(day)s)
    WHERE u.centre_id IS NOT NULL  -- redundant for the result; tells the planner how few rows to expect
      AND (%(centre)s::text IS NULL OR c.slug = %(centre)s) {_category_sql(category)}
  ),
  spells AS (  -- only for the vacant ones: a filter on the outer row inside a LATERAL became a join filter
    SELECT i.unit_id, spell.since
    FROM in_centres i, LATERAL registry_vacancy_spell(i.unit_id, %(day)s) spell
    WHERE registry_counts_as_vacant(i.status)
  ),
  at_day AS (
    SELECT i.*, s.since FROM in_centres i LEFT JOIN spells s ON s.unit_id = i.unit_id
  )"""


def _rows(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _category_sql(category):
    return "AND u.category = %(category)s" if category else ""


def centre_figures(day, category=None, centre=None):
    """Per centre at `day`: units, vacant, rate, vacant floor area, interim uses, median duration."""
    rows = _rows(f"""
      WITH {_at_day(category)}
      SELECT c.slug, c.name, m.ags AS municipality, m.name AS municipality_name,
             count(a.unit_id) AS units,
             count(*) FILTER (WHERE registry_counts_as_vacant(a.status)) AS vacant,
             COALESCE(sum(a.floor_area) FILTER (WHERE registry_counts_as_vacant(a.status)), 0) AS vacant_floor_area,
             count(*) FILTER (WHERE a.status = 'interim_use') AS interim_use,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY %(day)s - a.since) AS median_vacancy_days
      FROM places_towncentre c
      JOIN places_municipality m ON m.id = c.municipality_id
      LEFT JOIN at_day a ON a.centre_id = c.id
      WHERE %(centre)s::text IS NULL OR c.slug = %(centre)s
      GROUP BY c.id, m.id
      ORDER BY c.name""", {"day": day, "category": category, "centre": centre})
    for row in rows:
        row["vacancy_rate"] = vacancy_rate(row["vacant"], row["units"])
        row["vacant_floor_area"] = float(row["vacant_floor_area"])
        if row["median_vacancy_days"] is not None:
            row["median_vacancy_days"] = round(row["median_vacancy_days"])
        row["date"] = day
    return rows


def reference_dates(until):
    """30.06. and 31.12. of each year from 2019, and `until` itself."""
    dates = []
    for year in range(TREND_START.year, until.year + 1):
        dates += [d for d in (datetime.date(year, 6, 30), datetime.date(year, 12, 31)) if d <= until]
    return dates + ([until] if until not in dates else [])


def trend(until, category=None, centre=None):
    """Rate at each reference date, for all centres together: [(date, units, vacant, rate)]."""
    rows = _rows(f"""
      SELECT d.day, count(*) AS units, count(*) FILTER (WHERE registry_counts_as_vacant(o.status)) AS vacant
      FROM unnest(%(days)s::date[]) AS d(day)
      JOIN units_occupancy o ON o.valid_from <= d.day AND (o.valid_to IS NULL OR o.valid_to > d.day)
      JOIN units_unit u ON u.id = o.unit_id AND u.centre_id IS NOT NULL {_category_sql(category)}
      JOIN places_towncentre c ON c.id = u.centre_id
      WHERE %(centre)s::text IS NULL OR c.slug = %(centre)s
      GROUP BY d.day ORDER BY d.day""", {"days": reference_dates(until), "category": category, "centre": centre})
    return [{**row, "rate": vacancy_rate(row["vacant"], row["units"])} for row in rows]


def duration_buckets(day, category=None, centre=None):
    """How long the units vacant at `day` have been vacant, in the four buckets (counted in SQL)."""
    counts = ", ".join(
        f"count(*) FILTER (WHERE %(day)s - a.since >= {low}" + (f" AND %(day)s - a.since < {high})" if high else ")")
        for _label, low, high in BUCKETS)
    with connection.cursor() as cursor:
        cursor.execute(f"""
          WITH {_at_day(category)}
          SELECT {counts} FROM at_day a WHERE registry_counts_as_vacant(a.status)""",
                       {"day": day, "category": category, "centre": centre})
        row = cursor.fetchone()
    return [{"label": label, "count": count} for (label, _low, _high), count in zip(BUCKETS, row, strict=True)]


def last_uses(day, centre):
    """Last use before the vacancy, for the units of a centre vacant at `day`."""
    return _rows(f"""
      WITH {_at_day(None)}
      SELECT COALESCE(NULLIF(prior.category, ''), NULLIF(u.category, ''), 'unbekannt') AS category, count(*) AS count
      FROM at_day a JOIN units_unit u ON u.id = a.unit_id
      LEFT JOIN LATERAL (
        SELECT p.category FROM units_occupancy p
        WHERE p.unit_id = a.unit_id AND NOT registry_counts_as_vacant(p.status) AND p.valid_to <= a.since
          AND p.valid_to > p.valid_from  -- a same-day state that lasted no day was no use
        ORDER BY p.valid_to DESC LIMIT 1) prior ON true
      WHERE registry_counts_as_vacant(a.status)
      GROUP BY 1 ORDER BY 2 DESC""", {"day": day, "centre": centre})


DENSITY_CELL_M = 200
DENSITY_MIN_COUNT = 3


def vacancy_density(centre):
    """Vacant units today on a 200 m grid; cells with fewer than 3 are left out so that
    no single unlisted vacancy can be located."""
    return _rows(f"""
      SELECT ST_AsGeoJSON(ST_Transform(ST_MakeEnvelope(gx * {DENSITY_CELL_M}, gy * {DENSITY_CELL_M},
                 (gx + 1) * {DENSITY_CELL_M}, (gy + 1) * {DENSITY_CELL_M}, 25832), 4326), 6) AS cell,
             n AS vacant
      FROM (
        SELECT floor(ST_X(p) / {DENSITY_CELL_M})::int AS gx, floor(ST_Y(p) / {DENSITY_CELL_M})::int AS gy,
               count(*) AS n
        FROM (SELECT ST_Transform(u.location, 25832) AS p FROM units_unit u
              JOIN places_towncentre c ON c.id = u.centre_id AND c.slug = %(centre)s
              WHERE registry_counts_as_vacant(u.status)) t
        GROUP BY 1, 2) g
      WHERE n >= {DENSITY_MIN_COUNT}""", {"centre": centre})
