"""Begehungsliste on a tablet (820 × 1180, touch) and on paper (A4), in Debian's Chromium."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from registry.places.models import TownCentre
from registry.units.models import Unit
from registry.units.walk import due_units

from ..conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
TABLET = {"viewport": {"width": 820, "height": 1180}, "has_touch": True, "is_mobile": True,
          "device_scale_factor": 1, "locale": "de-DE", "timezone_id": "Europe/Berlin"}


@pytest.fixture
def tablet(browser, app_url):
    context = browser.new_context(**TABLET)
    page = context.new_page()

    def log_in(username):
        page.goto(f"{app_url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "demo")
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{app_url}/")
    page.log_in = log_in
    yield page
    context.close()


@pytest.fixture
def restore_checks(committed):
    """The live server commits; put the demo units' check dates back afterwards."""
    units = due_units(Unit.objects.all(), TownCentre.objects.get(slug="erfurt-altstadt"))
    saved = [(unit.pk, unit.last_checked) for unit in units[:3]]
    yield [unit.pk for unit in units]
    for pk, day in saved:
        committed("UPDATE units_unit SET last_checked = %s WHERE id = %s", [day, pk])


def test_a_city_manager_works_through_the_walk_list_on_a_tablet_and_prints_it(tablet, app_url, restore_checks):
    page = tablet
    ARTIFACTS.mkdir(exist_ok=True)
    page.log_in("stadt-erfurt")
    # from the map, one link away
    page.get_by_role("link", name="Begehungsliste").first.tap()
    page.get_by_role("link", name="Erfurt Altstadt").tap()
    page.wait_for_url(f"{app_url}/begehung/erfurt-altstadt/")
    rows = page.locator("#liste tbody tr")
    assert rows.count() == len(restore_checks)
    first = rows.first
    unit_id = int(first.get_attribute("data-unit"))
    assert unit_id == restore_checks[0]
    button = first.get_by_role("button", name="Geprüft")
    box = button.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # WCAG 2.5.5 touch target
    assert page.evaluate("document.documentElement.scrollWidth") <= 820  # no sideways scrolling
    page.screenshot(path=str(ARTIFACTS / "walk-tablet-before.png"))

    button.tap()
    status = page.locator("#walk-status")
    status.wait_for(state="visible")
    today = timezone.localdate()
    assert "als geprüft am " + today.strftime("%d.%m.%Y") in status.inner_text()
    assert "Geprüft am " + today.strftime("%d.%m.%Y") in first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "walk-tablet-confirmed.png"))

    page.reload()
    assert page.locator(f'#liste tr[data-unit="{unit_id}"]').count() == 0
    assert page.locator("#liste tbody tr").count() == len(restore_checks) - 1
    detail = page.request.get(f"{app_url}/api/units/{unit_id}/").json()
    assert detail["last_checked"] == today.isoformat()  # Berlin's today, as the service wrote it

    # on paper: A4, no navigation or buttons, a box to tick and room for notes
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "walk-print.png"), full_page=True)
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("#liste button").first.is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "walk-a4.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5  # A4 in points (Chromium rounds to 596 × 843)
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Begehungsliste Erfurt Altstadt" in text and "Notiz" in text
    assert "Abmelden" not in text and "Drucken" not in text

    # the same list on a desktop screen, for the screenshots at both sizes
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "walk-desktop.png"))


def test_a_jena_manager_can_neither_open_nor_mark_erfurts_list(tablet, app_url):
    page = tablet
    page.log_in("stadt-jena")
    response = page.goto(f"{app_url}/begehung/erfurt-altstadt/")
    assert response.status == 403
    unit = Unit.objects.filter(centre__slug="erfurt-altstadt").first()
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    answer = page.request.post(f"{app_url}/api/units/{unit.pk}/checked/", data={"version": unit.version},
                               headers={"X-CSRFToken": csrf, "Referer": app_url + "/"})
    assert answer.status == 403
    page.goto(f"{app_url}/begehung/")
    assert page.get_by_role("link", name="Jena Innenstadt").count() == 1
    assert page.get_by_role("link", name="Erfurt Altstadt").count() == 0
