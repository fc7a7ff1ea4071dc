"""Back-dating a status from the map, in a real Chromium: within the rules it is saved (and keeps the use), outside
them the server's German message is shown naming „Datum“ — also for a day after today, which the date field's own
check used to block with the browser's message in the browser's language."""

import datetime

import pytest

from registry.units.models import Occupancy, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TEST_STREET = "Teststraße Rückdatierung"


@pytest.fixture
def cleanup(committed):
    yield
    committed("""WITH gone AS (DELETE FROM units_occupancy o USING units_unit u
                  WHERE o.unit_id = u.id AND u.street = %s RETURNING o.unit_id)
                 DELETE FROM units_unit WHERE id IN (SELECT unit_id FROM gone)""", [TEST_STREET])


def create_unit(page, since):
    """A retail unit vacant since `since`, through the map's own write API (a committed row the server sees)."""
    result = page.evaluate("""async ([street, since]) => {
        const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
        const r = await fetch("/api/units/", {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": token},
          body: JSON.stringify({street: street, house_number: "1", category: "retail", status: "vacant",
                                since: since, location: [10.9950, 50.9330]})});
        return [r.status, await r.json()]; }""", [TEST_STREET, since.isoformat()])
    assert result[0] == 200, result
    return result[1]


def open_popup(page):
    page.evaluate("() => window.registryLeafletMap.setView([50.9330, 10.9950], 18, {animate: false})")
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")
    page.locator(f'.leaflet-marker-icon[title="{TEST_STREET} 1"]').click()
    page.wait_for_selector(".status-form")


def submit_status(page, status, date):
    page.select_option(".status-form select[name=status]", status)
    page.fill(".status-form input[name=date]", date.isoformat())
    with page.expect_response("**/status/") as answer:
        page.click(".status-form button[type=submit]")
    return answer.value


def test_back_dating_from_the_map(page, app_url, cleanup, log_in):
    today = datetime.date.today()
    since = today - datetime.timedelta(days=30)
    log_in("stadt-erfurt")
    page.wait_for_selector("#map[data-units]")
    unit = create_unit(page, since)

    # a day after today: the server's German message, not the browser's, and nothing written
    open_popup(page)
    answer = submit_status(page, "reserved", today + datetime.timedelta(days=1))
    assert answer.status == 400
    page.wait_for_selector("#map-message.error")
    assert "Datum: Das Datum darf nicht in der Zukunft liegen." in page.text_content("#map-message")

    # before the current status began: refused with the start date
    answer = submit_status(page, "reserved", since - datetime.timedelta(days=1))
    assert answer.status == 400
    page.wait_for_selector("#map-message.error")
    assert f"Datum: Das Datum liegt vor dem Beginn des aktuellen Status ({since:%d.%m.%Y})." \
        in page.text_content("#map-message")
    assert Unit.objects.get(pk=unit["id"]).version == unit["version"]

    # within the rules: ten days back, only the status changes — saved, the use kept
    ten_days_ago = today - datetime.timedelta(days=10)
    answer = submit_status(page, "reserved", ten_days_ago)
    assert answer.status == 200, answer.text()
    page.wait_for_selector("#map-message.success")
    assert list(Occupancy.objects.filter(unit_id=unit["id"]).values_list("status", "valid_from", "valid_to",
                                                                         "category")) == [
        ("vacant", since, ten_days_ago, ""), ("reserved", ten_days_ago, None, "retail")]
    assert Unit.objects.get(pk=unit["id"]).vacant_since == since
