"""The map in real Chromium on a desktop (mouse, 1366×900) and two touch tablets (1024×768, 800×1280, taps):
an open legend never hides a popup, also a tall one with its „Verlauf“; at state-wide zoom the centres are
readable; adding a unit is offered only where the user may add; a marker finds its row in the paged list.
Screenshots go to test-artifacts/ (not committed)."""

import pytest

from ..conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
DEVICES = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "tablet-landscape": {"viewport": {"width": 1024, "height": 768}, "has_touch": True},
    "tablet-portrait": {"viewport": {"width": 800, "height": 1280}, "has_touch": True},
}


@pytest.fixture(params=list(DEVICES))
def device(request, browser, app_url):
    context = browser.new_context(**DEVICES[request.param], locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.device, page.touch = request.param, DEVICES[request.param].get("has_touch", False)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    ARTIFACTS.mkdir(exist_ok=True)
    yield page
    context.close()


def log_in(page, app_url, username):
    page.goto(f"{app_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{app_url}/")


def tap(page, selector):
    locator = page.locator(selector).first
    locator.tap() if page.touch else locator.click()


def settle(page):
    page.wait_for_timeout(400)  # animations (pan, zoom) and the data they fetch
    page.wait_for_load_state("networkidle")


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.device}.png"))


def overlap(a, b):
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def test_an_open_legend_never_covers_a_popup_even_with_its_timeline(device, app_url):
    """A marker high on the map beside the open legend: Leaflet pans the map down to fit the popup, which used to
    end under the legend (its „Verlauf“ button unreachable). The legend folds while the popup is open and comes
    back when it closes."""
    page = device
    log_in(page, app_url, "stadt-erfurt")
    page.goto(f"{app_url}/?centre=erfurt-altstadt")
    page.wait_for_selector("#map[data-units]")
    if page.get_attribute("#legend", "open") is None:
        tap(page, "#legend summary")  # tablets start with the legend folded; this user opens it
    assert page.get_attribute("#legend", "open") is not None
    unit = page.eval_on_selector("#unit-list li[data-unit]", "li => li.dataset.unit")
    page.evaluate("""(id) => {
        const map = window.registryLeafletMap;
        const item = document.querySelector(`#unit-list li[data-unit="${id}"]`);
        const here = [Number(item.dataset.lat), Number(item.dataset.lon)];
        const legend = document.getElementById("legend").getBoundingClientRect();
        const box = document.getElementById("map").getBoundingClientRect();
        map.setView(here, 18, {animate: false});
        const now = map.latLngToContainerPoint(here);
        map.panBy(now.subtract(L.point(legend.left - box.left - 100, 70)), {animate: false});
    }""", unit)
    settle(page)
    legend_before = page.locator("#legend").bounding_box()
    tap(page, f'#unit-list li[data-unit="{unit}"]')
    page.wait_for_selector(f'.unit-popup[data-unit="{unit}"]')
    settle(page)
    assert not overlap(page.locator(".leaflet-popup").bounding_box(), page.locator("#legend").bounding_box())

    tap(page, ".unit-popup .timeline-toggle")
    page.wait_for_selector(".unit-popup .timeline-list")
    settle(page)
    popup = page.locator(".leaflet-popup").bounding_box()
    shot(page, "karte-popup-verlauf-legende")
    assert not overlap(popup, page.locator("#legend").bounding_box())
    frame = page.locator("#map").bounding_box()
    assert frame["y"] <= popup["y"] and popup["y"] + popup["height"] <= frame["y"] + frame["height"]
    # every entry of the timeline is reachable: what lies under the popup's centre is the popup itself
    x, y = popup["x"] + popup["width"] / 2, popup["y"] + popup["height"] - 30
    assert page.evaluate("([x, y]) => !!document.elementFromPoint(x, y).closest('.leaflet-popup')", [x, y])

    tap(page, ".leaflet-popup-close-button")
    page.wait_for_timeout(300)
    assert page.get_attribute("#legend", "open") is not None  # back as the user had it
    assert page.locator("#legend").bounding_box() == legend_before
    assert page.errors == []
