"""Public statistics: aggregates only (counts and rates per centre), never a unit's location."""

import csv
import datetime

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from registry.api.errors import error
from registry.formats import german_number, spreadsheet_text
from registry.places.models import TownCentre
from registry.units.categories import Category
from registry.units.filters import FiguresFilter, querystring

from . import methodology, queries
from .cache import cached, etag, revalidated

SORTABLE = ("name", "units", "vacant", "vacancy_rate", "vacant_floor_area", "interim_use", "median_vacancy_days",
            "change")


def _figures(request, day, category):
    current = cached(request, queries.centre_figures, day, category)
    try:
        previous_day = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        previous_day = day.replace(year=day.year - 1, day=28)
    previous = {row["slug"]: row["vacancy_rate"] for row in cached(request, queries.centre_figures, previous_day, category)}
    for row in current:
        before = previous.get(row["slug"])
        row["rate_year_before"] = before
        row["change"] = None if before is None or row["vacancy_rate"] is None else row["vacancy_rate"] - before
    return current, previous_day


def _bad_request(form):
    return error(400, _("Ungültige Parameter."), {
        name: [str(m) for m in messages] for name, messages in form.errors.items()})


@require_GET
@revalidated
def overview(request):
    form = FiguresFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        day, category = timezone.localdate(), ""
    else:
        data = form.cleaned_data if form.is_bound else {}
        day, category = data.get("date") or timezone.localdate(), data.get("category") or ""
    rows, previous_day = _figures(request, day, category or None)
    sort = request.GET.get("sort", "name")
    key = sort.lstrip("-")
    if key in SORTABLE:
        rows.sort(key=lambda r: (r[key] is None, r[key] if r[key] is not None else 0), reverse=sort.startswith("-"))
    today = timezone.localdate()
    presets = [d for d in queries.reference_dates(today) if d != today][::-1][:6]
    # Links carry the figures' parameters through the same query-string builder as the map's filters.
    chosen = {"date": day.isoformat(), "category": category}
    query = querystring(chosen, ("date", "category"))
    sort_links = {name: "?" + querystring(chosen, ("date", "category"), sort=(
        ("-" if sort == name else "") + name if name == "name" else ("" if sort == f"-{name}" else "-") + name))
        for name in SORTABLE}
    return render(request, "stats/overview.html", {
        "form": form, "rows": rows, "day": day, "previous_day": previous_day, "category": category,
        "sort": sort, "today": today, "stats_key": etag(request), "query": query, "sort_links": sort_links,
        "presets": [(preset, "?" + querystring({"category": category}, ("category",), date=preset.isoformat()))
                    for preset in presets],
        "today_url": "?" + querystring({"category": category}, ("category",)),
        "trend": cached(request, queries.trend, day, category or None),
        "buckets": cached(request, queries.duration_buckets, day, category or None),
        "totals": _totals(rows),
        "methodology": methodology.lines(),
    })


def _totals(rows):
    units = sum(r["units"] for r in rows)
    vacant = sum(r["vacant"] for r in rows)
    return {"units": units, "vacant": vacant, "rate": vacant / units if units else None,
            "interim_use": sum(r["interim_use"] for r in rows)}


@require_GET
@revalidated
def centre(request, slug):
    try:
        town_centre = TownCentre.objects.select_related("municipality").get(slug=slug)
    except TownCentre.DoesNotExist:
        raise Http404 from None
    day = timezone.localdate()
    figures = cached(request, queries.centre_figures, day, centre=slug)[0]
    return render(request, "stats/centre.html", {
        "centre": town_centre, "figures": figures, "day": day,
        "trend": cached(request, queries.trend, day, centre=slug),
        "buckets": cached(request, queries.duration_buckets, day, centre=slug),
        "last_uses": [{**row, "label": Category(row["category"]).label if row["category"] in Category.values
                       else _("unbekannt")} for row in cached(request, queries.last_uses, day, slug)],
        "density": cached(request, queries.vacancy_density, slug),
        "min_count": queries.DENSITY_MIN_COUNT, "cell_m": queries.DENSITY_CELL_M,
        "outline": town_centre.boundary.geojson,
    })


API_FIELDS = ["slug", "name", "municipality", "units", "vacant", "vacancy_rate", "vacant_floor_area",
              "interim_use", "median_vacancy_days", "date"]


def _api_rows(request):
    form = FiguresFilter(request.GET)
    if not form.is_valid():
        return None, form
    rows = cached(request, queries.centre_figures, form.cleaned_data["date"], form.cleaned_data.get("category") or None)
    return [{field: row[field] for field in API_FIELDS} for row in rows], form


@require_GET
@revalidated
def centres_json(request):
    rows, form = _api_rows(request)
    if rows is None:
        return _bad_request(form)
    for row in rows:
        row["date"] = row["date"].isoformat()
    return JsonResponse({"date": form.cleaned_data["date"].isoformat(), "centres": rows},
                        json_dumps_params={"ensure_ascii": False})


def _german(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return german_number(value, 4, strip_zeros=True).replace(".", "")  # no grouping: Excel reads it as a number
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return spreadsheet_text(value)  # centre names are typed by towns: „=HYPERLINK(…)“ stays text


@require_GET
@revalidated
def centres_csv(request):
    rows, form = _api_rows(request)
    if rows is None:
        return _bad_request(form)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leerstand-innenstaedte-{form.cleaned_data["date"]}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(API_FIELDS)
    for row in rows:
        writer.writerow([_german(row[field]) for field in API_FIELDS])
    return response


def _report_data(request):
    form = FiguresFilter(request.GET)
    if not form.is_valid():
        return None, form
    day, category = form.cleaned_data["date"], form.cleaned_data.get("category") or None
    rows, _previous = _figures(request, day, category)
    return (day, rows, cached(request, queries.trend, day, category),
            cached(request, queries.duration_buckets, day, category)), form


@require_GET
@revalidated
def report_xlsx(request):
    data, form = _report_data(request)
    if data is None:
        return _bad_request(form)
    from . import report  # openpyxl and reportlab load on the first report, not in every idle worker

    response = HttpResponse(report.xlsx(*data),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="leerstandsbericht-{data[0]}.xlsx"'
    return response


@require_GET
@revalidated
def report_pdf(request):
    data, form = _report_data(request)
    if data is None:
        return _bad_request(form)
    from . import report  # see report_xlsx

    response = HttpResponse(report.pdf(*data, _totals(data[1])), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="leerstandsbericht-{data[0]}.pdf"'
    return response
