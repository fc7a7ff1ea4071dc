"""OGC API – Features: Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0), Part 2 (CRS), Part 3 (queryables, CQL2),
and the feature schema of the Part 5 draft, for QGIS, GDAL's OAPIF driver, OWSLib and people.

Every resource answers JSON and HTML (`f` or Accept) and HEAD; unknown `f` or parameters are a 400 that
names them. Under /ogc/auth/ the same API asks for credentials (401 + WWW-Authenticate: Basic) for
clients that send them only when challenged; the token is the Basic password, as everywhere.
Items pages come from PostgreSQL as finished JSON text (pages.py) with absolute, typed next/prev links,
which GDAL 3.6 follows verbatim.
"""

import json
from contextlib import contextmanager

from django.contrib.gis.db.models import Extent
from django.db import DataError, InternalError, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from registry.accounts.tokens import InvalidToken, token_from_header, user_for_request
from registry.api.errors import ApiError
from registry.api.units import ATTRIBUTION, resolve, site_url
from registry.places.models import Municipality
from registry.units import selectors
from registry.units.filters import LIST_PARAMETERS, querystring

from . import crs, openapi, pages, params
from .queryables import CENTRE_PROPERTIES, json_schema, public_unit_properties, unit_properties

GEOJSON = "application/geo+json"
SCHEMA_JSON = "application/schema+json"
REL_QUERYABLES = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
REL_SCHEMA = "http://www.opengis.net/def/rel/ogc/1.0/schema"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas",
    "http://www.opengis.net/spec/ogcapi-features-8/1.0/conf/sorting",
]
COLLECTIONS = {
    "units": (gettext_lazy("Gewerbeeinheiten"),
              gettext_lazy("Ladenlokale in Thüringer Innenstädten mit Status und Leerstand.")),
    "town-centres": (gettext_lazy("Innenstädte"),
                     gettext_lazy("Zentrale Versorgungsbereiche mit Einheiten und Leerstandsquote.")),
}
REALM = 'Basic realm="Leerstandsregister Thüringen", charset="UTF-8"'


def known_parameters():
    """Parameters any resource accepts without complaint. GDAL appends the query of the URL a user opened
    (OAPIF:https://…/ogc/?status=vacant) to every request, /collections and /api included; there the
    items' parameters are ignored, while a name the API does not know at all is still a 400."""
    return ("f", *params.ITEMS_PARAMETERS, *params.UNIT_PARAMETERS, *public_unit_properties(), *CENTRE_PROPERTIES)


def root(request):
    return site_url(request) + ("/ogc/auth" if request.ogc_challenge else "/ogc")


def ogc_view(view):
    """GET and HEAD; ApiError → JSON error; under /ogc/auth/ a 401 challenge without credentials."""
    @require_safe
    def wrapper(request, *args, challenge=False, **kwargs):
        request.ogc_challenge = challenge
        try:
            if challenge:
                # Under /ogc/auth/ every resource answers 401 for missing *and* wrong credentials: QGIS decides
                # whether a layer is valid from the collection documents, before any items are fetched.
                try:
                    signed_in = token_from_header(request.headers.get("Authorization")) is not None \
                        and user_for_request(request) is not None or request.user.is_authenticated
                except InvalidToken:
                    signed_in = False
                if not signed_in:
                    raise ApiError(401, _("Bitte mit Benutzername und API-Token (als Passwort) anmelden."),
                                   headers={"WWW-Authenticate": REALM})
            response = view(request, *args, **kwargs)
        except ApiError as failure:
            response = failure.response()
        if request.method == "HEAD":  # headers as for GET, no body (runserver and tests do not strip it)
            length = len(response.content) if not response.streaming else None
            response.content = b""
            if length is not None:
                response["Content-Length"] = str(length)
        patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
        return response

    return wrapper


def respond(data, content_type="application/json", status=200, headers=None):
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type=content_type, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def html(request, template, context):
    return render(request, template, {"root": root(request), **context})


def _links(request, path, json_type="application/json", extra=()):
    base = root(request) + path
    return [{"rel": "self", "type": json_type, "title": _("Dieses Dokument"), "href": f"{base}?f=json"},
            {"rel": "alternate", "type": "text/html", "title": _("als HTML"), "href": f"{base}?f=html"}, *extra]


