import json

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from registry.accounts import access
from registry.places.models import TownCentre
from registry.units.filters import PARAMETERS, UnitFilter
from registry.units.models import Unit
from registry.units.vacancy import STATUS_STYLE, Status, vacancy_rate, vacant_q

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
    for key in ("seite", "sort"):
        query.pop(key, None)
    filters = {key: value for key, value in request.GET.items() if key in PARAMETERS and value}
    return render(request, "maps/home.html", {
        "form": form, "page": page, "sort": sort, "sorts": SORTS, "query": query.urlencode(),
        "filter_query": "&".join(f"{k}={v}" for k, v in filters.items()),
        "centres": centre_layer(),
        "legend": [{"code": s.value, "label": s.label, **STATUS_STYLE[s]} for s in Status],
        "statuses": {s.value: s.label for s in Status},
    })
