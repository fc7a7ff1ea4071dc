"""A city manager marks, moves and closes a vacancy on the map, in a real Chromium."""

import datetime

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from registry.units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

QUIET_SPOT = (50.9330, 10.9950)  # Erfurt, a residential block west of the Altstadt without demo units
TEST_STREET = "Teststraße Browser"


@pytest.fixture
def cleanup(committed):
    yield
    committed("""WITH gone AS (DELETE FROM units_occupancy o USING units_unit u
                  WHERE o.unit_id = u.id AND u.street = %s RETURNING o.unit_id)
                 DELETE FROM units_unit WHERE id IN (SELECT unit_id FROM gone)""", [TEST_STREET])




def show(page, lat, lon, zoom):
    page.evaluate("([lat, lon, zoom]) => window.registryLeafletMap.setView([lat, lon], zoom, {animate: false})",
                  [lat, lon, zoom])
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")


def test_city_manager_adds_moves_and_lets_a_unit(page, app_url, cleanup, screenshot, log_in):
    page.on("dialog", lambda dialog: dialog.accept())
    log_in("stadt-erfurt")
    page.wait_for_selector("#map[data-units]")
    show(page, *QUIET_SPOT, 18)

    for _attempt in range(3):  # a tap during a map animation is ignored by Leaflet, as on a tablet
        if page.get_attribute("#add-unit", "aria-pressed") != "true":
            page.click("#add-unit")
        page.click("#map", position={"x": 300, "y": 250})
        try:
            page.wait_for_selector("#unit-dialog[open]", timeout=5000)
            break
        except PlaywrightTimeout:
            page.wait_for_timeout(500)
    page.fill("#unit-form input[name=street]", TEST_STREET)
    page.fill("#unit-form input[name=house_number]", "1")
    page.fill("#unit-form input[name=floor_area]", "80,5")
    page.select_option("#unit-form select[name=status]", "vacant")
    since = datetime.date.today() - datetime.timedelta(days=30)
    page.fill("#unit-form input[name=since]", since.isoformat())
    screenshot("marking-form")
    page.click("#unit-form button.primary")
    page.wait_for_selector(f'.leaflet-marker-icon[title="{TEST_STREET} 1"]')
    unit = Unit.objects.get(street=TEST_STREET)
    assert (unit.status, unit.vacant_since, float(unit.floor_area)) == ("vacant", since, 80.5)

    page.reload()
    page.wait_for_selector("#map[data-units]")
    show(page, *QUIET_SPOT, 18)
    marker = page.locator(f'.leaflet-marker-icon[title="{TEST_STREET} 1"]')
    box = marker.bounding_box()
    page.mouse.move(box["x"] + 7, box["y"] + 7)
    page.mouse.down()
    page.mouse.move(box["x"] + 80, box["y"] + 60, steps=8)
    page.mouse.up()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    moved = Unit.objects.get(street=TEST_STREET)
    assert moved.location.distance(unit.location) > 0.0001
    assert moved.version > unit.version

    # back-dated before the vacancy began: refused, the field named as the form names it, nothing written
    page.locator(f'.leaflet-marker-icon[title="{TEST_STREET} 1"]').click()
    page.select_option(".status-form select[name=status]", "reserved")
    page.fill(".status-form input[name=date]", (since - datetime.timedelta(days=1)).isoformat())
    page.click(".status-form button[type=submit]")
    page.wait_for_selector("#map-message.error")
    refusal = page.text_content("#map-message")
    assert f"Datum: Das Datum liegt vor dem Beginn des aktuellen Status ({since:%d.%m.%Y})." in refusal, refusal
    assert "on_date" not in refusal
    assert Unit.objects.get(street=TEST_STREET).intervals.count() == 1

    # two changes on one day: both kept, with the note, in order
    page.fill(".status-form input[name=date]", datetime.date.today().isoformat())
    page.fill(".status-form input[name=note]", "Interessent: Bäckerei Müller")
    page.click(".status-form button[type=submit]")
    page.wait_for_selector("#map-message.success")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    page.locator(f'.leaflet-marker-icon[title="{TEST_STREET} 1"]').click()
    page.select_option(".status-form select[name=status]", "occupied")
    page.fill(".status-form input[name=note]", "Neuer Mieter: Café")
    screenshot("marking-status")
    page.click(".status-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    let = Unit.objects.get(street=TEST_STREET)
    assert let.status == "occupied" and let.vacant_since is None
    today = datetime.date.today()
    assert list(let.intervals.values_list("status", "valid_from", "valid_to", "note")) == [
        ("vacant", since, today, ""), ("reserved", today, today, "Interessent: Bäckerei Müller"),
        ("occupied", today, None, "Neuer Mieter: Café")]


def test_no_edit_controls_outside_the_own_municipality(page, app_url, log_in):
    log_in("stadt-erfurt")
    page.goto(f"{app_url}/?centre=jena-innenstadt")
    page.wait_for_selector("#map[data-units]")
    assert page.locator(".leaflet-marker-draggable").count() == 0
    jena = Unit.objects.filter(municipality__ags="16053000").first()
    status = page.evaluate("""async ([id, version]) => {
        const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
        const r = await fetch(`/api/units/${id}/status/`, {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": token},
          body: JSON.stringify({version: version, status: "vacant"})});
        return r.status; }""", [jena.pk, jena.version])
    assert status == 403


def test_a_second_write_from_a_popup_drawn_before_the_first_was_reloaded(page, app_url, cleanup, log_in):
    """The map's data may arrive late (a slow line, or a popup open while it comes): a popup drawn from data
    older than the last write must still send the unit's newest version, not be refused as stale."""
    log_in("stadt-erfurt")
    page.wait_for_selector("#map[data-units]")
    show(page, *QUIET_SPOT, 18)
    for _attempt in range(3):
        if page.get_attribute("#add-unit", "aria-pressed") != "true":
            page.click("#add-unit")
        page.click("#map", position={"x": 300, "y": 250})
        try:
            page.wait_for_selector("#unit-dialog[open]", timeout=5000)
            break
        except PlaywrightTimeout:
            page.wait_for_timeout(500)
    page.fill("#unit-form input[name=street]", TEST_STREET)
    page.fill("#unit-form input[name=house_number]", "2")
    page.select_option("#unit-form select[name=status]", "vacant")
    page.click("#unit-form button.primary")
    marker = page.locator(f'.leaflet-marker-icon[title="{TEST_STREET} 2"]')
    marker.wait_for()
    page.wait_for_load_state("networkidle")

    page.route("**/api/map/units.json*", lambda route: route.abort())  # the reload after the write never arrives
    marker.click()
    with page.expect_response("**/checked/") as answer:
        page.click(".status-form button.checked")
    assert answer.value.status == 200, answer.value.text()
    page.wait_for_selector(".unit-popup", state="detached")
    assert Unit.objects.get(street=TEST_STREET, house_number="2").last_checked is not None
    marker.click()
    page.select_option(".status-form select[name=status]", "reserved")
    with page.expect_response("**/status/") as answer:
        page.click(".status-form button[type=submit]")
    assert answer.value.status == 200, answer.value.text()  # not 409 "inzwischen geändert"
    assert Unit.objects.get(street=TEST_STREET, house_number="2").status == "reserved"
