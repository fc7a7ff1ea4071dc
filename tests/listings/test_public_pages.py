"""No private data on any public page: owners, contacts, internal notes, unlisted units."""

import io

import pytest
from pypdf import PdfReader
from django.test import Client

from registry.listings.models import Listing
from registry.owners.models import Owner
from registry.units.models import Unit

pytestmark = pytest.mark.django_db

PUBLIC_URLS = ["/", "/?centre=erfurt-altstadt", "/angebote/", "/api/units.geojson", "/api/units.csv",
               "/api/map/units.json?bbox=9,50,13,52&zoom=16", "/ogc/collections/units/items?limit=1000",
               "/ogc/collections/town-centres/items", "/ogc/?f=html", "/sitemap.xml", "/statistik/",
               "/statistik/gera-innenstadt/", "/api/stats/centres.csv"]


def body(response):
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode("utf-8-sig")


def test_no_owner_data_or_internal_note_on_any_public_surface():
    Unit.objects.filter(pk__in=Listing.objects.public().values("unit")).update(internal_note="GEHEIM-NOTIZ-4711")
    anonymous = Client()
    pages = [body(anonymous.get(url)) for url in PUBLIC_URLS]
    pages += [body(anonymous.get(listing.get_absolute_url())) for listing in Listing.objects.public()[:10]]
    pages += [PdfReader(io.BytesIO(anonymous.get(f"/angebote/{listing.slug}/aushang.pdf").content)).pages[0].extract_text()
              for listing in Listing.objects.public()[:5]]
    text = "\n".join(pages)
    assert "GEHEIM-NOTIZ-4711" not in text
    for owner in Owner.objects.all():
        for private in (owner.email, owner.phone, owner.postal_address):
            assert private not in text, private
    for owner in Owner.objects.filter(units__listing__published=True):
        assert owner.name not in text


def test_unpublished_or_unconsented_listings_are_not_found():
    listing = Listing.objects.public().first()
    owner = listing.unit.owner
    owner.consent, owner.consent_date = Owner.Consent.REFUSED, None
    owner.save()
    assert Client().get(listing.get_absolute_url()).status_code == 404
    assert listing.title not in body(Client().get("/angebote/"))


def test_listing_detail_shows_the_facts_and_the_centre(client):
    listing = Listing.objects.public().filter(unit__centre__slug="erfurt-altstadt").first()
    page = body(client.get(listing.get_absolute_url()))
    assert listing.title in page and listing.unit.street in page
    assert "Erfurt Altstadt" in page and "Leerstandsquote" in page
