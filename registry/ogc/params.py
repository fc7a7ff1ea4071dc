"""The query parameters of OGC API – Features, read and checked once per request.

Every malformed or unknown parameter is a 400 that names it, in German; nothing is silently ignored.
The units' own filter parameters (status, category, …) stay with the shared UnitFilter; what is only
OGC (paging, bbox with bbox-crs, crs, datetime, CQL2 filter, sortby, properties) is read here and
becomes SQL fragments over the page query's aliases.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from registry.api.errors import ApiError
from registry.units.filters import PARAMETERS as UNIT_FILTER_PARAMETERS

from . import cql
from .crs import CRS84, DECIMALS, SUPPORTED, normalise, within

DEFAULT_LIMIT, MAX_LIMIT = 100, 10_000
FORMATS = ("json", "html")
# Parameters every items request may carry; `after`/`before`/`matched` are written by our own next/prev links
ITEMS_PARAMETERS = ("f", "limit", "offset", "after", "before", "matched", "bbox", "bbox-crs", "crs", "datetime",
                    "filter", "filter-lang", "filter-crs", "sortby", "properties", "skipGeometry")
UNIT_PARAMETERS = (*UNIT_FILTER_PARAMETERS, "include")
FILTER_LANGUAGES = {"cql2-text": "cql2-text", "cql2-json": "cql2-json",
                    "cql-text": "cql-text"}  # GDAL 3.6 asks for `cql-text`: CQL2 text, or ECQL for its ILIKE


def fail(parameter, message):
    raise ApiError(400, _("Ungültiger Parameter „%(name)s“: %(message)s") % {"name": parameter, "message": message},
                   {parameter: [str(message)]})


def output_format(request, allowed=FORMATS):
    """'json' or 'html': `f` first, then the Accept header (browsers ask for HTML first)."""
    fmt = request.GET.get("f")
    if fmt is not None:
        if fmt not in allowed:
            fail("f", _("Erlaubt sind: %(values)s.") % {"values": ", ".join(allowed)})
        return fmt
    accept = request.headers.get("Accept", "")
    if "html" in allowed and "text/html" in accept and "json" not in accept.split("text/html")[0]:
        return "html"
    return "json"


def reject_unknown(request, allowed):
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise ApiError(400, _("Unbekannte Parameter: %(names)s.") % {"names": ", ".join(unknown)},
                       {name: [_("Diesen Parameter kennt die Schnittstelle nicht.")] for name in unknown})


def single(request, name):
    values = request.GET.getlist(name)
    if len(values) > 1:
        fail(name, _("Der Parameter darf nur einmal vorkommen."))
    return values[0] if values else None


def integer(request, name, minimum=0):
    raw = single(request, name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        fail(name, _("Erwartet wird eine ganze Zahl."))
    if value < minimum:
        fail(name, _("Der Wert muss mindestens %(minimum)s sein.") % {"minimum": minimum})
    if value > 2 ** 62 and name != "limit":  # limit is clamped, however large
        fail(name, _("Der Wert ist zu groß."))
    return value


def crs_parameter(request, name):
    raw = single(request, name)
    if raw is None or raw == "":
        return CRS84
    uri = normalise(raw)
    if uri is None:
        fail(name, _("Angeboten werden %(values)s.") % {"values": ", ".join(SUPPORTED)})
    return uri


@dataclass
class ItemsQuery:
    """What an items request asks for, checked; `where`/`params` are SQL over the page query's aliases."""

    fmt: str = "json"
    limit: int = DEFAULT_LIMIT
    offset: int | None = None
    after: int | None = None
    before: int | None = None
    matched: int | None = None
    crs: str = CRS84
    srid: int = 4326
    decimals: int = 6
    sortby: list = field(default_factory=list)  # [(name, descending)]
    properties: list | None = None
    skip_geometry: bool = False
    where: list = field(default_factory=list)
    params: list = field(default_factory=list)

    def add(self, sql, params=()):
        self.where.append(sql)
        self.params.extend(params)


