"""Export SQL: one SELECT per format over the filtered unit rows.

The filtered queryset (the shared filter + the privacy tier) decides the rows,
so the same rows go to every format, and PostgreSQL builds GeoJSON and CSV
lines itself. Streaming uses COPY … TO STDOUT (psycopg 3). COPY's text format
would escape backslashes inside the JSON, so GeoJSON goes through CSV format
with quote/delimiter bytes that JSON never contains: each line is the JSON verbatim.
"""

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection

from registry.listings.models import Listing
from registry.units.vacancy import Status



def joins(columns_sql):
    """The joins for the aliases m, c, l (and o only where owner fields are asked for: joining every
    unit's owner just to test a listing's consent cost the export a second large hash join)."""
    owner = "LEFT JOIN owners_owner o ON o.id = u.owner_id\n" if "o." in columns_sql else ""
    return f"""
JOIN places_municipality m ON m.id = u.municipality_id
LEFT JOIN places_towncentre c ON c.id = u.centre_id
{owner}LEFT JOIN ({public_listings_sql()}) l ON l.unit_id = u.id
"""


def public_listings_sql():
    """Listing.public() (the one definition of what the public sees) with its values inlined, so the
    joins need no parameters between those of the select list and of the filter."""
    sql, params = Listing.objects.public().order_by().values("unit_id", "slug").query.sql_with_params()
    return sql % tuple(_literal(param) for param in params)


def _literal(text):
    return "'" + str(text).replace("'", "''") + "'"


def status_label_sql():
    cases = " ".join(f"WHEN {_literal(value)} THEN {_literal(label)}" for value, label in Status.choices)
    return f"CASE u.status {cases} END"


def unit_rows(units):
    """(FROM clause, WHERE clause, params) for the filtered unit rows, aliased u.

    Normally `FROM (SELECT * FROM units_unit WHERE <the queryset's WHERE>) u`:
    PostgreSQL flattens the derived table into the outer query, so filtering
    costs one scan, not a semi-join against a second scan of all ids. Filters and
    tiers are written with subqueries so the queryset needs no join; should one
    ever need it, this falls back to an id subquery.
    """
    query = units.query
    if len(query.alias_map) <= 1 and not query.is_sliced:
        try:
            where, params = query.get_compiler(connection=connection).compile(query.where)
        except EmptyResultSet:
            where, params = "false", []
        except FullResultSet:
            where, params = "true", []
        return f"FROM (SELECT * FROM units_unit WHERE {where or 'true'}) u", "", list(params)
    inner, params = units.order_by().values("id").query.sql_with_params()
    return "FROM units_unit u", f"WHERE u.id IN ({inner})", list(params)


def _select(units, columns, site, order=True):
    source, where, row_params = unit_rows(units)
    params = [site] * sum(expr.count("%s") for expr in columns.values()) + row_params
    column_sql = ",\n  ".join(f"{expr} AS {name}" for name, expr in columns.items())
    order_by = "ORDER BY u.id" if order else ""
    return f"SELECT\n  {column_sql}\n{source}{joins(column_sql)}{where}\n{order_by}", params


def _features_sql(units, fields, site, lead=""):
    """One text column `feature`: a GeoJSON Feature per unit, built by PostGIS.

    ST_AsGeoJSON(record) serialises the whole row in C, much faster than
    json_build_object over ~25 arguments (bench/export.py). PostGIS 3.3 has no
    id_column, so the Feature's `id` (and the `lead` text) is spliced in by
    replace() on the envelope: a byte search, where substr() had to count the
    characters of every UTF-8 row (25 % of the export's time). The envelope text
    cannot occur inside a property, since JSON escapes the quotes of strings.
    """
    columns = {"id": "u.id", "geometry": "u.location"}
    for name, (expr, _kind) in fields.items():
        columns[name] = expr
        if name == "status":
            columns["status_label"] = status_label_sql()
    rows, params = _select(units, columns, site, order=False)
    envelope = '{"type": "Feature", '
    sql = (f"""SELECT t.id, replace(ST_AsGeoJSON(t.*, 'geometry', 6), '{envelope}', """
           f"""'{lead}{envelope}"id": ' || t.id || ', ') AS feature FROM ({rows}) t""")
    return sql, params


def geojson_features_sql(units, fields, site):
    """One line per feature, each starting with a comma (the view drops the first one).

    No ORDER BY: rows stream in scan order, nothing is sorted or held back."""
    sql, params = _features_sql(units, fields, site, lead=",")
    return f"SELECT f.feature FROM ({sql}) f", params