@ogc_view
def landing(request):
    params.reject_unknown(request, known_parameters())
    fmt = params.output_format(request)
    base = root(request)
    data = {
        "title": _("Leerstandsregister Thüringen"),
        "description": _("Ladenlokale und Leerstände in Thüringer Innenstädten (OGC API – Features)."),
        "attribution": ATTRIBUTION,
        "links": _links(request, "/", extra=[
            {"rel": "service-desc", "type": openapi.OPENAPI_MEDIA_TYPE, "title": _("API-Beschreibung (OpenAPI 3.0)"),
             "href": f"{base}/api?f=json"},
            {"rel": "service-doc", "type": "text/html", "title": _("API-Dokumentation"),
             "href": f"{base}/api?f=html"},
            {"rel": "conformance", "type": "application/json", "title": _("Konformität"),
             "href": f"{base}/conformance?f=json"},
            {"rel": "data", "type": "application/json", "title": _("Sammlungen"), "href": f"{base}/collections?f=json"},
        ]),
    }
    if fmt == "html":
        return html(request, "ogc/landing.html", {"data": data, "collections": collection_list(request)})
    return respond(data)


@ogc_view
def api(request):
    params.reject_unknown(request, known_parameters())
    document = openapi.document(root(request))
    if params.output_format(request) == "html":
        return html(request, "ogc/api.html", {"document": document, "paths": _readable_paths(document)})
    return respond(document, openapi.OPENAPI_MEDIA_TYPE)


