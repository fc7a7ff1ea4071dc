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


def visible_labels(page):
    return page.eval_on_selector_all(".centre-label:not(.hidden-label) span", """spans => spans.map(s => {
        const r = s.getBoundingClientRect(); return {x: r.left, y: r.top, width: r.width, height: r.height}; })""")


def test_state_wide_the_centres_are_readable_and_units_come_when_zooming_in(device, app_url):
    """Zoomed out over Thuringia the map shows the centres (symbol, name, rate) and a hint; no unit symbols or counts
    bury them; no label is cut at the edge or hidden under the buttons or the legend. From zoom 10 the units come,
    and the centres' names stay above them."""
    page = device
    log_in(page, app_url, "admin")  # the whole register: 5,470 units
    page.goto(f"{app_url}/")
    page.wait_for_selector("#map[data-units]")
    settle(page)
    shot(page, "karte-thueringen")
    assert page.get_attribute("#map", "data-kind") == "centres"
    assert page.locator(".unit-marker, .count-marker").count() == 0
    assert page.is_visible("#zoom-hint")
    assert "hineinzoomen" in page.inner_text("#zoom-hint")
    labels = visible_labels(page)
    assert len(labels) >= 10, labels
    frame = page.locator("#map").bounding_box()
    controls = [page.locator(selector).bounding_box() for selector in
                (".leaflet-control-zoom", ".map-tools", "#legend", "#zoom-hint")]
    for i, label in enumerate(labels):
        assert frame["x"] <= label["x"] and label["x"] + label["width"] <= frame["x"] + frame["width"], label
        assert frame["y"] <= label["y"] and label["y"] + label["height"] <= frame["y"] + frame["height"], label
        assert not any(overlap(label, control) for control in controls if control), label
        assert not any(overlap(label, other) for other in labels[i + 1:]), label

    # a tap on Erfurt's symbol zooms to the centre: its units come, the hint goes
    page.evaluate("window.registryLeafletMap.setView([50.95, 11.2], 10, {animate: false})")
    settle(page)
    page.wait_for_selector("#map[data-kind=municipalities]")
    assert page.locator(".count-marker").count() > 0 and page.is_hidden("#zoom-hint")
    panes = page.evaluate("""() => ['markerPane', 'centreLabels'].map(
        name => Number(getComputedStyle(window.registryLeafletMap.getPane(name)).zIndex))""")
    assert panes[1] > panes[0]  # names above unit symbols and counts
    shot(page, "karte-zoom-10")
    assert page.errors == []


def test_a_filter_is_answered_on_the_map_at_any_zoom(device, app_url):
    page = device
    log_in(page, app_url, "analyst")
    page.goto(f"{app_url}/?status=vacant&ansicht=8/50.9/11.1")
    page.wait_for_selector("#map[data-units]")
    assert page.get_attribute("#map", "data-kind") in ("units", "municipalities")  # the filter's answer
    assert int(page.get_attribute("#map", "data-units")) > 0 and page.is_hidden("#zoom-hint")


OUTSIDE_ERFURT_IN_ITS_BOX = "14/50.89498/10.85931"  # 5 km outside Erfurt, within the rectangle around it


def test_adding_is_offered_only_where_the_city_manager_may_add(device, app_url):
    page = device
    log_in(page, app_url, "stadt-erfurt")
    page.goto(f"{app_url}/?ansicht={OUTSIDE_ERFURT_IN_ITS_BOX}")
    page.wait_for_selector("#map[data-units]")
    settle(page)
    # the view shows only neighbours: disabled, and said why, with a way there
    assert page.is_disabled("#add-unit")
    assert page.is_visible("#add-note")
    assert ("Einheiten anlegen können Sie nur in Ihrer Gemeinde (Erfurt)" in page.inner_text("#add-note"))
    assert page.locator("#add-go-there").bounding_box()["height"] >= 44
    shot(page, "karte-hinzufuegen-ausserhalb")
    tap(page, "#add-go-there")
    settle(page)
    assert page.is_enabled("#add-unit") and page.is_hidden("#add-note")

    # the whole state in view (Erfurt among it): a tap in eastern Thuringia is answered before any dialog opens
    page.evaluate("window.registryLeafletMap.setView([50.85, 11.6], 8, {animate: false})")
    settle(page)
    assert page.is_enabled("#add-unit")
    tap(page, "#add-unit")
    # a free spot of the map east of Weimar (no centre symbol, button or legend there)
    x, y = page.evaluate("""() => { const map = window.registryLeafletMap, box = map.getContainer().getBoundingClientRect();
        for (let lat = 50.6; lat < 51.2; lat += 0.04) for (let lon = 11.5; lon < 12.3; lon += 0.04) {
          const p = map.latLngToContainerPoint([lat, lon]), x = box.left + p.x, y = box.top + p.y;
          const hit = document.elementFromPoint(x, y);
          if (hit && hit.closest("#map") && !hit.closest(".leaflet-interactive, .leaflet-control, .map-tools, #legend"))
            return [x, y];
        } }""")
    page.touchscreen.tap(x, y) if page.touch else page.mouse.click(x, y)
    page.wait_for_selector("#map-message.error")
    assert page.inner_text("#map-message") == (
        "Hier dürfen Sie keine Einheit anlegen: der Ort liegt außerhalb Ihrer Gemeinde (Erfurt).")
    assert page.locator("#unit-dialog[open]").count() == 0
    assert page.get_attribute("#add-unit", "aria-pressed") == "false"
    shot(page, "karte-hinzufuegen-gera")
    assert page.errors == []


