"""Export SQL: one SELECT per format, built around the filtered unit ids.

The filtered queryset (the shared filter + the privacy tier) becomes a subquery,
so the same rows go to every format, and PostgreSQL builds GeoJSON and CSV
lines itself. Streaming uses COPY … TO STDOUT (psycopg 3), see
../shared/tech-notes: CSV format with quote/delimiter bytes that JSON never
contains, so each line is the JSON text verbatim.
"""

from django.db import connection

from registry.units.vacancy import Status

JOINS = """
FROM units_unit u
JOIN places_municipality m ON m.id = u.municipality_id
LEFT JOIN places_towncentre c ON c.id = u.centre_id
LEFT JOIN owners_owner o ON o.id = u.owner_id
LEFT JOIN listings_listing l ON l.unit_id = u.id AND l.published AND o.consent = 'consented'
"""


def _literal(text):
    return "'" + str(text).replace("'", "''") + "'"


def status_label_sql():
    cases = " ".join(f"WHEN {_literal(value)} THEN {_literal(label)}" for value, label in Status.choices)
    return f"CASE u.status {cases} END"


def _select(units, columns, site):
    inner, inner_params = units.values("id").query.sql_with_params()
    params = [site] * sum(expr.count("%s") for expr in columns.values()) + list(inner_params)
    column_sql = ",\n  ".join(f"{expr} AS {name}" for name, expr in columns.items())
    return f"SELECT\n  {column_sql}\n{JOINS}WHERE u.id IN ({inner})\nORDER BY u.id", params


def feature_sql(fields):
    """A unit as a GeoJSON Feature (json), properties per tier, German status label beside the code."""
    properties = []
    for name, (expr, _type) in fields.items():
        properties.append(f"'{name}', {expr}")
        if name == "status":
            properties.append(f"'status_label', {status_label_sql()}")
    return (
        "json_build_object('type', 'Feature', 'id', u.id, "
        "'geometry', ST_AsGeoJSON(u.location, 6)::json, "
        f"'properties', json_build_object({', '.join(properties)}))"
    )


def geojson_features_sql(units, fields, site):
    """One line per feature, a comma before all but the first."""
    line = f"CASE WHEN row_number() OVER (ORDER BY u.id) = 1 THEN '' ELSE ',' END || {feature_sql(fields)}::text"
    return _select(units, {"line": line}, site)


def features_page_sql(units, fields, site, limit, offset):
    """A page of features as one JSON array, in a stable order (OGC API paging)."""
    inner, params = _select(units, {"feature": feature_sql(fields)}, site)
    return f"SELECT COALESCE(json_agg(t.feature), '[]'::json)::text FROM ({inner} LIMIT %s OFFSET %s) t", [
        *params, limit, offset]


def _csv_value(expr, kind):
    if kind in ("number", "int"):
        return f"replace(({expr})::text, '.', ',')"
    if kind == "date":
        return f"to_char({expr}, 'DD.MM.YYYY')"
    if kind == "bool":
        return f"CASE WHEN {expr} THEN 'ja' WHEN NOT {expr} THEN 'nein' END"
    # Spreadsheet formula injection: a leading = + - @ is defused with a quote.
    return f"CASE WHEN left({expr}, 1) IN ('=', '+', '-', '@') THEN '''' || {expr} ELSE {expr} END"


def csv_sql(units, fields, site):
    columns = {"id": "u.id"}
    for name, (expr, kind) in fields.items():
        columns[name] = _csv_value(expr, kind)
        if name == "status":
            columns["status_label"] = status_label_sql()
    columns["longitude"] = "replace(round(ST_X(u.location)::numeric, 6)::text, '.', ',')"
    columns["latitude"] = "replace(round(ST_Y(u.location)::numeric, 6)::text, '.', ',')"
    return _select(units, columns, site)


def table_sql(units, fields, site, srid=4326):
    """Plain typed columns plus WKB geometry, for GeoPackage."""
    columns = {"id": "u.id"}
    for name, (expr, _kind) in fields.items():
        columns[name] = expr
        if name == "status":
            columns["status_label"] = status_label_sql()
    columns["wkb"] = f"ST_AsBinary(ST_Transform(u.location, {int(srid)}))"
    return _select(units, columns, site)


def copy_lines(sql, params, copy_options):
    """Yield COPY output chunks; the COPY is always finished so the connection is free again."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        # The raw psycopg cursor: Django's debug wrapper's copy() takes no parameters.
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH ({copy_options})", params) as copy:
            yield from copy


JSON_LINES = "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'"
GERMAN_CSV = "FORMAT csv, DELIMITER ';', HEADER true"
