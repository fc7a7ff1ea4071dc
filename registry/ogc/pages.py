"""Items pages built by PostgreSQL: one query returns the page's features as the final JSON text.

The view only wraps that text in the FeatureCollection envelope (a few hundred bytes of links and
counts); the features are never parsed or re-encoded in Python (issue 17: json.loads/json.dumps took
three quarters of a worker's time). Pages in id order are keyset pages (`after`/`before` the last/first
id), so the 990,000th unit costs what the first does; `offset` is still read, and a `sortby` order pages
by offset. numberMatched is counted once and carried in the next/prev links (`matched`).
"""

import re

from django.db import connection

from registry.units import selectors

from .crs import DECIMALS


def _feature_sql(rows_sql, decimals, skip_geometry=False):
    """Each row of rows_sql as a GeoJSON Feature text with a top-level id (units/selectors.feature_sql)."""
    return selectors.feature_sql(rows_sql, decimals, skip_geometry=skip_geometry)


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
    """The unit joins with the public listing looked up per row (LATERAL): a page holds at most 10,001 units,
    and an index probe each beats the nested loop over all public listings that the planner picks for the plain
    join (half of a 1,000-unit page's time in the bench)."""
    return selectors.joins(text, lateral_listing=True)


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
    source, row_params = selectors.unit_rows(units)
    columns = unit_columns(fields, properties, query)
    column_sql = ",\n  ".join(f"{expr} AS {name}" for name, expr in columns.items())
    select_params = [site] * column_sql.count("%s")
    where = list(query.where)
    params = list(query.params)
    tail, tail_params = _paging(query, "u.id", where, params)
    where_sql = f"WHERE {' AND '.join(where)}" if where else ""
    join_sql, join_params = _page_joins(column_sql + where_sql)
    rows = (f"SELECT {column_sql}\n{source}{join_sql}{where_sql}\n"
            f"ORDER BY {_order(query, properties, 'u.id')}{tail}")
    all_params = select_params + row_params + join_params + params + tail_params
    if query.before is not None and query.offset is None and not query.sortby:
        rows = f"SELECT * FROM ({rows}) b ORDER BY b.id"  # fetched backwards, listed forwards
    return _fetch(_aggregate(_feature_sql(rows, query.decimals, query.skip_geometry)), all_params)


def units_matched(units, query):
    source, row_params = selectors.unit_rows(units)
    where_sql = f"\nWHERE {' AND '.join(query.where)}" if query.where else ""
    join_sql, join_params = "", []
    if _needed_joins(where_sql):  # only when the conditions use the joined aliases; counting needs no select list
        join_sql, join_params = selectors.joins(where_sql)
    return _fetch(f"SELECT count(*) {source}{join_sql}{where_sql}", row_params + join_params + list(query.params))[0]


# --- town centres -----------------------------------------------------------------------------------

def _centre_source():
    """(FROM clause, params): centres with municipality and the counts of units/selectors.with_counts as n."""
    counts, params = selectors.centre_counts_sql()
    return f"""FROM places_towncentre c
JOIN places_municipality m ON m.id = c.municipality_id
JOIN ({counts}) n ON n.centre_id = c.id
""", params


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
    source, source_params = _centre_source()
    rows = f"SELECT {column_sql} {source}{where_sql} ORDER BY {_order(query, properties, 'c.id')}{tail}"
    if query.before is not None and query.offset is None and not query.sortby:
        rows = f"SELECT * FROM ({rows}) b ORDER BY b.id"
    return _fetch(_aggregate(_feature_sql(rows, DECIMALS[query.srid], query.skip_geometry)),
                  source_params + params + tail_params)


def centres_matched(query):
    where_sql = f"WHERE {' AND '.join(query.where)}" if query.where else ""
    source, source_params = _centre_source()
    return _fetch(f"SELECT count(*) {source}{where_sql}", source_params + list(query.params))[0]
