"""The map in a real headless Chromium: draws, filters through the URL, shows text as text."""

import re

import pytest
from django.contrib.gis.geos import Polygon

from registry.listings.models import Listing
from registry.units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db]




def test_anonymous_map_shows_centres_and_only_published_listings(page, app_url, console_errors, screenshot):
    page.goto(f"{app_url}/")
    page.wait_for_selector("#map[data-units]")
    assert page.get_attribute("#map", "data-kind") == "centres"  # state-wide: the centres, units from zoom 10
    assert page.locator(".centre-label").count() == 28  # placed, some hidden where they would collide
    page.wait_for_selector("#map[data-municipalities='849']")  # boundaries while zoomed out
    screenshot("map-anonymous")
    page.goto(f"{app_url}/?ansicht=10/50.95/11.2")  # Erfurt, Weimar, Jena and around
    page.wait_for_selector("#map[data-units]")
    drawn = int(page.get_attribute("#map", "data-units"))
    west, south, east, north = page.evaluate("""() => { const b = window.registryLeafletMap.getBounds();
        return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }""")
    assert drawn == Listing.objects.public().filter(
        unit__location__within=Polygon.from_bbox((west, south, east, north))).count() > 0
    assert console_errors == []


def test_a_filter_changes_the_url_and_the_drawn_set(page, app_url, screenshot, log_in):
    log_in("analyst")
    page.goto(f"{app_url}/")
    page.wait_for_selector("#map[data-units]")
    assert page.get_attribute("#map", "data-kind") == "centres"  # Thuringia: the centres, not 5,470 points
    page.click(".filters summary")
    page.select_option("select[name=centre]", "gera-innenstadt")
    page.select_option("select[name=status]", ["vacant"])
    page.click("#filter-form button[type=submit]")
    page.wait_for_url(re.compile(r"centre=gera-innenstadt"))
    page.wait_for_selector("#map[data-units]")
    page.wait_for_selector("#map[data-kind=units]")  # (no wait_for_function: the CSP forbids eval)
    drawn = int(page.get_attribute("#map", "data-units"))
    assert drawn == Unit.objects.filter(centre__slug="gera-innenstadt", status="vacant").count()
    screenshot("map-analyst-gera-vacant")
    page.go_back()
    page.wait_for_selector("#map[data-units]")
    assert "centre=" not in page.url


def test_a_unit_name_with_markup_is_shown_as_text(page, app_url, committed, log_in):
    unit = Unit.objects.filter(centre__slug="jena-innenstadt").order_by("street", "house_number", "id").first()
    committed("UPDATE units_unit SET name = %s WHERE id = %s", ["<img src=x onerror=alert(1)>", unit.pk])
    try:
        log_in("analyst")
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{app_url}/?centre=jena-innenstadt")
        page.wait_for_selector("#map[data-units]")
        item = page.locator(f'#unit-list li[data-unit="{unit.pk}"]')
        assert "<img src=x onerror=alert(1)>" in item.inner_text()
        item.click()
        page.wait_for_selector(".unit-popup")
        assert "<img src=x onerror=alert(1)>" in page.locator(".unit-popup").inner_text()
        assert dialogs == []
    finally:
        committed("UPDATE units_unit SET name = %s WHERE id = %s", [unit.name, unit.pk])


@pytest.mark.parametrize(("width", "height"), [(768, 1024), (390, 844)])
def test_tablet_and_phone_widths(page, app_url, screenshot, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_url}/")
    page.wait_for_selector("#map[data-units]")
    box = page.locator("#map").bounding_box()
    assert box["width"] <= width and box["height"] > 200
    assert page.locator(".filters summary").bounding_box()["height"] >= 44
    screenshot(f"map-{width}px")
