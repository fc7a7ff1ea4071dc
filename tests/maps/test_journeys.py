"""A city manager's first ten minutes on the map, as journeys in a real Chromium, on a desktop and a touch tablet.

Each step leaves a screenshot in tests/artifacts/ (<device>-<locale>-<step>.png, not committed).
"""

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from registry.units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "tablet": {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "is_mobile": True,
               "device_scale_factor": 1},
}
TEST_STREET = "Teststraße Begehung"
# German texts of the map's interface that must not show in English (data such as street names may).
GERMAN_UI = ["Sortieren", "Einheiten", "zuletzt geprüft", "Status speichern", "Legende", "zählt als leer",
             "leer seit", "Seite ", "weiter", "Anwenden", "Zurücksetzen", "Nutzfläche", "Neuer Status",
             "Als leer zählen", "Leerstandsquote", "Einheit hinzufügen", "Geprüft", "Notiz"]


@pytest.fixture(params=list(DEVICES))
def device(request, browser, app_url):
    """A fresh browser context per device (desktop 1280×800, touch tablet 820×1180), German, Berlin time."""
    contexts = []

    def open_page(locale="de-DE"):
        context = browser.new_context(locale=locale, timezone_id="Europe/Berlin", **DEVICES[request.param])
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.touch = DEVICES[request.param].get("has_touch", False)
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    ARTIFACTS.mkdir(exist_ok=True)
    yield request.param, open_page
    for context in contexts:
        context.close()


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def log_in(page, app_url, username):
    page.goto(f"{app_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{app_url}/")


def tap(page, selector):
    locator = page.locator(selector).first
    if page.touch:
        locator.tap()
    else:
        locator.click()


def wait_for_map(page):
    page.wait_for_selector("#map[data-units]")


def rows(page):
    return page.eval_on_selector_all("#unit-list li[data-unit]", "items => items.map(i => i.dataset.unit)")


@pytest.fixture
def test_unit(committed):
    """A vacant unit in Erfurt's Altstadt that the journey may change (removed afterwards)."""
    yield
    committed("""WITH gone AS (DELETE FROM units_occupancy o USING units_unit u
                  WHERE o.unit_id = u.id AND u.street = %s RETURNING o.unit_id)
                 DELETE FROM units_unit WHERE id IN (SELECT unit_id FROM gone)""", [TEST_STREET])


def create_test_unit(page):
    """Through the map's own write API, as the logged-in city manager (a committed row the server sees)."""
    result = page.evaluate("""async (street) => {
        const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
        const centre = JSON.parse(document.getElementById("centres-data").textContent).features
          .find(f => f.id === "erfurt-altstadt");
        const bounds = L.geoJSON(centre).getBounds().getCenter();
        const r = await fetch("/api/units/", {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": token},
          body: JSON.stringify({street: street, house_number: "1", floor_area: "1.250", status: "vacant",
                                location: [bounds.lng, bounds.lat]})});
        return [r.status, await r.json()]; }""", TEST_STREET)
    assert result[0] == 200, result
    return result[1]


