"""A space seeker finds a listing, sees it on the map, and sends an inquiry (real Chromium)."""

import re

import pytest

from registry.listings.models import Listing

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def cleanup(committed):
    yield
    committed("DELETE FROM listings_inquiry WHERE email = %s", ["browser@example.net"])


def test_list_detail_inquiry_confirmation(page, app_url, cleanup, screenshot, console_errors):
    page.goto(f"{app_url}/angebote/")
    page.select_option("select[name=centre]", "gera-innenstadt")
    page.click("form.inline-form button[type=submit]")
    page.click(".listing-cards a")
    page.wait_for_selector("#listing-map .leaflet-marker-icon")
    page.fill("#id_name", "Browser Test")
    page.fill("#id_email", "browser@example.net")
    page.fill("#id_intended_use", "Buchladen")
    page.fill("#id_message", "Wann kann ich die Fläche besichtigen?")
    screenshot("angebot-anfrage")
    page.click("form.inquiry button[type=submit]")
    page.wait_for_url(re.compile(r"/danke/"))
    assert "Vielen Dank" in page.inner_text("main")
    assert console_errors == []
    assert Listing.objects.public().filter(unit__centre__slug="gera-innenstadt").exists()
