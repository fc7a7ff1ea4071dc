"""The unit's timeline on the map, in a real Chromium: a city manager opens it from the popup and undoes a mistaken
change; in English nothing of it is German."""

import datetime

import pytest

from registry.units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TEST_STREET = "Teststraße Verlauf"
SPOT = (50.9330, 10.9950)  # Erfurt, west of the Altstadt, no demo units
# Interface texts of the timeline that must not show in English (the data, e.g. notes, may be German).
GERMAN_UI = ["Verlauf", "Rückgängig", "Erfasst", "erfasst", " von ", "Nutzung", "genutzt", "leer", "über ",
             "Einzelhandel", "Karte", "Angaben", "Bezeichnung", "Verschoben"]


@pytest.fixture
def cleanup(committed):
    yield
    committed("""WITH gone AS (DELETE FROM units_occupancy o USING units_unit u
                  WHERE o.unit_id = u.id AND u.street = %s RETURNING o.unit_id)
                 DELETE FROM units_unit WHERE id IN (SELECT unit_id FROM gone)""", [TEST_STREET])


def call(page, url, body):
    """The map's own write API, as the logged-in user (committed rows the live server sees)."""
    return page.evaluate("""async ([url, body]) => {
        const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
        const r = await fetch(url, {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": token}, body: JSON.stringify(body)});
        return [r.status, await r.json()]; }""", [url, body])


def mistaken_unit(page):
    """Vacant for 30 days, then by mistake set to „genutzt“ five days ago."""
    today = datetime.date.today()
    status, unit = call(page, "/api/units/", {
        "street": TEST_STREET, "house_number": "1", "category": "retail", "status": "vacant",
        "since": (today - datetime.timedelta(days=30)).isoformat(), "location": [SPOT[1], SPOT[0]]})
    assert status == 200, unit
    status, unit = call(page, f"/api/units/{unit['id']}/status/", {
        "version": unit["version"], "status": "occupied", "date": (today - datetime.timedelta(days=5)).isoformat(),
        "note": "versehentlich"})
    assert status == 200, unit
    return unit


def open_timeline(page):
    page.evaluate("([lat, lon]) => window.registryLeafletMap.setView([lat, lon], 18, {animate: false})", list(SPOT))
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")
    page.locator(f'.leaflet-marker-icon[title="{TEST_STREET} 1"]').click()
    page.click(".unit-popup .timeline-toggle")
    try:
        page.wait_for_selector(".unit-popup .timeline-list", timeout=5000)
    except Exception:
        print("POPUP", page.inner_html(".unit-popup"))
        raise


def test_a_city_manager_undoes_a_mistaken_status_change_from_the_timeline(page, app_url, cleanup, log_in,
                                                                           screenshot):
    today = datetime.date.today()
    five_days_ago = today - datetime.timedelta(days=5)
    log_in("stadt-erfurt")
    page.wait_for_selector("#map[data-units]")
    unit = mistaken_unit(page)

    open_timeline(page)
    first = page.locator(".timeline-entry").first
    assert first.locator("time").text_content() == f"{five_days_ago:%d.%m.%Y}"
    assert first.locator("strong").text_content() == "Status: leer → genutzt"
    assert first.locator(".timeline-note").text_content() == "versehentlich"
    assert "stadt-erfurt" in first.locator(".timeline-meta").text_content()
    screenshot("timeline-open")

    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    with page.expect_response("**/restore/") as answer:
        first.locator("button.timeline-undo").click()
    assert answer.value.status == 200, answer.value.text()
    assert "rückgängig machen?" in dialogs[0] and "leer → genutzt" in dialogs[0]
    page.wait_for_selector("#map-message.success")
    assert "ist wieder „leer“" in page.text_content("#map-message")

    restored = Unit.objects.get(pk=unit["id"])
    assert restored.status == "vacant" and restored.vacant_since == today - datetime.timedelta(days=30)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    open_timeline(page)
    assert "leer" in page.locator(".unit-popup dl").text_content()  # the popup shows the old value again
    titles = page.locator(".timeline-entry strong").all_text_contents()
    assert titles[:2] == ["Rückgängig gemacht – Status: genutzt → leer", "Status: leer → genutzt"]
    assert "über Karte" in page.locator(".timeline-entry .timeline-meta").first.text_content()
    assert page.locator(".timeline-entry").first.locator(".timeline-note").count() == 0  # the title says it
    screenshot("timeline-restored")


def test_the_english_timeline_has_no_german_interface_text(browser, app_url, cleanup):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Berlin")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/accounts/login/")
        page.fill("input[name=username]", "stadt-erfurt")
        page.fill("input[name=password]", "demo")
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{app_url}/")
        page.wait_for_selector("#map[data-units]")
        unit = mistaken_unit(page)
        status, _unit = call(page, f"/api/units/{unit['id']}/", {"version": unit["version"], "name": "Laden",
                                                                  "floor_area": "80,5"})
        assert status == 200, _unit
        open_timeline(page)
        page.wait_for_selector(".timeline-entry.kind-edit")
        text = page.inner_text(".unit-popup .timeline").replace("versehentlich", "")
        assert [word for word in GERMAN_UI if word in text] == [], text
        assert "Undo" in text and "Status: vacant → occupied" in text and "Details changed" in text, text
        assert "Floor area (m²): – → 80.5" in text, text
    finally:
        context.close()


def test_an_analyst_reads_the_timeline_without_notes_names_or_undo(browser, page, app_url, cleanup, log_in):
    log_in("stadt-erfurt")
    page.wait_for_selector("#map[data-units]")
    mistaken_unit(page)
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    analyst = context.new_page()
    try:
        analyst.goto(f"{app_url}/accounts/login/")
        analyst.fill("input[name=username]", "analyst")
        analyst.fill("input[name=password]", "demo")
        analyst.click("form.login button[type=submit]")
        analyst.wait_for_url(f"{app_url}/")
        analyst.wait_for_selector("#map[data-units]")
        open_timeline(analyst)
        text = analyst.inner_text(".unit-popup .timeline")
        assert "Status: leer → genutzt" in text and "über Karte" in text
        assert "versehentlich" not in text and "stadt-erfurt" not in text
        assert analyst.locator(".timeline-undo").count() == 0
    finally:
        context.close()


@pytest.mark.parametrize("locale, vacant_since", [("de-DE", "leer seit"), ("en-GB", "vacant since")])
def test_the_popup_writes_its_dates_day_first_as_the_timeline_in_every_language(browser, app_url, cleanup, locale,
                                                                                vacant_since):
    since = datetime.date.today() - datetime.timedelta(days=30)
    context = browser.new_context(locale=locale, timezone_id="Europe/Berlin")
    page = context.new_page()
    try:
        page.goto(f"{app_url}/accounts/login/")
        page.fill("input[name=username]", "stadt-erfurt")
        page.fill("input[name=password]", "demo")
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{app_url}/")
        page.wait_for_selector("#map[data-units]")
        status, unit = call(page, "/api/units/", {
            "street": TEST_STREET, "house_number": "1", "category": "retail", "status": "vacant",
            "since": since.isoformat(), "location": [SPOT[1], SPOT[0]]})
        assert status == 200, unit
        open_timeline(page)
        facts = page.inner_text(".unit-popup dl")
        assert vacant_since in facts and f"{since:%d.%m.%Y}" in facts, facts  # not 29/05/2026 in English
        assert f"{since:%d.%m.%Y}" in page.inner_text(".unit-popup .timeline")  # the timeline's own style
    finally:
        context.close()