def _readable_paths(document):
    """Paths with their parameters resolved, for the HTML page."""
    components = document["components"]["parameters"]
    rows = []
    for path, item in document["paths"].items():
        operation = item["get"]
        parameters = [components[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in operation["parameters"]]
        rows.append({"path": path, "summary": operation["summary"], "parameters": parameters,
                     "types": sorted({media for response in operation["responses"].values()
                                      for media in response.get("content", {})})})
    return rows


@ogc_view
def conformance(request):
    params.reject_unknown(request, known_parameters())
    data = {"conformsTo": CONFORMANCE, "links": _links(request, "/conformance")}
    if params.output_format(request) == "html":
        return html(request, "ogc/document.html", {"title": _("Konformität"), "items": CONFORMANCE, "data": data})
    return respond(data)


def thuringia_bbox():
    west, south, east, north = Municipality.objects.aggregate(extent=Extent("boundary"))["extent"]
    return [round(west, 6), round(south, 6), round(east, 6), round(north, 6)]


def collection_info(request, name, bbox=None):
    base = root(request)
    title, description = COLLECTIONS[name]
    here = f"{base}/collections/{name}"
    return {
        "id": name, "title": str(title), "description": str(description), "itemType": "feature",
        "crs": list(crs.SUPPORTED), "storageCrs": crs.CRS84,
        "extent": {"spatial": {"bbox": [bbox or thuringia_bbox()], "crs": crs.CRS84}},
        "links": [
            {"rel": "self", "type": "application/json", "title": str(title), "href": f"{here}?f=json"},
            {"rel": "alternate", "type": "text/html", "title": _("als HTML"), "href": f"{here}?f=html"},
            {"rel": "items", "type": GEOJSON, "title": _("Objekte (GeoJSON)"), "href": f"{here}/items"},
            {"rel": "items", "type": "text/html", "title": _("Objekte (HTML)"), "href": f"{here}/items?f=html"},
            {"rel": REL_QUERYABLES, "type": SCHEMA_JSON, "title": _("Abfragbare Eigenschaften"),
             "href": f"{here}/queryables"},
            {"rel": REL_SCHEMA, "type": SCHEMA_JSON, "title": _("Schema der Eigenschaften"), "href": f"{here}/schema"},
            # GDAL's OAPIF driver types fields from a JSON Schema of the whole GeoJSON Feature
            {"rel": "describedBy", "type": SCHEMA_JSON, "title": _("Schema eines Objekts (GeoJSON Feature)"),
             "href": f"{here}/schema/feature"},
            {"rel": "license", "type": "text/html", "title": "dl-de/by-2-0",
             "href": "https://www.govdata.de/dl-de/by-2-0"},
        ],
    }


def collection_list(request):
    bbox = thuringia_bbox()
    return [collection_info(request, name, bbox) for name in COLLECTIONS]


@ogc_view
def collections(request):
    params.reject_unknown(request, known_parameters())
    data = {"collections": collection_list(request), "crs": list(crs.SUPPORTED),
            "links": _links(request, "/collections")}
    if params.output_format(request) == "html":
        return html(request, "ogc/landing.html", {"data": data, "collections": data["collections"]})
    return respond(data)


def _collection_or_404(name):
    if name not in COLLECTIONS:
        raise ApiError(404, _("Die Sammlung „%(name)s“ gibt es nicht.") % {"name": name[:80]},
                       {"collectionId": [_("Bekannt sind: %(names)s") % {"names": ", ".join(COLLECTIONS)}]})


@ogc_view
def collection(request, name):
    _collection_or_404(name)
    params.reject_unknown(request, known_parameters())
    data = collection_info(request, name)
    if params.output_format(request) == "html":
        return html(request, "ogc/collection.html", {"c": data})
    return respond(data)


# --- properties, queryables, schema --------------------------------------------------------------

def _user_units(request, data=None):
    """(user, tiered + filtered units, fields, properties) for the units collection."""
    user, units, fields = resolve(request, data=data)
    return user, units, fields, unit_properties(fields)


def _properties(request, name):
    if name == "units":
        return _user_units(request, data={})[3]
    return CENTRE_PROPERTIES


def _geometry_schema(name):
    return {"title": _("Standort") if name == "units" else _("Abgrenzung"),
            "format": "geometry-point" if name == "units" else "geometry-polygon", "x-ogc-role": "primary-geometry"}


def _json_schema_document(request, name, suffix, title, properties_schema):
    return {"$schema": "https://json-schema.org/draft/2019-09/schema",
            "$id": f"{root(request)}/collections/{name}/{suffix}", "type": "object",
            "title": str(title), **properties_schema}


def _schema_response(request, name, document, title):
    if params.output_format(request) == "html":
        return html(request, "ogc/schema.html", {"title": title, "name": name, "document": document,
                                                 "properties": document.get("properties", {})})
    return respond(document, SCHEMA_JSON)


@ogc_view
def queryables(request, name):
    """Part 3: the properties a filter (and a query parameter of the same name) may use, as JSON Schema."""
    _collection_or_404(name)
    params.reject_unknown(request, known_parameters())
    properties = _properties(request, name)
    schema = {name_: json_schema(prop) for name_, prop in properties.items() if prop.queryable}
    schema["geometry"] = _geometry_schema(name)
    document = _json_schema_document(request, name, "queryables", _("Abfragbare Eigenschaften von %(name)s") % {
        "name": COLLECTIONS[name][0]}, {"properties": schema, "additionalProperties": False})
    return _schema_response(request, name, document, document["title"])


@ogc_view
def schema(request, name):
    """Part 5 (draft): every property a feature of this collection carries for this user, typed."""
    _collection_or_404(name)
    params.reject_unknown(request, known_parameters())
    properties = _properties(request, name)
    schema_ = {"id": {"title": "ID", "type": "integer", "x-ogc-role": "id"}, "geometry": _geometry_schema(name)}
    schema_.update({name_: json_schema(prop) for name_, prop in properties.items()})
    document = _json_schema_document(request, name, "schema", _("Schema von %(name)s") % {
        "name": COLLECTIONS[name][0]}, {"properties": schema_})
    return _schema_response(request, name, document, document["title"])


@ogc_view
def feature_schema(request, name):
    """The same properties as a JSON Schema of a GeoJSON Feature (describedBy): what GDAL types fields from.

    GDAL 3.6 reads a single `type` per property (no ["string", "null"]); nulls are allowed anyway."""
    _collection_or_404(name)
    params.reject_unknown(request, known_parameters())
    properties = _properties(request, name)
    # no `id` here although features carry one in their properties: GDAL adds that field from the first page
    feature_properties = {name_: json_schema(prop) for name_, prop in properties.items()}
    document = _json_schema_document(request, name, "schema/feature", _("GeoJSON-Objekt von %(name)s") % {
        "name": COLLECTIONS[name][0]}, {
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "integer"},
            "geometry": {"type": "object", "title": _geometry_schema(name)["title"]},
            "properties": {"type": "object", "properties": feature_properties},
        }})
    return _schema_response(request, name, document, document["title"])


