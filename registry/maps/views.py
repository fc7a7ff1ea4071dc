import json
import re

from django.core.paginator import Paginator
from django.contrib.gis.db.models import Extent
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from registry.accounts import access
from registry.api.errors import error
from registry.places.models import TownCentre
from registry.formats import format_rate
from registry.units.categories import Category, Subcategory
from registry.units.models import Floor
from registry.units.ordering import natural
from registry.units.filters import LIST_PARAMETERS, UnitFilter, split_values
from registry.units import selectors
from registry.units.vacancy import STATUS_STYLE, Status, counts_as_vacant

from . import queries

# Sort keys in the URL (German, stable) → label and ORDER BY; "-key" sorts the other way round.
SORTS = {
    "adresse": (_l("Adresse"), (natural("street"), natural("house_number"))),
    "flaeche": (_l("Fläche"), ("floor_area",)),
    "leer_seit": (_l("leer seit"), ("vacant_since",)),
    "status": (_l("Status"), ("status",)),
    "geprueft": (_l("zuletzt geprüft"), ("last_checked",)),
}
# The direction a first click sorts in: largest area and longest vacancy first.
FIRST_DESCENDING = {"flaeche"}
VIEW = re.compile(r"(\d{1,2})/(-?\d{1,2}(?:\.\d{1,7})?)/(-?\d{1,3}(?:\.\d{1,7})?)")
PAGE_SIZE = 25


def centre_layer():
    """Centre outlines with their current vacancy rate: aggregates, public for everyone."""
    centres = selectors.with_counts(TownCentre.objects.select_related("municipality"))
    features = []
    for c in centres:
        features.append({
            "type": "Feature", "id": c.slug, "geometry": json.loads(c.boundary.geojson),
            "properties": {"name": c.name, "slug": c.slug, "units": c.unit_count, "vacant": c.vacant_count,
                           "rate": c.vacancy_rate, "rate_text": format_rate(c.vacancy_rate)},
        })
    return {"type": "FeatureCollection", "features": features}


def _sort(request):
    raw = request.GET.get("sort", "adresse")
    key = raw.lstrip("-")
    if key not in SORTS:
        return "adresse", False
    return key, raw.startswith("-")


def _order(key, descending):
    fields = SORTS[key][1]
    nulls = {"nulls_last": True}
    order = [(F(f) if isinstance(f, str) else f) for f in fields]
    order = [f.desc(**nulls) if descending else f.asc(**nulls) for f in order]
    return [*order, natural("street").asc(), natural("house_number").asc(), "id"]


def view_param(request):
    """The map view from the URL, `ansicht=zoom/lat/lon`, or "" when absent or malformed."""
    raw = request.GET.get("ansicht", "")
    return raw if VIEW.fullmatch(raw) else ""


def list_context(request, form, units):
    """The list beside the map: one page, sort links and page links built from the one filter query string."""
    key, descending = _sort(request)
    number = request.GET.get("seite")
    unit = request.GET.get("einheit", "")  # a marker's unit: the page that holds its row (map.js, a marker tapped)
    if unit.isdigit():
        number = queries.page_of(units, _order(key, descending), int(unit), PAGE_SIZE) or number
    page = Paginator(units.order_by(*_order(key, descending)), PAGE_SIZE).get_page(number)
    sort = f"-{key}" if descending else key
    keep = {"bbox": None, "ansicht": view_param(request) or None}

    def link(**changes):
        return "?" + form.querystring(**{**keep, "sort": sort, **changes})

    sorts = []
    for name, (label, _fields) in SORTS.items():
        if name == key:
            target, direction = (name if descending else f"-{name}"), ("descending" if descending else "ascending")
        else:
            target, direction = (f"-{name}" if name in FIRST_DESCENDING else name), ""
        sorts.append({"key": target, "label": label, "current": name == key, "direction": direction,
                      "url": link(sort=target, seite=None)})
    return {
        "page": page, "sort": sort, "sorts": sorts,
        "previous_url": link(seite=page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(seite=page.next_page_number()) if page.has_next() else "",
    }


def addable_area(user):
    """Where a city manager may add units: their municipalities' outlines (simplified, GeoJSON), so the map offers
    adding only there. None for administrators (anywhere) and for everyone who may not add."""
    if not access.is_municipality_scoped(user):
        return None
    ids = sorted(access.editable_municipality_ids(user))
    return json.loads(queries.municipality_outlines(ids=ids, tolerance=0.0005))


def legend():
    return [{"code": s.value, "label": s.label, "vacant": counts_as_vacant(s), **STATUS_STYLE[s]} for s in Status]


def walk_centre(user, form):
    """The one centre the map is filtered to, if its Begehungsliste is this user's: the map's link goes there
    directly instead of to the list of centres."""
    slugs = form.cleaned_data.get("centre") or []
    if len(slugs) != 1:
        return None
    centre = TownCentre.objects.filter(slug=slugs[0]).first()
    return centre.slug if centre and access.can_edit_municipality(user, centre.municipality_id) else None


def home(request):
    form = UnitFilter(request.GET or None)
    units = selectors.visible_units(request.user).select_related("centre")
    valid = not form.is_bound or form.is_valid()
    units = form.apply(units) if form.is_bound and valid else units if valid else units.none()
    context = {**list_context(request, form, units), "valid": valid}
    if request.GET.get("fragment") == "list":
        return render(request, "maps/_unit_list.html", context)
    errors = [] if valid else [
        {"field": name, "label": form.fields[name].label if name in form.fields else "", "messages": messages}
        for name, messages in form.errors.items()]
    filters = form.querystring(bbox=None)
    bounds = None
    if filters and valid and not view_param(request):
        extent = units.aggregate(extent=Extent("location"))["extent"]
        bounds = extent and [[extent[1], extent[0]], [extent[3], extent[2]]]
    return render(request, "maps/home.html", {**context,
        "form": form, "errors": errors,
        "can_add": access.can_add_units(request.user),
        "walk_centre": walk_centre(request.user, form) if form.is_bound and valid else None,
        "export_query": filters,
        "centres": centre_layer(),
        "legend": legend(),
        "statuses": {s.value: s.label for s in Status},
        "floors": Floor.choices, "categories": Category.choices, "subcategories": Subcategory.choices,
        "selected": {name: split_values(form.data.getlist(name) if hasattr(form.data, "getlist")
                                        else form.data.get(name, [])) for name in LIST_PARAMETERS}
        if form.is_bound else {},
        "map_state": {"filters": filters, "valid": valid, "bounds": bounds, "view": view_param(request),
                      "sort": context["sort"], "page": context["page"].number,
                      "labels": {name: str(field.label) for name, field in form.fields.items()},
                      "addable": addable_area(request.user),
                      # the popup offers „Verlauf“; the endpoint decides per unit what it shows (units/timeline.py)
                      "timeline": access.timeline_reach(request.user)},
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
        return error(400, _("Ungültige Filterparameter."), {"zoom": [_("zoom ist eine ganze Zahl von 0 bis 22.")]})
    if not form.is_valid():
        body = form.error_json()
        return error(400, body.pop("error"), body.pop("parameters"), **body)
    body = queries.viewport(form, selectors.visible_units(request.user), request.user, zoom,
                            request.build_absolute_uri("/").rstrip("/"))
    return HttpResponse(body, content_type="application/json")


@require_GET
@gzip_page
@cache_control(public=True, max_age=3600)
def municipality_outlines(request):
    return HttpResponse(queries.municipality_outlines(), content_type="application/geo+json")
