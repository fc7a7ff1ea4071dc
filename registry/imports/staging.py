"""The survey in temporary tables: every row check and the matching as set-based SQL.

`import_raw` holds the file's cells as text (one column per mapped field).
Python parses each *distinct* cell value once with the rules of values.py, so
there is one set of rules and no Python loop over the rows; PostgreSQL applies
the results to all rows (`import_rows`, typed like the register's columns),
checks them and matches them against the register (`import_matches`).

The tables live for the database session, not the transaction, so a job's
progress can be committed while it stages; `session()` drops them afterwards.
"""

import contextlib
import datetime
import decimal
import functools
import itertools

from django.db import connection
from django.utils import timezone

from registry.units.models import Unit

from . import values

UNIT_FIELDS = ("external_id", "name", "street", "house_number", "postcode", "town", "floor", "floor_area",
               "sales_area", "frontage", "step_free", "listed_building", "category", "asking_rent", "last_checked",
               "internal_note")
OTHER_FIELDS = {"status": "text", "vacant_since": "date", "owner_name": "varchar(200)",
                "owner_phone": "varchar(40)", "owner_email": "varchar(254)", "x": "float8", "y": "float8"}
TABLES = ("import_raw", "import_decoded", "import_rows", "import_matches", "import_changes", "import_new",
          "import_status", "import_owners", "import_owner_rows", "import_owner_records")
PROGRESS_EVERY = 5000


@functools.cache  # the register's column types do not change while the process runs
def column_types():
    """SQL type of every field a file can fill, as import_rows holds it."""
    types = {name: Unit._meta.get_field(name).db_type(connection) for name in UNIT_FIELDS}
    return types | OTHER_FIELDS


@contextlib.contextmanager
def session():
    _drop()
    try:
        yield
    finally:
        _drop()


def _drop():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TABLES)}")


def stage(table, column_of, progress=None):
    """Copy the file's rows into import_raw (row number, one text column per mapped field, file point);
    returns how many rows there were. One COPY per chunk: `progress` may use the connection between them
    (psycopg holds the connection for the whole of a COPY)."""
    fields = list(column_of)
    sources = [column_of[field] for field in fields]
    records, staged = table.records(), 0
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE import_raw (n integer, {}, file_lon float8, file_lat float8)".format(
            ", ".join(f"{field} text" for field in fields)))
        while chunk := list(itertools.islice(records, PROGRESS_EVERY)):
            with cursor.cursor.copy(f"COPY import_raw (n, {', '.join(fields)}, file_lon, file_lat) FROM STDIN") as copy:
                for number, cells, point in chunk:
                    copy.write_row((number, *[cells.get(source) or None for source in sources],
                                    *(point or (None, None))))
            staged += len(chunk)
            if progress:
                progress(len(chunk))
    return staged


def decode(fields):
    """Parse every distinct cell value once; import_decoded(field, raw, value as text, error). Returns
    {field: example} for number fields with values finer than the register keeps (they are rounded)."""
    limits, rounded = _number_limits(), {}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE import_decoded (field text, raw text, value text, error text)")
        decoded = []
        for field in fields:
            if field not in values.PARSERS:
                continue
            cursor.execute(f"SELECT DISTINCT {field} FROM import_raw WHERE {field} IS NOT NULL")
            for (raw,) in cursor.fetchall():
                try:
                    value = values.parse(field, raw)
                    if field in limits and _rounded(value, limits[field][1]) >= limits[field][0]:
                        raise ValueError(f"„{raw}“ ist zu groß.")
                    if field in limits and _rounded(value, limits[field][1]) != decimal.Decimal(_as_text(value)):
                        rounded.setdefault(field, raw)
                    if isinstance(value, datetime.date) and value > timezone.localdate():
                        raise ValueError(f"„{raw}“ liegt in der Zukunft.")
                    decoded.append((field, raw, _as_text(value), None))
                except ValueError as problem:
                    decoded.append((field, raw, None, str(problem)))
        with cursor.cursor.copy("COPY import_decoded FROM STDIN") as copy:
            for record in decoded:
                copy.write_row(record)
        cursor.execute("CREATE INDEX ON import_decoded (field, raw)")
        cursor.execute("ANALYZE import_raw, import_decoded")
    return rounded


