"""The search area's drawing tools (Leaflet.draw on /gesuche/neu/) in real Chromium: German texts from the project's
JavaScript catalogue (English on the English page), 44 px buttons on touch screens, and no error after a tap."""

import pytest

from ..conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
DEVICES = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "tablet-landscape": {"viewport": {"width": 1024, "height": 768}, "has_touch": True},
    "tablet-portrait": {"viewport": {"width": 800, "height": 1280}, "has_touch": True},
}
ENGLISH_OF_THE_PLUGIN = ["Finish", "Clear All", "Delete last point", "Cancel", "Draw a polygon", "layers", "Error"]


@pytest.fixture(params=list(DEVICES))
def device(request, browser):
    context = browser.new_context(**DEVICES[request.param], locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.device, page.touch = request.param, DEVICES[request.param].get("has_touch", False)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def tap(page, target):
    if isinstance(target, str):
        page.locator(target).first.tap() if page.touch else page.locator(target).first.click()
    elif page.touch:
        page.touchscreen.tap(*target)
    else:
        page.mouse.click(*target)
    page.wait_for_timeout(250)


def open_form(page, app_url):
    page.goto(f"{app_url}/gesuche/neu/")
    page.wait_for_selector("#id_area-map .leaflet-draw-draw-polygon")
    page.locator("#id_area-map").scroll_into_view_if_needed()
    box = page.locator("#id_area-map").bounding_box()
    return lambda dx, dy: (box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)


def texts(page):
    """Everything Leaflet.draw shows or announces: button titles, the action bar, the tooltip."""
    titles = page.eval_on_selector_all("#id_area-map .leaflet-draw a", "links => links.map(a => a.title)")
    shown = page.eval_on_selector_all("#id_area-map .leaflet-draw-actions a, #id_area-map .leaflet-draw-tooltip",
                                      "nodes => nodes.map(n => n.textContent)")
    return " | ".join(titles + shown)


def test_the_drawing_tools_speak_german_and_fit_a_finger(device, app_url):
    page = device
    at = open_form(page, app_url)
    polygon = page.locator("#id_area-map .leaflet-draw-draw-polygon")
    assert polygon.get_attribute("title") == "Suchgebiet als Polygon zeichnen"
    buttons = ["#id_area-map .leaflet-draw-draw-polygon", "#id_area-map .leaflet-draw-draw-rectangle",
               "#id_area-map .leaflet-draw-edit-edit", "#id_area-map .leaflet-draw-edit-remove",
               "#id_area-map .leaflet-control-zoom-in"]
    sizes = [page.locator(selector).bounding_box() for selector in buttons]
    if page.touch:  # (pointer: coarse): the project's touch target
        assert all(box["width"] >= 44 and box["height"] >= 44 for box in sizes), sizes
    else:
        assert all(box["width"] >= 26 for box in sizes), sizes

    tap(page, "#id_area-map .leaflet-draw-draw-polygon")
    tap(page, at(60, -40))
    actions = page.locator("#id_area-map .leaflet-draw-actions:visible a")
    assert actions.all_inner_texts() == ["Fertig", "Letzten Punkt löschen", "Abbrechen"]
    if page.touch:
        assert all(actions.nth(i).bounding_box()["height"] >= 44 for i in range(actions.count()))
        # the tap's echo (the browser's emulated click) is neither an error nor a second corner
        tooltip = page.inner_text("#id_area-map .leaflet-draw-tooltip")
        assert tooltip == "Tippen oder klicken Sie auf die nächste Ecke.", tooltip
    assert page.locator("#id_area-map .leaflet-error-draw-tooltip").count() == 0
    tap(page, at(200, -40))
    tap(page, at(200, 100))
    hint, frame = (page.locator(selector).bounding_box() for selector in ("#id_area-map .leaflet-draw-tooltip",
                                                                          "#id_area-map"))
    assert frame["x"] <= hint["x"] and hint["x"] + hint["width"] <= frame["x"] + frame["width"], (hint, frame)
    page.screenshot(path=str(ARTIFACTS / f"gesuch-zeichenwerkzeuge-{page.device}.png"))
    tap(page, at(60, -40))  # the first corner closes the area
    assert '"MultiPolygon"' in page.input_value("#id_area")
    corners = page.evaluate("JSON.parse(document.getElementById('id_area').value).coordinates[0][0].length")
    assert corners == 4  # three corners and the closing one: no echo corners

    tap(page, "#id_area-map .leaflet-draw-edit-remove")
    assert page.locator("#id_area-map .leaflet-draw-actions:visible a").all_inner_texts() == [
        "Übernehmen", "Abbrechen", "Alles löschen"]
    shown = texts(page)
    assert not [word for word in ENGLISH_OF_THE_PLUGIN if word in shown], shown
    assert page.errors == []


def test_the_english_page_has_english_drawing_tools(device, app_url):
    page = device
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": app_url}])
    at = open_form(page, app_url)
    assert page.get_attribute("#id_area-map .leaflet-draw-draw-polygon", "title") == "Draw the search area as a polygon"
    tap(page, "#id_area-map .leaflet-draw-draw-polygon")
    tap(page, at(60, -40))
    assert page.locator("#id_area-map .leaflet-draw-actions:visible a").all_inner_texts() == [
        "Finish", "Delete last point", "Cancel"]
    shown = texts(page)
    assert not [word for word in ("Zeichnen", "Abbrechen", "Fertig", "Ecke", "Polygon zeichnen") if word in shown], shown
    page.screenshot(path=str(ARTIFACTS / f"gesuch-zeichenwerkzeuge-en-{page.device}.png"))
    assert page.errors == []