def _csv_value(expr, kind):
    if kind in ("number", "int"):
        return f"replace(({expr})::text, '.', ',')"
    if kind == "date":
        return f"to_char({expr}, 'DD.MM.YYYY')"
    if kind == "bool":
        return f"CASE WHEN {expr} THEN 'ja' WHEN NOT {expr} THEN 'nein' END"
    # Spreadsheet formula injection: a leading = + - @ tab or CR is defused with a quote (formats.FORMULA_STARTS).
    return (f"CASE WHEN left({expr}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || {expr} "
            f"ELSE {expr} END")


def _csv_postcode(expr):
    """A postcode of digits as the formula ="07743": the one way a spreadsheet's default CSV import keeps the
    leading zero (LibreOffice turns even a quoted "07743" into 7743, so does Excel). Digits only, so nothing
    from a user becomes a formula; anything else is defused text like every other field."""
    return f"""CASE WHEN {expr} ~ '^[0-9]+$' THEN '="' || {expr} || '"' ELSE {_csv_value(expr, "text")} END"""


def csv_sql(units, fields, site):
    columns = {"id": "u.id"}
    for name, (expr, kind) in fields.items():
        columns[name] = _csv_postcode(expr) if name == "postcode" else _csv_value(expr, kind)
        if name == "status":
            columns["status_label"] = status_label_sql()
    columns["longitude"] = "replace(round(ST_X(u.location)::numeric, 6)::text, '.', ',')"
    columns["latitude"] = "replace(round(ST_Y(u.location)::numeric, 6)::text, '.', ',')"
    return _select(units, columns, site)


# Each field kind of tiers.py as one SQL type: a client typing columns from the result (GDAL, the XLSX
# writer) sees the same type whatever the filter, also for an empty result.
SQL_TYPES = {"number": "double precision", "int": "integer", "date": "date", "bool": "boolean", "text": "text"}


def table_sql(units, fields, site, srid=4326):
    """Typed columns plus the geometry, for GeoPackage (through ogr2ogr)."""
    columns = {"id": "u.id"}
    for name, (expr, kind) in fields.items():
        columns[name] = f"NULLIF(({expr})::text, '')" if kind == "text" else f"({expr})::{SQL_TYPES[kind]}"
        if name == "status":
            columns["status_label"] = status_label_sql()
    # typed geometry(Point, srid): GDAL reads type and SRID from the column instead of asking the rows
    columns["geom"] = (f"ST_Transform(u.location, {int(srid)})::geometry(Point, {int(srid)})"
                       if int(srid) != 4326 else "u.location")
    # no ORDER BY: a GeoPackage has no row order to keep, and the sort was a third of the query's time
    return _select(units, columns, site, order=False)


def xlsx_sql(units, fields, site):
    """Typed columns in the CSV's order and names, for XLSX: numbers, dates and booleans as such, text without
    the control characters an XLSX file cannot hold (OOXML refuses them, openpyxl raises)."""
    columns = {"id": "u.id"}
    for name, (expr, kind) in fields.items():
        value = f"({expr})::{SQL_TYPES[kind]}"
        if kind == "text":
            value = f"NULLIF(regexp_replace({value}, E'[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f]', '', 'g'), '')"
        columns[name] = value
        if name == "status":
            columns["status_label"] = status_label_sql()
    columns["longitude"] = "round(ST_X(u.location)::numeric, 6)::float8"
    columns["latitude"] = "round(ST_Y(u.location)::numeric, 6)::float8"
    return _select(units, columns, site)


def copy_lines(sql, params, copy_options, buffer_size=1 << 16):
    """Yield COPY output in ~64 KB blocks; the COPY is always finished so the connection is free again.

    COPY delivers one message per row; handing each to the WSGI server separately
    costs a write per row, which dominated the export time (bench/export.py).
    """
    connection.ensure_connection()
    with connection.cursor() as cursor:
        # The raw psycopg cursor: Django's debug wrapper's copy() takes no parameters.
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH ({copy_options})", params) as copy:
            block, size = [], 0
            for row in copy:
                block.append(row)
                size += len(row)
                if size >= buffer_size:
                    yield b"".join(block)
                    block, size = [], 0
            if block:
                yield b"".join(block)


JSON_LINES = "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'"
# Every value quoted: a spreadsheet's default import splits on `,` and `;` alike (LibreOffice: `,` `;` tab),
# so an unquoted decimal comma "12,5" became two columns; quoted, it is still read as the number 12,5.
GERMAN_CSV = "FORMAT csv, DELIMITER ';', HEADER true, FORCE_QUOTE *"