def read_items(request, properties, geometry_sql, temporal_sql=None, extra_parameters=()):
    """Check the items parameters against `properties` (name → queryables.Property) and build the SQL."""
    queryable = {name for name, prop in properties.items() if prop.queryable}
    extra = set(extra_parameters)
    reject_unknown(request, (*ITEMS_PARAMETERS, *extra, *queryable))
    query = ItemsQuery(fmt=output_format(request))

    limit = integer(request, "limit", minimum=1)
    query.limit = min(limit, MAX_LIMIT) if limit is not None else DEFAULT_LIMIT  # Core: clamp, not refuse
    query.offset = integer(request, "offset")
    query.after = integer(request, "after")
    query.before = integer(request, "before")
    query.matched = integer(request, "matched")

    query.crs = crs_parameter(request, "crs")
    query.srid = SUPPORTED[query.crs]
    query.decimals = DECIMALS[query.srid]

    _bbox(request, query, geometry_sql)
    _datetime(request, query, temporal_sql)
    _filter(request, query, properties, geometry_sql)
    for name in sorted(queryable - extra):  # queryables as parameters: equality (as pygeoapi)
        raw = single(request, name)
        if raw is not None:
            try:
                value = cql.coerce(raw, properties[name].kind)
            except cql.FilterError as wrong:
                fail(name, str(wrong))
            query.add(f"({properties[name].sql}) = %s", [value])

    sortby = single(request, "sortby")
    if sortby is not None:
        for item in sortby.split(","):
            item = item.strip()
            descending = item.startswith("-")
            name = item.lstrip("+-").strip()
            if name not in queryable:
                fail("sortby", _("„%(name)s“ ist keine sortierbare Eigenschaft.") % {"name": name[:60]})
            query.sortby.append((name, descending))

    chosen = single(request, "properties")
    if chosen is not None:
        names = [name.strip() for name in chosen.split(",") if name.strip()]
        unknown = [name for name in names if name not in properties]
        if unknown:
            fail("properties", _("Unbekannte Eigenschaften: %(names)s.") % {"names": ", ".join(unknown)[:200]})
        query.properties = names

    skip = single(request, "skipGeometry")
    if skip is not None:
        if skip.lower() not in ("true", "false"):
            fail("skipGeometry", _("Erlaubt sind true und false."))
        query.skip_geometry = skip.lower() == "true"
    return query


def _bbox(request, query, geometry_sql):
    raw = single(request, "bbox")
    bbox_crs = crs_parameter(request, "bbox-crs")
    if raw is None:
        if "bbox-crs" in request.GET:
            fail("bbox-crs", _("bbox-crs gilt nur zusammen mit bbox."))
        return
    try:
        numbers = [float(part) for part in raw.split(",")]
    except ValueError:
        fail("bbox", _("Erwartet werden 4 oder 6 Zahlen, durch Kommas getrennt."))
    if len(numbers) == 6:  # 3D: minx, miny, minz, maxx, maxy, maxz – heights do not matter here
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    elif len(numbers) != 4:
        fail("bbox", _("Erwartet werden 4 oder 6 Zahlen, durch Kommas getrennt."))
    west, south, east, north = numbers
    if not all(abs(number) < 1e9 for number in numbers) or south > north or west > east:
        fail("bbox", _("Das Minimum muss kleiner sein als das Maximum."))
    srid = SUPPORTED[bbox_crs]
    if not within(srid, west, south, east, north):
        if srid == 4326:
            fail("bbox", _("Länge liegt zwischen -180 und 180, Breite zwischen -90 und 90 (CRS84)."))
        fail("bbox", _("Die Koordinaten liegen weit außerhalb des Koordinatensystems."))
    if srid == 4326:
        # && is exact for points against an axis-aligned box and uses the spatial index
        query.add(f"{geometry_sql} && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", numbers)
    else:
        query.add(f"ST_Intersects({geometry_sql}, ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, {srid}), 4326))",
                  numbers)


def _instant(text, end=False):
    text = text.strip()
    if text in ("", ".."):
        return None
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        return datetime.datetime.fromisoformat(text.replace("z", "Z")).date()
    except ValueError:
        fail("datetime", _("„%(value)s“ ist kein Datum nach RFC 3339 (z. B. 2024-05-01 oder "
                           "2024-01-01/2024-12-31, offen mit ..).") % {"value": text[:40]})


def _datetime(request, query, temporal_sql):
    """A unit's time is its current vacancy [vacant_since, today]; `datetime` keeps those it intersects."""
    raw = single(request, "datetime")
    if raw is None:
        return
    if temporal_sql is None:
        fail("datetime", _("Diese Sammlung hat keine Zeitangaben."))
    if "/" in raw:
        start_text, _slash, end_text = raw.partition("/")
        if "/" in end_text:
            fail("datetime", _("Ein Zeitraum hat genau einen Schrägstrich."))
        start, end = _instant(start_text), _instant(end_text, end=True)
        if start and end and start > end:
            fail("datetime", _("Der Beginn liegt nach dem Ende."))
    else:
        start = end = _instant(raw)
        if start is None:
            fail("datetime", _("Erwartet wird ein Datum oder ein Zeitraum."))
    if end is not None:
        query.add(f"{temporal_sql} <= %s", [end])
    else:
        query.add(f"{temporal_sql} IS NOT NULL")
    if start is not None:
        query.add("CURRENT_DATE >= %s", [start])


def _filter(request, query, properties, geometry_sql):
    text = single(request, "filter")
    language = single(request, "filter-lang")
    if language is not None and language not in FILTER_LANGUAGES:
        fail("filter-lang", _("Erlaubt sind: %(values)s.") % {"values": ", ".join(FILTER_LANGUAGES)})
    filter_crs = crs_parameter(request, "filter-crs")
    if text is None:
        return
    if not text.strip():
        fail("filter", _("Der Filter ist leer."))
    language = FILTER_LANGUAGES[language or ("cql2-json" if text.lstrip().startswith("{") else "cql2-text")]
    try:
        sql, params = cql.to_sql(text, language, properties, geometry_sql, SUPPORTED[filter_crs])
    except cql.FilterError as wrong:
        fail("filter", str(wrong))
    query.add(sql, params)
