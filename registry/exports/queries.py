"""Export SQL: one SELECT per format over the filtered unit rows.

The rows and the fields come from units/selectors.py (the access policy's units and tier, the shared filter),
so every format gets the same rows, and PostgreSQL builds GeoJSON and CSV lines itself; registry/api/streaming
streams them with COPY.
"""

from registry.units import selectors


def _with_status_label(fields, render):
    """id first, each field rendered by `render(name, expr, kind)`, the status's label right after it."""
    columns = {"id": "u.id"}
    for name, (expr, kind) in fields.items():
        columns[name] = render(name, expr, kind)
        if name == "status":
            columns["status_label"] = selectors.status_label_sql()
    return columns


def geojson_features_sql(units, fields, site):
    """One line per feature, each starting with a comma (the view drops the first one).

    No ORDER BY: rows stream in scan order, nothing is sorted or held back."""
    columns = {"id": "u.id", "geometry": "u.location", **_with_status_label(fields, lambda _name, expr, _kind: expr)}
    rows, params = selectors.select(units, columns, site, order=False)
    return f"SELECT f.feature FROM ({selectors.feature_sql(rows, lead=',')}) f", params


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
    columns = _with_status_label(
        fields, lambda name, expr, kind: _csv_postcode(expr) if name == "postcode" else _csv_value(expr, kind))
    columns["longitude"] = "replace(round(ST_X(u.location)::numeric, 6)::text, '.', ',')"
    columns["latitude"] = "replace(round(ST_Y(u.location)::numeric, 6)::text, '.', ',')"
    return selectors.select(units, columns, site)


# Each field kind as one SQL type: a client typing columns from the result (GDAL, the XLSX writer) sees the
# same type whatever the filter, also for an empty result.
SQL_TYPES = {"number": "double precision", "int": "integer", "date": "date", "bool": "boolean", "text": "text"}


def table_sql(units, fields, site, srid=4326):
    """Typed columns plus the geometry, for GeoPackage (through ogr2ogr)."""
    columns = _with_status_label(fields, lambda _name, expr, kind: (
        f"NULLIF(({expr})::text, '')" if kind == "text" else f"({expr})::{SQL_TYPES[kind]}"))
    # typed geometry(Point, srid): GDAL reads type and SRID from the column instead of asking the rows
    columns["geom"] = (f"ST_Transform(u.location, {int(srid)})::geometry(Point, {int(srid)})"
                       if int(srid) != 4326 else "u.location")
    # no ORDER BY: a GeoPackage has no row order to keep, and the sort was a third of the query's time
    return selectors.select(units, columns, site, order=False)


def _xlsx_value(expr, kind):
    value = f"({expr})::{SQL_TYPES[kind]}"
    if kind == "text":
        value = f"NULLIF(regexp_replace({value}, E'[\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f]', '', 'g'), '')"
    return value


def xlsx_sql(units, fields, site):
    """Typed columns in the CSV's order and names, for XLSX: numbers, dates and booleans as such, text without
    the control characters an XLSX file cannot hold (OOXML refuses them, openpyxl raises)."""
    columns = _with_status_label(fields, lambda _name, expr, kind: _xlsx_value(expr, kind))
    columns["longitude"] = "round(ST_X(u.location)::numeric, 6)::float8"
    columns["latitude"] = "round(ST_Y(u.location)::numeric, 6)::float8"
    return selectors.select(units, columns, site)
