"""Items pages built by PostgreSQL: one query returns the page's features as the final JSON text.

The view only wraps that text in the FeatureCollection envelope (a few hundred bytes of links and
counts); the features are never parsed or re-encoded in Python (issue 17: json.loads/json.dumps took
three quarters of a worker's time). Pages in id order are keyset pages (`after`/`before` the last/first
id), so the 990,000th unit costs what the first does; `offset` is still read, and a `sortby` order pages
by offset. numberMatched is counted once and carried in the next/prev links (`matched`).
"""

import re

from django.db import connection

from registry.exports import queries
from registry.units.vacancy import Status, sql_vacant_list

from .crs import DECIMALS

ENVELOPE = '{"type": "Feature", '


def _feature_sql(rows_sql, decimals, skip_geometry=False):
    """Each row of rows_sql (columns id, geometry, properties…) as a GeoJSON Feature text with a top-level id.

    ST_AsGeoJSON(record) serialises the row in C; the id is spliced into the envelope by replace(),
    a byte search (see exports.queries)."""
    feature = f"ST_AsGeoJSON(t.*, 'geometry', {int(decimals)})"
    if skip_geometry:  # PostGIS writes a NULL geometry as {"type": null}; GeoJSON wants null
        feature = f"""replace({feature}, '"geometry": {{"type": null}}', '"geometry": null')"""
    return (f"SELECT t.id, replace({feature}, '{ENVELOPE}', "
            f"'{ENVELOPE}\"id\": ' || t.id || ', ') AS feature FROM ({rows_sql}) t")


def _aggregate(features_sql):
    """One row: the features joined by commas (input order), their count, and their ids in the same order."""
    return (f"SELECT coalesce(string_agg(p.feature, ','), ''), count(*), "
            f"coalesce(array_agg(p.id), '{{}}') FROM ({features_sql}) p")


def _geometry(expr, query, force_ccw=False):
    if query.skip_geometry:
        return "NULL::geometry"
    if force_ccw:  # RFC 7946: exterior rings counter-clockwise
        expr = f"ST_ForcePolygonCCW({expr})"
    return expr if query.srid == 4326 else f"ST_Transform({expr}, {int(query.srid)})"


def _order(query, properties, alias_id):
    if query.sortby:
        keys = [f"({properties[name].sql}) {'DESC NULLS LAST' if descending else 'ASC NULLS FIRST'}"
                for name, descending in query.sortby]
        return ", ".join([*keys, f"{alias_id} ASC"])
    return f"{alias_id} DESC" if query.before is not None and query.offset is None else f"{alias_id} ASC"


def _paging(query, alias_id, where, params):
    """Keyset conditions (only in id order) and LIMIT/OFFSET, appended to where/params; returns the tail SQL."""
    tail, tail_params = " LIMIT %s", [query.limit]
    if query.sortby or query.offset is not None:
        tail += " OFFSET %s"
        tail_params.append(query.offset or 0)
    elif query.after is not None:
        where.append(f"{alias_id} > %s")
        params.append(query.after)
    elif query.before is not None:
        where.append(f"{alias_id} < %s")
        params.append(query.before)
    return tail, tail_params


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _page_joins(text):
    """exports.queries.joins, with the public listing looked up per row (LATERAL): a page holds at most
    10,001 units, and an index probe each beats the nested loop over all public listings that the planner
    picks for the plain join (half of a 1,000-unit page's time in the bench)."""
    joins = queries.joins(text)
    public = f"LEFT JOIN ({queries.public_listings_sql()}) l ON l.unit_id = u.id"
    lateral = (f"LEFT JOIN LATERAL (SELECT p.slug FROM ({queries.public_listings_sql()}) p "
               f"WHERE p.unit_id = u.id LIMIT 1) l ON true")
    return joins.replace(public, lateral) if public in joins else joins


def _needed_joins(text):
    return {alias for alias in ("m", "c", "l", "o") if re.search(rf"\b{alias}\.", text)}


# --- units ------------------------------------------------------------------------------------------