# --- items ---------------------------------------------------------------------------------------

def _page_links(request, name, query, matched, returned, first, last, more):
    base = f"{root(request)}/collections/{name}/items"
    # everything asked except paging, through the one filter→query-string function (lists repeated)
    carried = [key for key in request.GET if key not in ("f", "limit", "offset", "after", "before", "matched")]

    def href(fmt="json", **paging):
        query_string = querystring(request.GET, carried, LIST_PARAMETERS, limit=query.limit, matched=matched,
                                   f="html" if fmt == "html" else None, **paging)
        return f"{base}?{query_string}"

    current = {key: getattr(query, key) for key in ("offset", "after", "before") if getattr(query, key) is not None}
    links = [{"rel": "self", "type": GEOJSON, "title": _("diese Seite"), "href": href(**current)},
             {"rel": "alternate", "type": "text/html", "title": _("als HTML"), "href": href("html", **current)},
             {"rel": "collection", "type": "application/json", "title": str(COLLECTIONS[name][0]),
              "href": f"{root(request)}/collections/{name}"}]
    if query.sortby:  # another order than the id: pages by offset
        offset = query.offset or 0
        following = {"offset": offset + returned} if more else None
        previous = {"offset": max(offset - query.limit, 0)} if offset > 0 else None
    elif query.before is not None and query.offset is None:
        following = {"after": last} if returned else {"after": query.before - 1}
        previous = {"before": first} if more else None
    else:  # id order: the next page starts after the last id (keyset), also after an `offset` page
        following = {"after": last} if more else None
        if query.offset:
            previous = {"offset": max(query.offset - query.limit, 0)}
        else:
            previous = {"before": first} if query.after is not None and returned else None
    for rel, paging, title in (("next", following, _("nächste Seite")), ("prev", previous, _("vorige Seite"))):
        if paging is not None:
            links.append({"rel": rel, "type": GEOJSON, "title": title, "href": href(**paging)})
            links.append({"rel": rel, "type": "text/html", "title": title, "href": href("html", **paging)})
    return links


def _items_query(request, name, properties):
    if name == "units":
        return params.read_items(request, properties, "u.location", temporal_sql="u.vacant_since",
                                 extra_parameters=params.UNIT_PARAMETERS)
    return params.read_items(request, properties, "c.boundary")


def _unit_filter_data(request):
    """The request's parameters for the shared UnitFilter: bbox is OGC's here (6 numbers, bbox-crs)."""
    data = request.GET.copy()
    data.pop("bbox", None)
    return data


@ogc_view
def items(request, name):
    _collection_or_404(name)
    if name == "units":
        _user, units, fields, properties = _user_units(request, data=_unit_filter_data(request))
        query = _items_query(request, name, properties)
        fetch = query_page(query, lambda q: pages.units_page(units, fields, properties, site_url(request), q))
        count = lambda: pages.units_matched(units, query)  # noqa: E731
    else:
        properties = CENTRE_PROPERTIES
        query = _items_query(request, name, properties)
        fetch = query_page(query, lambda q: pages.centres_page(properties, q))
        count = lambda: pages.centres_matched(query)  # noqa: E731
    with database_errors_as_400(request):
        features, returned, first, last, more = fetch()
        matched = query.matched if query.matched is not None else count()
    links = _page_links(request, name, query, matched, returned, first, last, more)
    headers = {"Content-Crs": f"<{query.crs}>"}
    if query.fmt == "html":
        page = {"features": json.loads(f"[{features}]"), "numberMatched": matched, "numberReturned": returned,
                "links": links}
        response = html(request, "ogc/items.html", {"name": name, "data": page, "title": COLLECTIONS[name][0]})
        response["Content-Crs"] = headers["Content-Crs"]
        return response
    head = json.dumps({"type": "FeatureCollection", "numberMatched": matched, "numberReturned": returned,
                       "timeStamp": timezone.now().isoformat(timespec="seconds"), "links": links},
                      ensure_ascii=False)
    body = b"".join((head[:-1].encode(), b', "features": [', features.encode(), b"]}"))
    response = HttpResponse(body, content_type=GEOJSON)
    response["Content-Crs"] = headers["Content-Crs"]
    return response


