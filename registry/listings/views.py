"""Public listings: only what owners consented to publish, never owner data."""

from django.contrib.sitemaps import Sitemap
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from registry.places.models import TownCentre
from registry.units import selectors
from registry.units.categories import Category
from registry.units.filters import querystring

from . import services
from .forms import InquiryForm, ListingFilter
from .models import Listing

PUBLIC_FIELDS = ("unit__street", "unit__house_number", "unit__postcode", "unit__town", "unit__floor_area",
                 "unit__sales_area", "unit__frontage", "unit__floor", "unit__step_free", "unit__location",
                 "unit__centre__name", "unit__centre__slug")


LISTING_FILTERS = ("centre", "category", "min_area", "max_rent")


def public_listings():
    # select_related + only(): the owner is never loaded, so it cannot slip into a template.
    return Listing.objects.public().select_related("unit", "unit__centre", "unit__municipality").only(
        "slug", "title", "description", "rent", "available_from", "published_at", "unit__municipality__name",
        "unit__municipality__contact_name", "unit__municipality__contact_email", "unit__municipality__contact_phone",
        "unit__category",
        *PUBLIC_FIELDS)


def listing_list(request):
    listings = public_listings()
    filters = ListingFilter(request.GET)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    centre, use = wanted.get("centre", ""), wanted.get("category", "")
    if centre:
        listings = listings.filter(unit__centre__slug=centre)
    if use in Category.values:  # the last use: a fitted café is found by someone looking for one
        listings = listings.filter(unit__category=use)
    if wanted.get("min_area") is not None:
        listings = listings.filter(unit__floor_area__gte=wanted["min_area"])
    if wanted.get("max_rent") is not None:
        listings = listings.filter(rent__lte=wanted["max_rent"])
    if filters.errors:
        listings = listings.none()
    page = Paginator(listings.order_by("-published_at", "-id"), 20).get_page(request.GET.get("seite"))
    centres = TownCentre.objects.filter(units__listing__in=Listing.objects.public()).distinct().order_by("name")
    markers = [{"lat": round(listing.unit.location.y, 6), "lon": round(listing.unit.location.x, 6),
                "title": listing.title, "url": listing.get_absolute_url()} for listing in page]
    # Page links keep every filter, through the one query-string builder the map uses too.
    pages = {
        "previous_url": "?" + querystring(request.GET, LISTING_FILTERS, seite=page.previous_page_number())
        if page.has_previous() else "",
        "next_url": "?" + querystring(request.GET, LISTING_FILTERS, seite=page.next_page_number())
        if page.has_next() else "",
    }
    return render(request, "listings/list.html", {"page": page, "centres": centres, "centre": centre, "use": use,
                                                  "categories": Category.choices, "markers": markers,
                                                  "filter_errors": filters.errors_named(), **pages},
                  status=400 if filters.errors else 200)


def listing_detail(request, slug):
    listing = get_object_or_404(public_listings(), slug=slug)
    form = InquiryForm(request.POST or None)
    if request.method == "POST":
        if form.is_bot():  # answer like a success, store nothing
            return redirect("listings:thanks", slug=slug)
        if form.is_valid():
            try:
                data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
                services.send_inquiry(listing, data, services.client_key(request))
                return redirect("listings:thanks", slug=slug)
            except ValidationError as refused:
                form.add_error(None, refused)
    centre = listing.unit.centre
    context = {"listing": listing, "form": form, "photos": listing.photos.all()}
    if centre:
        context.update(
            centre_rate=selectors.with_counts(TownCentre.objects.filter(pk=centre.pk)).get().vacancy_rate,
            others=public_listings().filter(unit__centre=centre).exclude(pk=listing.pk)[:5],
        )
    return render(request, "listings/detail.html", context, status=400 if form.errors else 200)


def inquiry_thanks(request, slug):
    listing = get_object_or_404(public_listings(), slug=slug)
    return render(request, "listings/thanks.html", {"listing": listing})


def poster(request, slug):
    listing = get_object_or_404(public_listings(), slug=slug)
    url = request.build_absolute_uri(listing.get_absolute_url())
    from .poster import make_poster  # reportlab and segno load on the first poster, not in every idle worker

    response = HttpResponse(make_poster(listing, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="aushang-{listing.slug}.pdf"'
    return response


class ListingSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return public_listings().order_by("id")

    def lastmod(self, listing):
        return listing.published_at