def unit_columns(fields, properties, query):
    """Property columns (name → SQL) in the tier's order, narrowed by `properties=`; id always."""
    chosen = query.properties
    columns = {"id": "u.id", "geometry": _geometry("u.location", query)}
    for name, prop in properties.items():
        if chosen is None or name in chosen:
            columns[name] = prop.sql
    return columns


def units_page(units, fields, properties, site, query):
    """(features JSON text, numberReturned, ids) for one page of the filtered, tiered units."""
    source, fallback_where, row_params = queries.unit_rows(units)
    columns = unit_columns(fields, properties, query)
    column_sql = ",\n  ".join(f"{expr} AS {name}" for name, expr in columns.items())
    select_params = [site] * column_sql.count("%s")
    where = [fallback_where[len("WHERE "):]] if fallback_where else []
    where += query.where
    params = list(query.params)
    tail, tail_params = _paging(query, "u.id", where, params)
    where_sql = f"WHERE {' AND '.join(where)}" if where else ""
    rows = (f"SELECT {column_sql}\n{source}{_page_joins(column_sql + where_sql)}{where_sql}\n"
            f"ORDER BY {_order(query, properties, 'u.id')}{tail}")
    all_params = select_params + row_params + params + tail_params
    if query.before is not None and query.offset is None and not query.sortby:
        rows = f"SELECT * FROM ({rows}) b ORDER BY b.id"  # fetched backwards, listed forwards
    return _fetch(_aggregate(_feature_sql(rows, query.decimals, query.skip_geometry)), all_params)


def units_matched(units, query):
    source, fallback_where, row_params = queries.unit_rows(units)
    where = ([fallback_where[len("WHERE "):]] if fallback_where else []) + query.where
    where_sql = f"\nWHERE {' AND '.join(where)}" if where else ""
    aliases = _needed_joins(where_sql)
    joins = ""
    if aliases:  # only the joins the conditions use; counting needs no select list
        joins = queries.joins(where_sql)
    return _fetch(f"SELECT count(*) {source}{joins}{where_sql}", row_params + list(query.params))[0]


# --- town centres -----------------------------------------------------------------------------------

def _centre_source():
    vacant = sql_vacant_list()
    return f"""FROM places_towncentre c
JOIN places_municipality m ON m.id = c.municipality_id
CROSS JOIN LATERAL (
  SELECT count(*) AS units, count(*) FILTER (WHERE x.status IN ({vacant})) AS vacant,
         count(*) FILTER (WHERE x.status = '{Status.INTERIM_USE.value}') AS interim_use,
         (count(*) FILTER (WHERE x.status IN ({vacant})))::float8 / NULLIF(count(*), 0) AS vacancy_rate
  FROM units_unit x WHERE x.centre_id = c.id) n
"""


def centres_page(properties, query, pk=None):
    columns = {"id": "c.id", "geometry": _geometry("c.boundary", query, force_ccw=True)}
    for name, prop in properties.items():
        if query.properties is None or name in query.properties:
            columns[name] = prop.sql
    column_sql = ", ".join(f"{expr} AS {name}" for name, expr in columns.items())
    where, params = list(query.where), list(query.params)
    if pk is not None:
        where.append("c.id = %s")
        params.append(pk)
    tail, tail_params = _paging(query, "c.id", where, params)
    where_sql = f"WHERE {' AND '.join(where)}" if where else ""
    rows = f"SELECT {column_sql} {_centre_source()}{where_sql} ORDER BY {_order(query, properties, 'c.id')}{tail}"
    if query.before is not None and query.offset is None and not query.sortby:
        rows = f"SELECT * FROM ({rows}) b ORDER BY b.id"
    return _fetch(_aggregate(_feature_sql(rows, DECIMALS[query.srid], query.skip_geometry)), params + tail_params)


def centres_matched(query):
    where_sql = f"WHERE {' AND '.join(query.where)}" if query.where else ""
    return _fetch(f"SELECT count(*) {_centre_source()}{where_sql}", list(query.params))[0]
