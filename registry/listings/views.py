"""Public listings: only what owners consented to publish, never owner data."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from registry.places.models import TownCentre
from registry.units.vacancy import vacancy_rate, vacant_q

from .models import Listing

PUBLIC_FIELDS = ("unit__street", "unit__house_number", "unit__postcode", "unit__town", "unit__floor_area",
                 "unit__sales_area", "unit__frontage", "unit__floor", "unit__step_free", "unit__location",
                 "unit__centre__name", "unit__centre__slug")


def public_listings():
    # select_related + only(): the owner is never loaded, so it cannot slip into a template.
    return Listing.objects.public().select_related("unit", "unit__centre").only(
        "slug", "title", "description", "rent", "available_from", "published_at", *PUBLIC_FIELDS)


def listing_list(request):
    listings = public_listings()
    centre = request.GET.get("centre", "")
    if centre:
        listings = listings.filter(unit__centre__slug=centre)
    try:
        if request.GET.get("min_area"):
            listings = listings.filter(unit__floor_area__gte=float(request.GET["min_area"].replace(",", ".")))
        if request.GET.get("max_rent"):
            listings = listings.filter(rent__lte=float(request.GET["max_rent"].replace(",", ".")))
    except ValueError:
        listings = listings.none()
    page = Paginator(listings.order_by("-published_at", "-id"), 20).get_page(request.GET.get("seite"))
    centres = TownCentre.objects.filter(units__listing__in=Listing.objects.public()).distinct().order_by("name")
    return render(request, "listings/list.html", {"page": page, "centres": centres, "centre": centre})


def listing_detail(request, slug):
    listing = get_object_or_404(public_listings(), slug=slug)
    centre = listing.unit.centre
    context = {"listing": listing}
    if centre:
        figures = TownCentre.objects.filter(pk=centre.pk).aggregate(
            total=Count("units"), vacant=Count("units", filter=vacant_q("units__")))
        context.update(
            centre_rate=vacancy_rate(figures["vacant"], figures["total"]),
            others=public_listings().filter(unit__centre=centre).exclude(pk=listing.pk)[:5],
        )
    return render(request, "listings/detail.html", context)
