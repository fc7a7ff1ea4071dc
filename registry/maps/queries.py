"""What the map draws for one viewport, built in PostGIS.

Up to MAX_FEATURES units in view come as points. Beyond that the viewport is
aggregated: below zoom 11 per municipality, above on a grid whose cell is ~64
screen pixels, so no response carries more than a few thousand features at any
data size.
"""

from django.db import connection
from django.db.models import Avg, Count, F, FloatField, Func, Window
from django.db.models.functions import Floor, RowNumber

from registry.accounts import access
from registry.units.selectors import joins, unit_rows
from registry.units.vacancy import vacant_q

MAX_FEATURES = 2000
CELL_PIXELS = 64
MUNICIPALITY_ZOOM = 11


def count_up_to(units, limit):
    source, params = unit_rows(units)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 {source} LIMIT %s) t", [*params, limit])
        return cursor.fetchone()[0]


def points(units, user, site):
    source, params = unit_rows(units)
    join_sql, join_params = joins("")
    editable, editable_params = access.editable_sql(user)
    sql = f"""
    SELECT json_build_object('type', 'FeatureCollection', 'kind', 'units', 'features', COALESCE(json_agg(
      json_build_object('type', 'Feature', 'id', u.id, 'geometry', ST_AsGeoJSON(u.location, 6)::json,
        'properties', json_build_object(
          'status', u.status, 'name', u.name, 'street', u.street,
          'house_number', u.house_number, 'floor_area', u.floor_area, 'vacant_since', u.vacant_since,
          'last_checked', u.last_checked,
          'municipality', m.ags, 'version', u.version, 'editable', {editable},
          'listing_url', CASE WHEN l.slug IS NOT NULL THEN %s || '/angebote/' || l.slug || '/' END))
      ORDER BY u.id), '[]'::json))::text
    {source}{join_sql}"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*editable_params, site, *params, *join_params])
        return cursor.fetchone()[0]


def grid(units, zoom):
    """Counts per grid cell (total and vacant) at the cells' mean position: one scan, one GROUP BY."""
    cell = 360 / (256 * 2 ** zoom) * CELL_PIXELS
    x = Func(F("location"), function="ST_X", output_field=FloatField())
    y = Func(F("location"), function="ST_Y", output_field=FloatField())
    cells = (
        units.order_by()
        .annotate(gx=Floor(x / cell), gy=Floor(y / cell))
        .values("gx", "gy")
        .annotate(n=Count("id"), vacant=Count("id", filter=vacant_q()), lon=Avg(x), lat=Avg(y))
    )
    inner, params = cells.query.sql_with_params()
    sql = f"""
    SELECT json_build_object('type', 'FeatureCollection', 'kind', 'grid', 'features', COALESCE(json_agg(
      json_build_object('type', 'Feature',
        'geometry', json_build_object('type', 'Point', 'coordinates',
          json_build_array(round(c.lon::numeric, 6), round(c.lat::numeric, 6))),
        'properties', json_build_object('count', c.n, 'vacant', c.vacant))), '[]'::json))::text
    FROM ({inner}) c"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def by_municipality(units, bbox):
    """Counts per municipality for the municipalities in view: an index-only GROUP BY on
    (municipality, status), fast at any size; used below zoom MUNICIPALITY_ZOOM."""
    counts = units.order_by().values("municipality_id").annotate(n=Count("id"), vacant=Count("id", filter=vacant_q()))
    inner, params = counts.query.sql_with_params()
    sql = f"""
    SELECT json_build_object('type', 'FeatureCollection', 'kind', 'municipalities', 'features', COALESCE(json_agg(
      json_build_object('type', 'Feature', 'id', m.ags,
        'geometry', ST_AsGeoJSON(ST_PointOnSurface(m.boundary), 5)::json,
        'properties', json_build_object('name', m.name, 'count', c.n, 'vacant', c.vacant))), '[]'::json))::text
    FROM ({inner}) c JOIN places_municipality m ON m.id = c.municipality_id
    WHERE %s::geometry IS NULL OR m.boundary && %s::geometry"""
    box = bbox.ewkt if bbox else None
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, box, box])
        return cursor.fetchone()[0]


def viewport(form, visible, user, zoom, site):
    """JSON text for one viewport: points when few enough, else counts per municipality
    (zoomed out) or on a grid (zoomed in)."""
    units = form.apply(visible)
    if count_up_to(units, MAX_FEATURES + 1) <= MAX_FEATURES:
        return points(units, user, site)
    if zoom < MUNICIPALITY_ZOOM:
        return by_municipality(form.apply(visible, without={"bbox"}), form.cleaned_data.get("bbox"))
    return grid(units, zoom)


def municipality_outlines(tolerance=0.002, ids=None):
    """Municipality boundaries (all, or those with `ids`), simplified (~150 m) for the zoomed-out map."""
    with connection.cursor() as cursor:
        cursor.execute("""
          SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(json_build_object(
            'type', 'Feature', 'id', ags, 'properties', json_build_object('name', name),
            'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(boundary, %s), 5)::json)), '[]'::json))::text
          FROM places_municipality WHERE %s::bigint[] IS NULL OR id = ANY(%s::bigint[])""", [tolerance, ids, ids])
        return cursor.fetchone()[0]


def page_of(units, order, pk, page_size):
    """The list page (1-based) that holds unit `pk` in `units` sorted by `order`, or None when it is not among them:
    its row number counted by PostgreSQL over the whole filtered, sorted set (a window), not by reading the rows."""
    ranked = units.order_by().annotate(position=Window(RowNumber(), order_by=order), unit=F("pk")).values(
        "unit", "position")
    sql, params = ranked.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ranked.position FROM ({sql}) ranked WHERE ranked.unit = %s", [*params, pk])
        row = cursor.fetchone()
    return (row[0] - 1) // page_size + 1 if row else None