def test_the_administrator_may_add_anywhere(device, app_url):
    page = device
    log_in(page, app_url, "admin")
    page.goto(f"{app_url}/?ansicht={OUTSIDE_ERFURT_IN_ITS_BOX}")
    page.wait_for_selector("#map[data-units]")
    assert page.is_enabled("#add-unit") and page.is_hidden("#add-note")


def test_a_marker_finds_its_row_on_another_page_of_the_list(device, app_url):
    """Erfurt's Altstadt: 24 pages of 25 rows, sorted by address. A marker whose row is on page 7 turns the list to
    page 7 and marks the row; the user is told where it is. Where the list is a column beside the map it scrolls to
    the row; where it is below the map (tablet upright) the page stays where it is, with the popup in view."""
    from registry.maps import views
    from registry.units.models import Unit

    page = device
    log_in(page, app_url, "stadt-erfurt")
    page.goto(f"{app_url}/?centre=erfurt-altstadt")
    page.wait_for_selector("#map[data-units]")
    assert page.get_attribute("#unit-list-box", "data-page") == "1"
    ordered = list(Unit.objects.filter(centre__slug="erfurt-altstadt").order_by(*views._order("adresse", False))
                   .values_list("pk", "street", "house_number", "location"))
    pk, street, number, location = ordered[160]  # row 161: page 7
    page.evaluate("([lat, lon]) => window.registryLeafletMap.setView([lat, lon], 19, {animate: false})",
                  [location.y, location.x])
    settle(page)
    marker = page.locator(f'.leaflet-marker-icon[title="{street} {number}"]').first
    marker.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    marker.tap() if page.touch else marker.click()
    page.wait_for_selector(f'#unit-list li[data-unit="{pk}"].selected')
    assert page.get_attribute("#unit-list-box", "data-page") == "7"
    assert "seite=7" in page.url
    assert page.inner_text("#map-message") == "In der Liste: Nr. 161 auf Seite 7 (jetzt aufgeschlagen)."
    assert page.is_visible(f'.unit-popup[data-unit="{pk}"]')
    row = page.locator(f'#unit-list li[data-unit="{pk}"]').bounding_box()
    if page.evaluate("getComputedStyle(document.querySelector('.sidebar')).overflowY") == "auto":  # a column
        column = page.locator(".sidebar").bounding_box()
        # scrolled into view (1 px of slack: the browser aligns the row's edge in sub-pixels)
        assert column["y"] - 1 <= row["y"] and row["y"] + row["height"] <= column["y"] + column["height"] + 1
    else:
        assert page.evaluate("window.scrollY") == scrolled  # the map and its popup stay in view
    shot(page, "karte-marker-listenseite")

    # a marker on the page shown: marked at once, no message, no other page
    other = ordered[170]
    page.click(".leaflet-popup-close-button") if not page.touch else page.locator(".leaflet-popup-close-button").tap()
    page.evaluate("([lat, lon]) => window.registryLeafletMap.setView([lat, lon], 19, {animate: false})",
                  [other[3].y, other[3].x])
    settle(page)
    marker = page.locator(f'.leaflet-marker-icon[title="{other[1]} {other[2]}"]').first
    marker.tap() if page.touch else marker.click()
    page.wait_for_selector(f'#unit-list li[data-unit="{other[0]}"].selected')
    assert page.get_attribute("#unit-list-box", "data-page") == "7"
    assert page.errors == []
