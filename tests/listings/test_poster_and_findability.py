"""The window poster and what search engines see: public facts only."""

import io

import pytest
import zxingcpp
from pypdf import PdfReader

from registry.listings.models import Listing
from registry.owners.models import Owner

pytestmark = pytest.mark.django_db


def test_poster_has_the_facts_and_a_qr_code_to_the_listing(client):
    listing = Listing.objects.public().first()
    response = client.get(f"/angebote/{listing.slug}/aushang.pdf")
    assert response["Content-Type"] == "application/pdf"
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    text = page.extract_text()
    assert "Diese Fläche ist frei" in text and listing.unit.street in text
    owner = Owner.objects.get(units=listing.unit)
    assert owner.name not in text and owner.email not in text and owner.phone not in text
    codes = [code.text for image in page.images for code in zxingcpp.read_barcodes(image.image)]
    assert codes == [f"http://testserver/angebote/{listing.slug}/"]


def test_no_poster_for_an_unpublished_listing(client):
    listing = Listing.objects.public().first()
    Listing.objects.filter(pk=listing.pk).update(published=False)
    assert client.get(f"/angebote/{listing.slug}/aushang.pdf").status_code == 404


def test_sitemap_lists_exactly_the_public_listings(client):
    body = client.get("/sitemap.xml").content.decode()
    assert body.count("<url>") == Listing.objects.public().count()
    hidden = Listing.objects.exclude(pk__in=Listing.objects.public()).first()
    if hidden:
        assert hidden.slug not in body


def test_detail_page_has_title_and_opengraph_tags(client):
    listing = Listing.objects.public().first()
    page = client.get(listing.get_absolute_url()).content.decode()
    assert f"<title>{listing.title}" in page
    assert 'property="og:title"' in page and 'property="og:description"' in page


def test_listing_shows_the_towns_public_contact_not_the_owner(client):
    listing = Listing.objects.public().select_related("unit__municipality", "unit__owner").first()
    page = client.get(listing.get_absolute_url()).content.decode()
    office = listing.unit.municipality
    assert office.contact_email in page and office.contact_phone in page
    assert listing.unit.owner.email not in page and listing.unit.owner.phone not in page


def test_list_filters_by_use_and_shows_a_map(client):
    page = client.get("/angebote/?category=gastronomy").content.decode()
    assert 'id="listings-map"' in page and 'id="listing-markers"' in page
    shown = Listing.objects.public().filter(unit__category="gastronomy")
    assert page.count('<li><a href="/angebote/') == min(shown.count(), 20)