@contextmanager
def database_errors_as_400(request):
    """Values that pass our checks but that PostgreSQL/PostGIS still refuses (an odd geometry, a number out
    of range) are the client's input: a 400 naming the parameters that carry such values, never a 500."""
    try:
        with transaction.atomic():
            yield
    except (DataError, InternalError) as failure:
        named = [name for name in ("filter", "bbox", "datetime", "crs") if name in request.GET] or ["filter"]
        reason = str(failure).splitlines()[0][:200]
        raise ApiError(400, _("Die Datenbank lehnt einen Wert ab: %(reason)s") % {"reason": reason},
                       {name: [_("Wert prüfen: %(reason)s") % {"reason": reason}] for name in named}) from None


def query_page(query, run):
    """Fetch one row more than the page, so `more` says whether a next page exists without counting."""
    def fetch():
        asked = query.limit
        query.limit = asked + 1
        try:
            text, returned, ids = run(query)
        finally:
            query.limit = asked
        more = returned > asked
        first, last = (ids[0], ids[-1]) if ids else (None, None)
        if more:  # the extra feature is the last in reading order (the first when reading backwards)
            text, returned, first, last = _drop_extra(text, ids, asked, backwards=query.before is not None
                                                      and query.offset is None and not query.sortby)
        return text, returned, first, last, more
    return fetch


def _drop_extra(text, ids, asked, backwards):
    """Cut the one extra feature off the page text: features are joined by ',{"type": "Feature", ' boundaries."""
    separator = "," + selectors.ENVELOPE
    if backwards:
        cut = text.index(separator)
        return text[cut + 1:], asked, ids[1], ids[-1]
    cut = text.rindex(separator)
    return text[:cut], asked, ids[0], ids[-2]


@ogc_view
def item(request, name, pk):
    _collection_or_404(name)
    fmt = params.output_format(request)
    params.reject_unknown(request, known_parameters())
    query = params.ItemsQuery(fmt=fmt, limit=1, offset=0)
    query.crs = params.crs_parameter(request, "crs")
    query.srid = crs.SUPPORTED[query.crs]
    query.decimals = crs.DECIMALS[query.srid]
    if name == "units":
        data = {"include": request.GET["include"]} if "include" in request.GET else {}
        _user, units, fields, properties = _user_units(request, data=data)
        query.add("u.id = %s", [pk])
        text, returned, *_rest = pages.units_page(units, fields, properties, site_url(request), query)
    else:
        text, returned, *_rest = pages.centres_page(CENTRE_PROPERTIES, query, pk=pk)
    if not returned:
        raise ApiError(404, _("Dieses Objekt gibt es nicht oder es ist nicht öffentlich."))
    here = f"{root(request)}/collections/{name}/items/{pk}"
    links = [{"rel": "self", "type": GEOJSON, "href": here},
             {"rel": "alternate", "type": "text/html", "href": f"{here}?f=html"},
             {"rel": "collection", "type": "application/json", "href": f"{root(request)}/collections/{name}"}]
    if fmt == "html":
        feature = json.loads(text)
        feature["links"] = links
        response = html(request, "ogc/items.html", {"name": name, "title": COLLECTIONS[name][0], "data": {
            "features": [feature], "numberMatched": 1, "numberReturned": 1, "links": links}})
    else:
        body = text[:-1] + ', "links": ' + json.dumps(links, ensure_ascii=False) + "}"
        response = HttpResponse(body.encode(), content_type=GEOJSON)
    response["Content-Crs"] = f"<{query.crs}>"
    return response


@ogc_view
def not_found(request, rest=""):
    raise ApiError(404, _("Unbekannte Adresse in der OGC API."))