def _number_limits():
    """(first value too large, decimal places) of each decimal column, so an overflow is a row error."""
    limits = {}
    for name in UNIT_FIELDS:
        model_field = Unit._meta.get_field(name)
        if getattr(model_field, "max_digits", None):
            # compared after rounding to the column's places: 99999.996 becomes 100000.00 in numeric(7,2)
            limits[name] = (10 ** (model_field.max_digits - model_field.decimal_places), model_field.decimal_places)
    return limits


def _rounded(value, places):
    """The value as PostgreSQL stores it in numeric(…, places): from the same text, half away from zero."""
    return decimal.Decimal(_as_text(value)).quantize(decimal.Decimal(1).scaleb(-places), decimal.ROUND_HALF_UP)


def _as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(getattr(value, "value", value))


def _typed(field, fields):
    kind = column_types()[field]
    if field not in fields:
        return f"NULL::{kind}"
    if field in values.PARSERS:
        return f"d_{field}.value::{kind}"
    # our own CSV export defuses formulas as '=…; importing it back must give the original text
    return f"(CASE WHEN r.{field} ~ '^''[=+@\t\r-]' THEN substr(r.{field}, 2) ELSE r.{field} END)::{kind}"


def _joins(fields):
    return " ".join(f"LEFT JOIN import_decoded d_{field} ON d_{field}.field = '{field}' AND d_{field}.raw = r.{field}"
                    for field in fields if field in values.PARSERS)


def coordinate_shares(fields):
    """Share of rows whose x/y fall into each coordinate window, straight and swapped."""
    if "x" not in fields or "y" not in fields:
        return None
    tests = []
    for (x_low, x_high), (y_low, y_high) in values.COORDINATE_WINDOWS.values():
        tests.append(f"avg((x BETWEEN {x_low} AND {x_high} AND y BETWEEN {y_low} AND {y_high})::int)")
        tests.append(f"avg((y BETWEEN {x_low} AND {x_high} AND x BETWEEN {y_low} AND {y_high})::int)")
    with connection.cursor() as cursor:
        cursor.execute(f"""
          SELECT count(*), {', '.join(tests)} FROM (
            SELECT {_typed('x', fields)} AS x, {_typed('y', fields)} AS y FROM import_raw r {_joins(fields)}) c
          WHERE x IS NOT NULL AND y IS NOT NULL""")
        count, *shares = cursor.fetchone()
    if not count:
        return None
    names = list(values.COORDINATE_WINDOWS)
    return {(name, swapped): float(shares[2 * i + swapped]) for i, name in enumerate(names) for swapped in (0, 1)}


def build_rows(fields, crs):
    """import_rows: the typed cells and the location in WGS84 (from the file or from x/y in `crs`)."""
    columns = ", ".join(f"{_typed(field, fields)} AS {field}" for field in column_types())
    x, y = _typed("x", fields), _typed("y", fields)
    xy = f"ST_SetSRID(ST_MakePoint({x}, {y}), {int(crs)})" if crs else "NULL"
    if crs and crs != "4326":
        xy = f"ST_Transform({xy}, 4326)"
    if crs:  # a stray value far outside (e.g. a zone-prefixed easting) would stop PROJ: that row gets an error
        (x_low, x_high), (y_low, y_high) = values.COORDINATE_WINDOWS[crs]
        xy = f"CASE WHEN {x} BETWEEN {x_low} AND {x_high} AND {y} BETWEEN {y_low} AND {y_high} THEN {xy} END"
    location = f"""CASE WHEN r.file_lon IS NOT NULL
                        THEN ST_SetSRID(ST_MakePoint(r.file_lon, r.file_lat), 4326) ELSE {xy} END"""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE import_rows AS SELECT r.n, {columns}, {location} AS location "
                       f"FROM import_raw r {_joins(fields)}")
        cursor.execute("ALTER TABLE import_rows ADD PRIMARY KEY (n)")
        cursor.execute("ANALYZE import_rows")


