"""Deterministic synthetic units for benchmarks, generated inside PostGIS.

Points come from ST_GeneratePoints with a fixed seed: 60 % around the 28 town
centres, 40 % over all municipalities. Each batch is one INSERT … SELECT for the
units and one for their open interval; the derivation triggers stay on.
"""

from django.db import connection, transaction

from registry.units.vacancy import Status

GENERATED_PREFIX = "gen-"

_UNITS_SQL = """
WITH areas AS (
  SELECT ST_Intersection(m.boundary, ST_Buffer(c.boundary::geography, 1500)::geometry) AS geom,
         ceil(%(near)s::float / (SELECT count(*) FROM places_towncentre)) AS n
  FROM places_towncentre c JOIN places_municipality m ON m.id = c.municipality_id
  UNION ALL
  SELECT m.boundary, ceil(%(far)s * ST_Area(m.boundary) / sum(ST_Area(m.boundary)) OVER ())
  FROM places_municipality m
),
points AS (
  SELECT (ST_Dump(ST_GeneratePoints(geom, n::int, %(seed)s))).geom AS location
  FROM areas WHERE n >= 1
),
hashed AS (
  SELECT location, abs(hashtext(%(seed)s::text || ':' || ST_AsText(location))) AS h FROM points
),
numbered AS (  -- the areas are rounded up; keep exactly the batch size
  SELECT location, h, row_number() OVER (ORDER BY h, ST_X(location)) + %(offset)s AS n
  FROM hashed ORDER BY h, ST_X(location) LIMIT %(size)s
)
INSERT INTO units_unit (external_id, name, street, house_number, postcode, town, location, floor,
  floor_area, sales_area, frontage, listed_building, category, subcategory, wz_code, status, vacant_since,
  internal_note, created_at, updated_at, version, municipality_id)
SELECT %(prefix)s || n, '', 'Teststraße', (n %% 200 + 1)::text, '', 'Synthetisch', location, 'EG',
  20 + h %% 380, NULL, 3 + h %% 12, h %% 4 = 0, (%(categories)s::text[])[1 + h %% 9], '', '',
  (%(statuses)s::text[])[1 + (h / 7) %% 20],
  CASE WHEN (%(statuses)s::text[])[1 + (h / 7) %% 20] IN (%(vacant)s) THEN current_date - (h %% 3000)::int END,
  '', now(), now(), 1, 0
FROM numbered
RETURNING id, status, vacant_since
"""


def generate_units(count, seed, batch_size=100_000, progress=None):
    """Add `count` synthetic units (with one open interval each); returns how many were added."""
    from registry.units.categories import Category
    from registry.units.vacancy import sql_vacant_list

    # 20 slots: 15 occupied, 4 vacant-like, 1 interim use ≈ the Thuringian 25 % rate.
    statuses = [Status.OCCUPIED] * 15 + [Status.VACANT, Status.VACANT, Status.RESERVED,
                                          Status.NOT_LETTABLE, Status.INTERIM_USE]
    added = 0
    batch = 0
    while added < count:
        size = min(batch_size, count - added)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                _UNITS_SQL.replace("%(vacant)s", sql_vacant_list()),
                {
                    "near": int(size * 0.6), "far": size - int(size * 0.6), "seed": seed * 1000 + batch,
                    "offset": added, "size": size, "prefix": f"{GENERATED_PREFIX}{seed}-",
                    "categories": list(Category.values), "statuses": [str(s) for s in statuses],
                },
            )
            rows = cursor.fetchall()
            cursor.execute(
                """INSERT INTO units_occupancy (unit_id, status, category, use_description, valid_from,
                     note, recorded_at)
                   SELECT u.id, u.status, '', '', COALESCE(u.vacant_since, DATE '2015-01-01'), '', now()
                   FROM unnest(%s::bigint[]) AS new(id) JOIN units_unit u ON u.id = new.id""",
                [[row[0] for row in rows]],
            )
        added += len(rows)
        batch += 1
        if progress:
            progress(len(rows))
        if not rows:
            break
    return added