def test_city_manager_filters_pages_opens_and_updates(device, app_url, test_unit):
    name, open_page = device
    page = open_page()
    log_in(page, app_url, "stadt-erfurt")
    wait_for_map(page)
    created = create_test_unit(page)
    shot(page, f"{name}-de-01-start")

    # Two statuses and a centre, chosen in the filter (a drawer on the tablet)
    page.click(".filters summary")
    page.select_option("select[name=status]", ["vacant", "reserved"])
    page.select_option("select[name=centre]", "erfurt-altstadt")
    shot(page, f"{name}-de-02-filter")
    page.click("#filter-form button[type=submit]")
    page.wait_for_url(re.compile(r"status=vacant&status=reserved&centre=erfurt-altstadt"))
    wait_for_map(page)
    page.wait_for_selector("#map[data-kind=units]")  # (no wait_for_function: the CSP forbids eval)
    expected = Unit.objects.filter(centre__slug="erfurt-altstadt", status__in=["vacant", "reserved"])
    count = expected.count()
    assert count > 25  # more than one page
    assert int(page.get_attribute("#map", "data-units")) == count  # the map fits to the result: all drawn
    assert int(page.get_attribute("#unit-list-box", "data-count")) == count
    csv_link = page.get_attribute("a[data-export=csv]", "href")
    assert parse_qs(urlsplit(csv_link).query) == {"status": ["vacant", "reserved"], "centre": ["erfurt-altstadt"]}
    body = page.request.get(f"{app_url}{csv_link}").text()
    assert len(list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))) - 1 == count
    assert page.errors == []
    shot(page, f"{name}-de-03-filtered")

    # A list row opens its unit's popup; a marker highlights its row
    first = rows(page)[0]
    tap(page, f'#unit-list li[data-unit="{first}"]')
    page.wait_for_selector(f'.unit-popup[data-unit="{first}"]')
    assert page.locator(".unit-popup dt", has_text="zuletzt geprüft").count() == 1
    page.wait_for_timeout(600)  # the popup's auto-pan animation
    popup = page.locator(".leaflet-popup").bounding_box()
    tools = page.locator(".map-tools").bounding_box()
    assert popup["y"] >= tools["y"] + tools["height"] or popup["x"] >= tools["x"] + tools["width"]
    shot(page, f"{name}-de-04-row-opens-popup")
    page.keyboard.press("Escape")
    page.evaluate("window.registryLeafletMap.closePopup()")
    unit = Unit.objects.get(pk=rows(page)[1])
    marker = page.locator(f'.leaflet-marker-icon[title="{unit.street} {unit.house_number}"]')
    marker.first.dispatch_event("click")  # (it may sit under the legend; a tap on it is Leaflet's click)
    page.wait_for_selector(f'#unit-list li[data-unit="{unit.pk}"].selected')
    shot(page, f"{name}-de-05-marker-highlights-row")
    page.evaluate("window.registryLeafletMap.closePopup()")

    # Page 2 differs from page 1; sorting by area orders the rows (largest first, then the other way round)
    page_one = rows(page)
    tap(page, "#unit-list-box a[rel=next]")
    page.wait_for_selector('#unit-list-box[data-page="2"]')
    assert set(rows(page)).isdisjoint(page_one)
    assert "seite=2" in page.url
    shot(page, f"{name}-de-06-page-2")
    tap(page, '#unit-list-box a[data-sort="-flaeche"]')
    page.wait_for_selector('#unit-list-box[data-sort="-flaeche"]')
    areas = page.eval_on_selector_all("#unit-list li[data-unit]", "items => items.map(i => i.dataset.area)")
    numbers = [float(a) for a in areas if a]
    assert numbers == sorted(numbers, reverse=True) and numbers[0] == 1250  # the test unit's „1.250“ m²
    assert page.locator("#unit-list-box .sort a[aria-current]").inner_text().startswith("Fläche")
    tap(page, '#unit-list-box a[data-sort="flaeche"]')
    page.wait_for_selector('#unit-list-box[data-sort="flaeche"]')
    areas = [float(a) for a in page.eval_on_selector_all(
        "#unit-list li[data-unit]", "items => items.map(i => i.dataset.area)") if a]
    assert areas == sorted(areas)
    shot(page, f"{name}-de-07-sorted-by-area")

    # Zoom in, reload: filters, sort and view come back; back restores the previous sort
    page.evaluate("window.registryLeafletMap.setView([50.9778, 11.0290], 17, {animate: false})")
    page.wait_for_url(re.compile(r"ansicht=17/"))
    view = parse_qs(urlsplit(page.url).query)["ansicht"][0]
    page.reload()
    wait_for_map(page)
    assert page.evaluate("window.registryLeafletMap.getZoom()") == 17
    centre = page.evaluate("[window.registryLeafletMap.getCenter().lat, window.registryLeafletMap.getCenter().lng]")
    assert abs(centre[0] - 50.9778) < 1e-4 and abs(centre[1] - 11.0290) < 1e-4
    assert page.get_attribute("#unit-list-box", "data-sort") == "flaeche"
    assert parse_qs(urlsplit(page.url).query)["status"] == ["vacant", "reserved"] and view in page.url
    shot(page, f"{name}-de-08-reloaded")
    page.go_back()
    page.wait_for_selector('#unit-list-box[data-sort="-flaeche"]')

    # Status change: confirmation, and the unit says it leaves the filter before it goes
    test_row = f'#unit-list li[data-unit="{created["id"]}"]'
    page.goto(f"{app_url}/?status=vacant&status=reserved&centre=erfurt-altstadt&sort=-flaeche")
    wait_for_map(page)
    tap(page, test_row)
    page.wait_for_selector(f'.unit-popup[data-unit="{created["id"]}"]')
    # Survey details in the dialog: German numbers as typed, an error names the field by its label
    page.click(".unit-popup button.edit")
    page.wait_for_selector("#unit-dialog[open]")
    page.fill("#unit-form input[name=asking_rent]", "9,50 €")
    page.fill("#unit-form input[name=postcode]", "99O84")
    page.select_option("#unit-form select[name=floor]", "EG")
    page.select_option("#unit-form select[name=category]", "gastronomy")
    page.click("#unit-form button.primary")
    page.wait_for_selector("#unit-form .form-error:not([hidden])")
    assert "PLZ: " in page.inner_text("#unit-form .form-error") and "postcode" not in page.inner_text("#unit-form")
    shot(page, f"{name}-de-09-dialog-error")
    page.fill("#unit-form input[name=postcode]", "99084")
    page.click("#unit-form button.primary")
    page.locator("#map-message.success", has_text="Angaben").wait_for()
    edited = Unit.objects.get(pk=created["id"])
    assert (float(edited.asking_rent), edited.postcode, edited.category) == (9.5, "99084", "gastronomy")
    tap(page, test_row)
    page.wait_for_selector(f'.unit-popup[data-unit="{created["id"]}"]')
    page.select_option(".status-form select[name=status]", "occupied")
    page.fill(".status-form input[name=note]", "Neuer Mieter")
    shot(page, f"{name}-de-10-status-form")
    page.click(".status-form button[type=submit]")
    page.wait_for_selector("#map-message.success")
    page.locator("#map-message", has_text="Filter").wait_for()
    text = page.inner_text("#map-message")
    assert "Gespeichert" in text and "genutzt" in text and "passt nicht mehr zum Filter" in text
    shot(page, f"{name}-de-11-status-saved")
    page.wait_for_selector(test_row, state="detached")
    assert Unit.objects.get(pk=created["id"]).status == "occupied"
    assert page.errors == []