def row_errors(fields, column_of, municipality, locate, crs=None):
    """(row, column, message) for every problem the file has on its own and against the boundaries."""
    checks = []
    for field in fields:
        if field in values.PARSERS:
            checks.append((f"""SELECT r.n, %s, d.error FROM import_raw r JOIN import_decoded d
                               ON d.field = '{field}' AND d.raw = r.{field} WHERE d.error IS NOT NULL""",
                           [column_of[field]]))
        elif column_types()[field].startswith("varchar"):
            limit = int(column_types()[field][8:-1])
            checks.append((f"SELECT n, %s, %s FROM import_raw WHERE length({field}) > {limit}",
                           [column_of[field], f"Zu lang (höchstens {limit} Zeichen)."]))
    checks.append(("SELECT n, %s, 'Die Straße fehlt.' FROM import_rows WHERE street IS NULL", [column_of["street"]]))
    if "sales_area" in fields and "floor_area" in fields:
        checks.append(("SELECT n, %s, 'Die Verkaufsfläche ist größer als die Nutzfläche.' FROM import_rows "
                       "WHERE sales_area > floor_area", [column_of["sales_area"]]))
    if locate and "x" in fields and "y" in fields:
        # both empty keeps a known unit where it is (a new one is refused in match()); one alone is a slip
        checks.append(("SELECT n, %s, %s FROM import_rows WHERE location IS NULL AND (x IS NULL) <> (y IS NULL)",
                       [f"{column_of['x']}/{column_of['y']}",
                        f"Nur einer der Werte {column_of['x']} und {column_of['y']} ist angegeben; bitte beide "
                        "angeben (oder beide leer lassen, dann behält eine vorhandene Einheit ihren Standort)."]))
        if crs:
            checks.append(("SELECT n, %s, 'Die Koordinaten ' || x || ' / ' || y || ' passen nicht zu ' || %s || '.' "
                           "FROM import_rows WHERE location IS NULL AND x IS NOT NULL AND y IS NOT NULL",
                           [f"{column_of['x']}/{column_of['y']}", values.CRS_NAMES[crs]]))
        # One polygon tested against all rows; only the few outside are looked up among all municipalities.
        checks.append(("""SELECT r.n, 'Standort', CASE WHEN registry_municipality_at(r.location) IS NULL
                            THEN 'Der Punkt liegt außerhalb Thüringens.' ELSE %s END
                          FROM import_rows r, places_municipality m
                          WHERE m.id = %s AND r.location IS NOT NULL AND NOT ST_Covers(m.boundary, r.location)""",
                       [f"Der Punkt liegt nicht in {municipality.name}.", municipality.pk]))
    id_column, street_column = column_of.get("external_id", ""), column_of["street"]
    checks.append((f"""SELECT n, CASE WHEN external_id IS NOT NULL THEN %s ELSE %s END,
                        'Doppelt in der Datei (wie Zeile ' || first || ').'
                      FROM (SELECT n, external_id, min(n) OVER (PARTITION BY coalesce(
                              external_id, {address_key("r", fields)})) AS first
                            FROM import_rows r) k
                      WHERE n > first""", [id_column, street_column]))
    return _collect(checks)


def address_key(alias, fields):
    """The matching key of a row or unit: the address, and the floor too when the file says it
    (an upper-floor shop in the same house is another unit)."""
    key = f"registry_address_key({alias}.street, {alias}.house_number)"
    return f"{key} || '|' || coalesce({alias}.floor, 'EG')" if "floor" in fields else key


# The day a status from the file begins: "leer seit" when a vacancy begins with it, otherwise the day of
# the import (a leftover "leer seit" beside "genutzt" must not date the new use, nor redate a vacancy
# that only changes its kind). For a new unit there is no current interval (o.status NULL).
# Two parameters: today, today.
STATUS_DATE = """CASE WHEN registry_counts_as_vacant(r.status)
                      AND NOT coalesce(registry_counts_as_vacant(o.status), false)
                 THEN coalesce(r.vacant_since, %s) ELSE %s END"""


def _collect(checks):
    errors = []
    with connection.cursor() as cursor:
        for sql, params in checks:
            cursor.execute(sql, params)
            errors.extend(cursor.fetchall())
    return errors


# The file places a known unit elsewhere. A metre of tolerance: our own WGS84 export rounds to 6 decimals
# (≈ 0.1 m), and UTM files transformed again must not count as moves.
MOVED = "r.location IS NOT NULL AND NOT ST_DWithin(r.location::geography, u.location::geography, 1)"

