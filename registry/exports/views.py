import json

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registry.accounts.tokens import InvalidToken, user_for_request
from registry.units.filters import UnitFilter
from registry.units.models import Unit

from . import geopackage, queries, spreadsheet, tiers

ATTRIBUTION = "Leerstandsregister Thüringen; Gemeindegrenzen © GeoBasis-DE / BKG 2016 (dl-de/by-2-0)"
LICENCE = "dl-de/by-2-0"
GPKG_CRS = {"4326": 4326, "25832": 25832}


def error(status, message, parameters=None):
    body = {"error": message}
    if parameters:
        body["parameters"] = parameters
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


class ApiError(Exception):
    def __init__(self, status, message, parameters=None, headers=None):
        super().__init__(message)
        self.status, self.message, self.parameters, self.headers = status, message, parameters, headers or {}

    def response(self):
        response = error(self.status, self.message, self.parameters)
        for key, value in self.headers.items():
            response[key] = value
        return response


def resolve(request, data=None):
    """Who asks (token or session), which units (shared filter + tier) and which fields.

    Used by every export format and by OGC API – Features; raises ApiError.
    """
    data = request.GET if data is None else data
    try:
        user = user_for_request(request)
    except InvalidToken:
        raise ApiError(401, _("Ungültiges oder widerrufenes API-Token."), headers={
            "WWW-Authenticate": 'Bearer realm="leerstandsregister", Basic realm="leerstandsregister"'}) from None
    form = UnitFilter(data)
    if not form.is_valid():
        body = form.error_json()
        raise ApiError(400, body["error"], body["parameters"])
    include = data.get("include", "")
    if include not in ("", "contacts"):
        raise ApiError(400, _("Unbekannter Wert für include."), {"include": [_("Erlaubt ist nur „contacts“.")]})
    try:
        fields = tiers.fields_for(user, include_contacts=bool(include))
    except PermissionDenied as denied:
        raise ApiError(403, str(denied), {"include": [str(denied)]}) from None
    units = form.apply(tiers.units_for(user, Unit.objects.all(), include_contacts=bool(include)))
    return user, units, fields


def site_url(request):
    return request.build_absolute_uri("/").rstrip("/")


def export_request(view):
    @require_GET
    def wrapper(request):
        try:
            _user, units, fields = resolve(request)
        except ApiError as failure:
            return failure.response()
        return view(request, units, fields, site_url(request))

    return wrapper


@export_request
def units_geojson(request, units, fields, site):
    sql, params = queries.geojson_features_sql(units, fields, site)
    head = json.dumps({
        "type": "FeatureCollection",
        "name": "units",
        "attribution": ATTRIBUTION,
        "licence": LICENCE,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
    }, ensure_ascii=False)[:-1] + ', "features": [\n'

    def stream():
        yield head.encode()
        lines = queries.copy_lines(sql, params, queries.JSON_LINES)
        for first in lines:
            yield first[1:]  # every line starts with a comma; the first must not
            break
        yield from lines
        yield b"]}\n"

    response = StreamingHttpResponse(stream(), content_type="application/geo+json")
    response["Content-Disposition"] = 'inline; filename="leerstandsregister-einheiten.geojson"'
    return response


@export_request
def units_csv(request, units, fields, site):
    sql, params = queries.csv_sql(units, fields, site)

    def stream():
        yield "\ufeff".encode()  # BOM: Excel opens UTF-8 with umlauts intact
        yield from queries.copy_lines(sql, params, queries.GERMAN_CSV)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="leerstandsregister-einheiten.csv"'
    return response


@export_request
def units_xlsx(request, units, fields, site):
    sources = [  # German whatever the request language, like the CSV (registry/formats.py)
        ("Quelle", ATTRIBUTION),
        ("Lizenz", LICENCE),
        ("Erstellt", timezone.localtime().strftime("%d.%m.%Y %H:%M")),
        ("Filter", request.GET.urlencode() or "keiner"),
    ]
    try:
        handle = spreadsheet.write(units, fields, site, sources)
    except spreadsheet.TooManyRows:
        limit = f"{spreadsheet.MAX_ROWS:,}".replace(",", ".")
        return error(400, _("Mehr als %(limit)s Einheiten passen nicht in eine XLSX-Tabelle; bitte filtern "
                            "oder CSV bzw. GeoPackage nutzen.") % {"limit": limit})
    return FileResponse(handle, as_attachment=True, filename="leerstandsregister-einheiten.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@export_request
def units_gpkg(request, units, fields, site):
    crs = request.GET.get("crs", "4326").replace("EPSG:", "")
    if crs not in GPKG_CRS:
        return error(400, _("Nicht unterstütztes Koordinatensystem."),
                     {"crs": [_("Erlaubt sind 4326 (WGS84) und 25832 (ETRS89 / UTM 32N).")]})
    sql, params = queries.table_sql(units, fields, site, GPKG_CRS[crs])
    handle = geopackage.write(sql, params, GPKG_CRS[crs], description=ATTRIBUTION)
    return FileResponse(handle, as_attachment=True, filename="leerstandsregister-einheiten.gpkg",
                        content_type="application/geopackage+sqlite3")