def test_english_map_has_no_german_interface_text(device, app_url):
    name, open_page = device
    page = open_page("en-GB")
    log_in(page, app_url, "stadt-erfurt")
    page.goto(f"{app_url}/?centre=erfurt-altstadt&status=vacant")
    wait_for_map(page)
    first = rows(page)[0]
    tap(page, f'#unit-list li[data-unit="{first}"]')
    page.wait_for_selector(".unit-popup")
    page.click(".filters summary")
    shot(page, f"{name}-en-01-map")
    text = page.text_content(".map-layout")  # also what is folded away (legend on the tablet, hidden labels)
    found = [word for word in GERMAN_UI if word in text]
    assert found == []
    assert "vacant" in page.text_content("#legend") and "Last checked".lower() in page.inner_text(".unit-popup").lower()
    assert page.errors == []


def test_an_invalid_filter_in_the_url_is_named_and_the_map_lives(device, app_url):
    name, open_page = device
    page = open_page()
    page.goto(f"{app_url}/?min_area=abc&status=vacant")
    page.wait_for_selector("#filter-errors")
    assert "Fläche ab (m²)" in page.inner_text("#filter-errors") and "min_area" not in page.inner_text("#filter-errors")
    page.wait_for_selector("#map-message.error")
    page.wait_for_selector("#map[data-labels]")
    assert int(page.get_attribute("#map", "data-labels")) > 0  # the centres are drawn, with labels
    shot(page, f"{name}-de-12-invalid-filter")
    assert page.errors == []


def test_a_popup_opened_from_the_list_is_not_hidden_under_the_legend(browser, app_url):
    """Desktop: the legend is open over the map's right side; a unit there, opened from the list, must show its
    fields and buttons (the popup used to open under the legend)."""
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", **DEVICES["desktop"])
    page = context.new_page()
    log_in(page, app_url, "stadt-erfurt")
    page.goto(f"{app_url}/?status=vacant&status=reserved&centre=erfurt-altstadt")
    wait_for_map(page)
    assert page.get_attribute("#legend", "open") is not None
    unit = rows(page)[0]
    # Move the map so that this unit's marker sits under the lower left part of the legend
    page.evaluate("""(id) => {
        const map = window.registryLeafletMap;
        const item = document.querySelector(`#unit-list li[data-unit="${id}"]`);
        const legend = document.getElementById("legend").getBoundingClientRect();
        const box = document.getElementById("map").getBoundingClientRect();
        const now = map.latLngToContainerPoint([Number(item.dataset.lat), Number(item.dataset.lon)]);
        map.panBy(now.subtract(L.point(legend.left - box.left + 40, legend.bottom - box.top - 40)), {animate: false});
    }""", unit)
    page.wait_for_timeout(500)
    page.click(f'#unit-list li[data-unit="{unit}"]')
    page.wait_for_selector(f'.unit-popup[data-unit="{unit}"]')
    page.wait_for_timeout(400)  # the popup's auto-pan
    popup = page.locator(".leaflet-popup").bounding_box()
    legend = page.locator("#legend").bounding_box()
    overlap = (popup["x"] < legend["x"] + legend["width"] and legend["x"] < popup["x"] + popup["width"]
               and popup["y"] < legend["y"] + legend["height"] and legend["y"] < popup["y"] + popup["height"])
    page.screenshot(path=str(ARTIFACTS / "desktop-de-13-popup-beside-legend.png"))
    assert not overlap
    page.click("#legend summary")  # the legend comes back on request
    assert page.get_attribute("#legend", "open") is not None
    context.close()


def test_adding_on_the_tablet_places_the_unit_where_a_marker_already_sits(browser, app_url):
    """In a dense centre every spot is under some 44 px marker: in adding mode a tap there opens the add dialog,
    not the existing unit's popup."""
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", **DEVICES["tablet"])
    page = context.new_page()
    log_in(page, app_url, "stadt-erfurt")
    page.goto(f"{app_url}/?centre=erfurt-altstadt")
    wait_for_map(page)
    page.locator("#add-unit").tap()
    marker = page.locator(".unit-marker").first.bounding_box()
    page.touchscreen.tap(marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2)
    page.wait_for_selector("#unit-dialog[open]")
    assert page.locator(".unit-popup").count() == 0
    page.screenshot(path=str(ARTIFACTS / "tablet-de-14-add-over-marker.png"))
    page.click("#unit-form [data-close]")
    context.close()