# A row names an owner the unit does not have yet (none, or another name): a new owner record, since
# consent and contacts given by one person must never pass to another. Same name: contacts are updated.
NEW_OWNER = "r.owner_name IS NOT NULL AND r.owner_name IS DISTINCT FROM o.name"
OWNER_CONTACT = {"owner_phone": "phone", "owner_email": "email"}


def match(fields, column_of, municipality):
    """import_matches(n, unit_id, action): by external ID, else by address key within the municipality.
    Returns the errors only matching can find (one unit hit by two rows, a status change dated
    before the unit's current status began)."""
    differences = [f"(r.{field} IS NOT NULL AND r.{field} IS DISTINCT FROM u.{field})"
                   for field in (*UNIT_FIELDS, "status") if field in fields]
    differences.append(f"({MOVED})")
    differences.append(f"({NEW_OWNER})")  # false without an owner column: its cells are NULL
    differences += [f"(o.id IS NOT NULL AND NOT ({NEW_OWNER}) AND r.{field} IS NOT NULL "
                    f"AND r.{field} IS DISTINCT FROM o.{column})"
                    for field, column in OWNER_CONTACT.items() if field in fields]
    differences = " OR ".join(differences)
    with connection.cursor() as cursor:
        cursor.execute(f"""
          CREATE TEMP TABLE import_matches AS
          WITH existing AS (
            SELECT id, external_id, {address_key("u", fields)} AS key
            FROM units_unit u WHERE municipality_id = %s),
          by_id AS (SELECT DISTINCT ON (external_id) external_id, id FROM existing
                    WHERE external_id <> '' ORDER BY external_id, id),
          by_key AS (SELECT key, min(id) AS id, count(*) AS units, max(external_id) AS external_id
                     FROM existing GROUP BY key),
          found AS (
            -- the address decides only where no ID says otherwise: a row's ID that differs from the
            -- unit's is another unit at that address
            SELECT r.n, coalesce(i.id, CASE WHEN k.units = 1 AND (r.external_id IS NULL OR k.external_id = '')
                                            THEN k.id END) AS unit_id,
                   i.id IS NULL AND r.external_id IS NULL AND k.units > 1 AS ambiguous
            FROM import_rows r
            LEFT JOIN by_id i ON i.external_id = r.external_id
            LEFT JOIN by_key k ON k.key = {address_key("r", fields)})
          SELECT f.n, f.unit_id, f.ambiguous, CASE WHEN f.unit_id IS NULL THEN 'new'
                                      WHEN {differences} THEN 'changed' ELSE 'unchanged' END AS action,
                 r.status IS NOT NULL AND r.status <> u.status AS status_changed
          FROM found f JOIN import_rows r USING (n) LEFT JOIN units_unit u ON u.id = f.unit_id
          LEFT JOIN owners_owner o ON o.id = u.owner_id""",
                       [municipality.pk])
        cursor.execute("ALTER TABLE import_matches ADD PRIMARY KEY (n)")
    date_column = column_of.get("vacant_since") or column_of.get("status", "Status")
    checks = []
    if "sales_area" in fields or "floor_area" in fields:  # one of them from the file, the other from the register
        checks.append(("""
          SELECT m.n, %s, 'Die Verkaufsfläche wäre größer als die Nutzfläche der Einheit im Register.'
          FROM import_matches m JOIN import_rows r USING (n) JOIN units_unit u ON u.id = m.unit_id
          WHERE coalesce(r.sales_area, u.sales_area) > coalesce(r.floor_area, u.floor_area)""",
                       [column_of.get("sales_area") or column_of["floor_area"]]))
    # Only a new unit needs a place: a known one keeps its own when the row gives none (MOVED is false).
    # Decided here, after matching and (on commit) under the import lock, since only matching knows what is new.
    x_label, y_label = column_of.get("x", values.TEMPLATE_HEADERS["x"]), column_of.get("y", values.TEMPLATE_HEADERS["y"])
    # ambiguous is NULL where no unit has the address, hence IS NOT TRUE; an ambiguous row is told so below
    checks.append(("SELECT m.n, %s, %s FROM import_matches m JOIN import_rows r USING (n) "
                   "WHERE m.action = 'new' AND m.ambiguous IS NOT TRUE AND r.location IS NULL",
                   [f"{x_label}/{y_label}" if "x" in column_of else "Standort",
                    f"Neue Einheit ohne Standort – bitte {x_label} und {y_label} (oder Längen-/Breitengrad) "
                    "angeben."]))
    today = timezone.localdate()
    where = "unter dieser Adresse in diesem Geschoss" if "floor" in fields else "unter dieser Adresse"
    return _collect(checks + [
        ("""SELECT n, %s, 'Trifft dieselbe Einheit wie Zeile ' || first || '.'
            FROM (SELECT n, unit_id, min(n) OVER (PARTITION BY unit_id) AS first FROM import_matches
                  WHERE unit_id IS NOT NULL) m WHERE n > first""", [column_of["street"]]),
        ("SELECT n, %s, %s FROM import_matches WHERE ambiguous",
         [column_of["street"], f"Im Register gibt es mehrere Einheiten {where}; "
                               "bitte eine Objektnummer (externe ID) oder das Geschoss angeben."]),
        (f"""SELECT m.n, %s, 'Der Statuswechsel am ' || to_char({STATUS_DATE}, 'DD.MM.YYYY')
                   || ' liegt vor dem Beginn des aktuellen Status (' || to_char(o.valid_from, 'DD.MM.YYYY') || ').'
            FROM import_matches m JOIN import_rows r USING (n)
            JOIN units_occupancy o ON o.unit_id = m.unit_id AND o.valid_to IS NULL
            WHERE m.status_changed AND {STATUS_DATE} < o.valid_from""",
         [date_column, today, today, today, today]),
    ])


