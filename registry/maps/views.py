import json

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from registry.accounts import access
from registry.places.models import TownCentre
from registry.units.filters import PARAMETERS, UnitFilter
from registry.units.vacancy import STATUS_STYLE, Status, vacancy_rate, vacant_q

from . import queries

SORTS = {"adresse": ("street", "house_number"), "flaeche": ("-floor_area",), "leer_seit": ("vacant_since",),
         "status": ("status", "street")}


def centre_layer():
    """Centre outlines with their current vacancy rate: aggregates, public for everyone."""
    centres = TownCentre.objects.select_related("municipality").annotate(
        total=Count("units"), vacant=Count("units", filter=vacant_q("units__")))
    return {
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature", "id": c.slug, "geometry": json.loads(c.boundary.geojson),
            "properties": {"name": c.name, "slug": c.slug, "units": c.total, "vacant": c.vacant,
                           "rate": vacancy_rate(c.vacant, c.total)},
        } for c in centres],
    }


def home(request):
    form = UnitFilter(request.GET or None)
    units = access.units_visible_to(request.user).select_related("centre")
    if form.is_bound and form.is_valid():
        units = form.apply(units)
    elif form.is_bound:
        units = units.none()
    sort = request.GET.get("sort", "adresse")
    page = Paginator(units.order_by(*SORTS.get(sort, SORTS["adresse"]), "id"), 25).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    for key in ("seite", "sort", "fragment"):
        query.pop(key, None)
    filters = {key: value for key, value in request.GET.items() if key in PARAMETERS and value and key != "bbox"}
    context = {"page": page, "sort": sort, "query": query.urlencode()}
    if request.GET.get("fragment") == "list":
        return render(request, "maps/_unit_list.html", context)
    return render(request, "maps/home.html", {**context,
        "form": form, "sorts": SORTS,
        "can_add": access.role_of(request.user) in (access.ADMIN, access.CITY_MANAGER),
        "filter_query": "&".join(f"{k}={v}" for k, v in filters.items()),
        "centres": centre_layer(),
        "legend": [{"code": s.value, "label": s.label, **STATUS_STYLE[s]} for s in Status],
        "statuses": {s.value: s.label for s in Status},
    })


@require_GET
@gzip_page
def map_units(request):
    """Points or grid counts for one viewport, with the shared filters and the user's tier."""
    form = UnitFilter(request.GET)
    try:
        zoom = int(request.GET.get("zoom", "8"))
        if not 0 <= zoom <= 22:
            raise ValueError
    except ValueError:
        return JsonResponse({"error": _("Ungültige Filterparameter."),
                             "parameters": {"zoom": [_("zoom ist eine ganze Zahl von 0 bis 22.")]}}, status=400)
    if not form.is_valid():
        return JsonResponse(form.error_json(), status=400, json_dumps_params={"ensure_ascii": False})
    body = queries.viewport(form, access.units_visible_to(request.user), request.user, zoom,
                            request.build_absolute_uri("/").rstrip("/"))
    return HttpResponse(body, content_type="application/json")


@require_GET
@gzip_page
@cache_control(public=True, max_age=3600)
def municipality_outlines(request):
    return HttpResponse(queries.municipality_outlines(), content_type="application/geo+json")
