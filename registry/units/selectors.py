"""Reading units: the one place map, list, exports, OGC API and the staff pages get their units from.

- `visible_units`: the units a user may see (the access policy, registry/accounts/access.py), narrowed by the
  shared filter (units/filters.py);
- `FIELD_SQL` / `fields_for`: the SQL of each field of the privacy tier the policy grants;
- `unit_rows`, `joins`, `feature_sql`: the SQL builders the GeoJSON/CSV/XLSX/GeoPackage exports, the map's
  viewport and the OGC API pages compose (aliases u unit, m municipality, c centre, l public listing, o owner);
- `with_counts` / `centre_counts_sql`: units and vacancies per town centre, for the map, the listing page and
  the OGC API.

Parameters stay parameters: every builder returns (SQL, params) for psycopg; constants from code that end up
in SQL text (status labels) are quoted by psycopg's `sql.Literal`, and a queryset becomes SQL through
`query.sql_with_params()`.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Count, F, FloatField, Q
from django.db.models.functions import Cast, NullIf
from psycopg import sql as pgsql

from registry.accounts import access
from registry.places.models import TownCentre

from .models import Unit
from .vacancy import SQL_TODAY, Status, vacant_q


def visible_units(user, form=None, units=None, contacts=False):
    """The units `user` may see, narrowed by a valid UnitFilter `form` (if given).

    `contacts`: the rows of an internal export with owner contacts (only the user's own municipalities)."""
    units = Unit.objects.all() if units is None else units
    visible = access.units_visible_to(user, units, contacts=contacts)
    return form.apply(visible) if form is not None else visible


# --- fields -------------------------------------------------------------------------------------------

# name → (SQL expression, kind); each format renders the kinds its own way. Which names a user gets is the
# policy's (access.field_names_for); `listing_url`'s %s is the site's base URL.
FIELD_SQL = {
    "status": ("u.status", "text"),
    "category": ("NULLIF(u.category, '')", "text"),
    "floor_area": ("u.floor_area", "number"),
    "sales_area": ("u.sales_area", "number"),
    "frontage": ("u.frontage", "number"),
    "floor": ("u.floor", "text"),
    "vacant_since": ("u.vacant_since", "date"),
    "vacancy_days": (f"({SQL_TODAY} - u.vacant_since)", "int"),
    "centre": ("c.slug", "text"),
    "centre_name": ("c.name", "text"),
    "municipality": ("m.ags", "text"),
    "municipality_name": ("m.name", "text"),
    "last_checked": ("u.last_checked", "date"),
    "listing_url": ("CASE WHEN l.slug IS NOT NULL THEN %s || '/angebote/' || l.slug || '/' END", "text"),
    "name": ("u.name", "text"),
    "street": ("u.street", "text"),
    "house_number": ("u.house_number", "text"),
    "postcode": ("u.postcode", "text"),
    "town": ("u.town", "text"),
    "step_free": ("u.step_free", "bool"),
    "listed_building": ("u.listed_building", "bool"),
    "asking_rent": ("u.asking_rent", "number"),
    "owner_name": ("o.name", "text"),
    "owner_organisation": ("o.organisation", "text"),
    "owner_phone": ("o.phone", "text"),
    "owner_email": ("o.email", "text"),
    "owner_address": ("o.postal_address", "text"),
    "owner_consent": ("o.consent", "text"),
    "internal_note": ("u.internal_note", "text"),
}


def fields_for(user, contacts=False):
    """name → (SQL, kind) for the fields this user gets (raises PermissionDenied for contacts not theirs)."""
    return {name: FIELD_SQL[name] for name in access.field_names_for(user, contacts=contacts)}


def status_label_sql(column="u.status"):
    """The status's German label: the labels are code, quoted as SQL literals by psycopg."""
    cases = " ".join(f"WHEN {_literal(value)} THEN {_literal(str(label))}" for value, label in Status.choices)
    return f"CASE {column} {cases} END"


def _literal(value):
    return pgsql.Literal(value).as_string()


# --- rows ---------------------------------------------------------------------------------------------

def unit_rows(units):
    """(FROM clause, params) for the rows of the unit queryset `units`, aliased u: `FROM (<its SQL>) u`.

    The queryset's own SQL, every column of the unit table selected by name: PostgreSQL flattens the derived
    table into the outer query, so filtering costs one scan. Policy and filters are written with subqueries
    so the queryset needs no join (a join would still be correct, only slower)."""
    columns = [field.attname for field in Unit._meta.concrete_fields]
    try:
        inner, params = units.order_by().values(*columns).query.sql_with_params()
    except EmptyResultSet:  # a filter Django knows matches nothing (e.g. a city manager without municipality)
        return "FROM (SELECT * FROM units_unit WHERE false) u", []
    return f"FROM ({inner}) u", list(params)


def public_listings_sql():
    """(SQL, params) of the public listings (unit_id, slug): the policy's rule, queried from the units."""
    public = Unit.objects.filter(access.public_listing_q(listing="listing__", unit=""))
    inner, params = public.order_by().values(unit_id=F("pk"), slug=F("listing__slug")).query.sql_with_params()
    return inner, list(params)


def joins(columns_sql, lateral_listing=False):
    """(SQL, params): the joins for the aliases m, c, l (and o only where `columns_sql` uses owner fields:
    joining every unit's owner just to test a listing's consent cost the export a second large hash join).

    `lateral_listing`: look the public listing up per row; for pages of at most a few thousand units an index
    probe each beats the nested loop over all public listings the planner picks for the plain join."""
    owner = "LEFT JOIN owners_owner o ON o.id = u.owner_id\n" if "o." in columns_sql else ""
    listings, params = public_listings_sql()
    if lateral_listing:
        listing = f"LEFT JOIN LATERAL (SELECT p.slug FROM ({listings}) p WHERE p.unit_id = u.id LIMIT 1) l ON true"
    else:
        listing = f"LEFT JOIN ({listings}) l ON l.unit_id = u.id"
    return f"""
JOIN places_municipality m ON m.id = u.municipality_id
LEFT JOIN places_towncentre c ON c.id = u.centre_id
{owner}{listing}
""", params


def select(units, columns, site, order=True):
    """(SQL, params): SELECT the `columns` (name → SQL over u, m, c, l, o) of the filtered units.

    The only placeholder a column may hold is the site's base URL (listing_url)."""
    column_sql = ",\n  ".join(f"{expr} AS {name}" for name, expr in columns.items())
    source, row_params = unit_rows(units)
    join_sql, join_params = joins(column_sql)
    order_by = "ORDER BY u.id" if order else ""
    return (f"SELECT\n  {column_sql}\n{source}{join_sql}\n{order_by}",
            [site] * column_sql.count("%s") + row_params + join_params)


ENVELOPE = '{"type": "Feature", '


def feature_sql(rows_sql, decimals=6, lead="", skip_geometry=False):
    """Each row of rows_sql (columns id, geometry, properties…) as one GeoJSON Feature text, column `feature`.

    ST_AsGeoJSON(record) serialises the whole row in C, much faster than json_build_object over ~25 arguments
    (bench/export.py). PostGIS 3.3 has no id_column, so the Feature's `id` (and the `lead` text) is spliced in
    by replace() on the envelope: a byte search, where substr() had to count the characters of every UTF-8 row.
    The envelope text cannot occur inside a property, since JSON escapes the quotes of strings."""
    feature = f"ST_AsGeoJSON(t.*, 'geometry', {int(decimals)})"
    if skip_geometry:  # PostGIS writes a NULL geometry as {"type": null}; GeoJSON wants null
        feature = f"""replace({feature}, '"geometry": {{"type": null}}', '"geometry": null')"""
    return (f"SELECT t.id, replace({feature}, '{ENVELOPE}', "
            f"'{lead}{ENVELOPE}\"id\": ' || t.id || ', ') AS feature FROM ({rows_sql}) t")


# --- town centres ---------------------------------------------------------------------------------------

def with_counts(centres):
    """Town centres annotated with their units now: unit_count, vacant_count, interim_use_count and
    vacancy_rate (vacant / all, NULL without units) — the one count of map, listing page and OGC API.
    (The statistics count the same at any reference date from the occupancy history: stats/queries.py.)"""
    return centres.annotate(
        unit_count=Count("units"),
        vacant_count=Count("units", filter=vacant_q("units__")),
        interim_use_count=Count("units", filter=Q(units__status=Status.INTERIM_USE)),
    ).annotate(vacancy_rate=Cast("vacant_count", FloatField()) / NullIf(Cast("unit_count", FloatField()), 0.0))


def centre_counts_sql():
    """(SQL, params) of `with_counts` for all centres: columns centre_id, unit_count, vacant_count,
    interim_use_count, vacancy_rate; for hand-written queries (the OGC API joins it as n)."""
    counts = with_counts(TownCentre.objects.order_by()).values(
        "unit_count", "vacant_count", "interim_use_count", "vacancy_rate", centre_id=F("pk"))
    inner, params = counts.query.sql_with_params()
    return inner, list(params)