def contacts_without_owner():
    """Rows with phone or e-mail but no owner to give them to (no name, and the unit has no owner)."""
    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(*) FROM import_rows r LEFT JOIN import_matches m USING (n)
                          LEFT JOIN units_unit u ON u.id = m.unit_id
                          WHERE (r.owner_phone IS NOT NULL OR r.owner_email IS NOT NULL) AND r.owner_name IS NULL
                            AND u.owner_id IS NULL""")
        return cursor.fetchone()[0]


def counts():
    with connection.cursor() as cursor:
        cursor.execute("SELECT action, count(*) FROM import_matches GROUP BY action")
        found = dict(cursor.fetchall())
    return {action: found.get(action, 0) for action in ("new", "changed", "unchanged")}



# The diff's columns; `old`/`new` are machine text (12.50, true, vacant), the pages format them.
CHANGE_COLUMNS = ("n", "unit_id", "field", "old", "new", "old_date", "new_date", "metres", "address")


def changes(fields):
    """import_changes: per changed unit, each field whose value the import would change: old → new,
    a move with its distance in metres, a status change with the day the old status began and the day
    the new one would begin, an owner change. One pass over the matched rows."""
    today = timezone.localdate()
    status_date = STATUS_DATE.replace("o.status", "oc.status")
    owner_fields = [(field, column) for field, column in OWNER_CONTACT.items() if field in fields]
    compared = [
        (f"'{field}', u.{field}::text, r.{field}::text, NULL::date, NULL::date, NULL::float8, "
         f"r.{field} IS NOT NULL AND r.{field} IS DISTINCT FROM u.{field}")
        for field in UNIT_FIELDS if field in fields]
    compared.append(f"'location', ST_AsText(u.location), ST_AsText(r.location), NULL, NULL, "
                    f"ST_Distance(r.location::geography, u.location::geography), {MOVED}")
    if "status" in fields:
        compared.append(f"'status', u.status::text, r.status, oc.valid_from, {status_date}, NULL, m.status_changed")
    if "owner_name" in fields:
        compared.append(f"'owner_name', o.name::text, r.owner_name, NULL, NULL, NULL, {NEW_OWNER}")
    compared += [f"'{field}', o.{column}::text, r.{field}::text, NULL, NULL, NULL, o.id IS NOT NULL AND NOT "
                 f"({NEW_OWNER}) AND r.{field} IS NOT NULL AND r.{field} IS DISTINCT FROM o.{column}"
                 for field, column in owner_fields]
    if "owner_name" in fields:
        # A new owner name makes a new owner record: the unit's phone and e-mail become the file's (or none),
        # so the preview shows each of them, including the ones that will be gone.
        compared += [f"'{field}', o.{column}::text, {f'r.{field}::text' if field in fields else 'NULL::text'}, "
                     f"NULL, NULL, NULL, ({NEW_OWNER}) AND "
                     f"{f'r.{field}::text' if field in fields else 'NULL::text'} IS DISTINCT FROM o.{column}::text"
                     for field, column in OWNER_CONTACT.items()]
    rows = ", ".join(f"({values_})" for values_ in compared)
    params = [today, today] if "status" in fields else []
    with connection.cursor() as cursor:
        cursor.execute(f"""
          CREATE TEMP TABLE import_changes AS
          SELECT m.n, m.unit_id, c.field, c.old, c.new, c.old_date, c.new_date, round(c.metres::numeric, 1) AS metres,
                 concat_ws(' ', u.street, nullif(u.house_number, '')) AS address
          FROM import_matches m JOIN import_rows r USING (n) JOIN units_unit u ON u.id = m.unit_id
          LEFT JOIN owners_owner o ON o.id = u.owner_id
          LEFT JOIN units_occupancy oc ON oc.unit_id = u.id AND oc.valid_to IS NULL
          CROSS JOIN LATERAL (VALUES {rows}) c(field, old, new, old_date, new_date, metres, differs)
          WHERE m.action = 'changed' AND c.differs""", params)
        _new_units(cursor, fields, today)


def _new_units(cursor, fields, today):
    """The new units into import_changes as well (unit_id NULL, no old value): each value the file gives
    one, with the status it starts with (as writing.write sets it), so the dry run shows exactly what
    would be created, not just how many. Same statement for one row or 100,000."""
    status = "coalesce(r.status, 'occupied')"
    given = [f"('{field}', r.{field}::text, NULL::date)" for field in UNIT_FIELDS
             if field in fields and field not in ("street", "house_number")]
    given.append(f"('status', {status}, CASE WHEN registry_counts_as_vacant({status}) "
                 "THEN coalesce(r.vacant_since, %s) END)")
    # owner values too: the pages hide them from anyone who may not see owners (diff.describe)
    given += [f"('{field}', r.{field}::text, NULL)" for field in ("owner_name", "owner_phone", "owner_email")
              if field in fields]
    cursor.execute(f"""
      INSERT INTO import_changes (n, unit_id, field, old, new, old_date, new_date, metres, address)
      SELECT m.n, NULL, c.field, NULL, c.new, NULL, c.new_date, NULL,
             concat_ws(' ', r.street, nullif(r.house_number, ''))
      FROM import_matches m JOIN import_rows r USING (n)
      CROSS JOIN LATERAL (VALUES {', '.join(given)}) c(field, new, new_date)
      WHERE m.action = 'new' AND c.new IS NOT NULL AND c.new <> ''""", [today])


def change_summary():
    """{moved, max_metres, status, owner} over import_changes, for the confirmation sentence."""
    with connection.cursor() as cursor:
        # new units (unit_id NULL) are counted as new, not as status changes
        cursor.execute("""SELECT count(*) FILTER (WHERE field = 'location'), max(metres),
                                 count(*) FILTER (WHERE field = 'status' AND unit_id IS NOT NULL),
                                 count(DISTINCT unit_id) FILTER (WHERE field LIKE 'owner%%')
                          FROM import_changes""")
        moved, metres, status, owner = cursor.fetchone()
    return {"moved": moved, "max_metres": float(metres or 0), "status": status, "owner": owner}


def fetch_changes():
    """The diff as tuples (CHANGE_COLUMNS: the address last), changed and new units, for the command line."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(CHANGE_COLUMNS)} FROM import_changes ORDER BY n, field")
        return cursor.fetchall()


def save_changes(batch_id):
    """The diff into the batch's ImportChange rows (replacing a previous check's), in one statement."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM imports_importchange WHERE batch_id = %s", [batch_id])
        cursor.execute(f"""INSERT INTO imports_importchange (batch_id, {', '.join(CHANGE_COLUMNS)})
                           SELECT %s, {', '.join(CHANGE_COLUMNS)} FROM import_changes""", [batch_id])
