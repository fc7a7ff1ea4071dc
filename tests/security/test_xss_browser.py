"""Stored XSS: a payload in every user-editable text, viewed in Chromium on every page that renders it (issue 15).

A `window` hook counts what the payload would run; the Content-Security-Policy is checked to be sent and never
violated (a violation would mean a page still needs an inline script, or markup slipped through as HTML and
only the CSP stopped it). Maps' tooltips and popups are opened, since Leaflet renders them only then.
"""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAYLOAD = '<img src=x onerror="window.__xss++">"\'><script>window.__xss++</script>'
SHORT = '<svg onload=window.__xss++>'  # for short fields

OPEN_MAP_LAYERS = """() => {
  let opened = 0;
  for (const key of Object.keys(window)) {
    const map = window[key];
    if (!key.startsWith("leafletmap") && key !== "registryLeafletMap") continue;
    if (!map || !map.eachLayer) continue;
    map.eachLayer(layer => {
      if (layer.getPopup && layer.getPopup()) { layer.openPopup(); opened++; }
      if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); opened++; }
    });
  }
  return opened;
}"""


@pytest.fixture
def watched(page):
    """The page with the hook installed before any script of ours, and CSP violations collected."""
    problems = []
    page.add_init_script("window.__xss = 0;")
    page.on("console", lambda msg: problems.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))  # a broken script hides everything else
    return problems


@pytest.fixture
def payloads(committed):
    """Every user-editable text of one Erfurt listing's world set to the payload, committed for the live server."""
    from registry.listings.models import Listing

    listing = Listing.objects.public().filter(unit__municipality__ags="16051000").select_related(
        "unit", "unit__centre", "unit__municipality", "unit__owner").first()
    unit, centre, municipality, owner = listing.unit, listing.unit.centre, listing.unit.municipality, listing.unit.owner
    photo = listing.photos.first()
    changes = [
        ("places_towncentre", "name", centre.pk, centre.name, ("Erfurt " + PAYLOAD)[:120]),
        ("places_municipality", "contact_name", municipality.pk, municipality.contact_name, PAYLOAD),
        ("units_unit", "name", unit.pk, unit.name, PAYLOAD),
        ("units_unit", "street", unit.pk, unit.street, "Xssgasse " + PAYLOAD),
        ("units_unit", "house_number", unit.pk, unit.house_number, SHORT[:20]),
        ("units_unit", "town", unit.pk, unit.town, PAYLOAD),
        ("units_unit", "internal_note", unit.pk, unit.internal_note, PAYLOAD),
        ("listings_listing", "title", listing.pk, listing.title, "Laden " + PAYLOAD),
        ("listings_listing", "description", listing.pk, listing.description, PAYLOAD + "\n" + PAYLOAD),
        ("owners_owner", "name", owner.pk, owner.name, PAYLOAD),
        ("owners_owner", "organisation", owner.pk, owner.organisation, PAYLOAD),
    ]
    if photo:
        changes.append(("listings_listingphoto", "caption", photo.pk, photo.caption, PAYLOAD))
    for table, column, pk, _old, new in changes:
        committed(f"UPDATE {table} SET {column} = %s WHERE id = %s", [new, pk])
    yield {"listing": listing, "unit": unit, "centre": centre, "owner": owner}
    for table, column, pk, old, _new in changes:
        committed(f"UPDATE {table} SET {column} = %s WHERE id = %s", [old, pk])


def visit(page, url, open_layers=True, layers=0):
    response = page.goto(url)
    assert response.status < 500, url
    page.wait_for_load_state("load")
    if open_layers:
        page.wait_for_timeout(300)
        assert page.evaluate(OPEN_MAP_LAYERS) >= layers, f"the map of {url} drew nothing"
        page.wait_for_timeout(100)
    assert page.evaluate("window.__xss") == 0, f"script from a typed text ran on {url}"
    return response


def test_public_pages_show_typed_text_as_text(page, app_url, payloads, watched):
    listing, centre = payloads["listing"], payloads["centre"]
    response = visit(page, f"{app_url}/", layers=28)  # every centre's tooltip opened
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers.get("permissions-policy") and response.headers.get("referrer-policy")
    assert PAYLOAD[:20] in page.inner_text("body")  # shown, as text
    for url in [f"/?centre={centre.slug}", "/angebote/", f"/angebote/?centre={centre.slug}",
                listing.get_absolute_url(), "/statistik/", f"/statistik/{centre.slug}/",
                "/ogc/collections/town-centres/items?f=html", "/ogc/collections/units/items?f=html",
                "/ogc/collections/town-centres/items?f=json"]:
        visit(page, app_url + url)
    visit(page, app_url + listing.get_absolute_url())
    assert "Laden <img" in page.inner_text("h1")
    assert watched == []


def test_city_manager_pages_and_map_popups(page, app_url, payloads, watched, log_in):
    log_in("stadt-erfurt")
    unit, centre = payloads["unit"], payloads["centre"]
    visit(page, f"{app_url}/?q=Xssgasse")
    item = page.locator(f'#unit-list li[data-unit="{unit.pk}"]')
    if item.count():
        item.first.click()
        page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") == 0
    for url in [f"/?centre={centre.slug}&q=Xssgasse", "/angebote/", "/statistik/", f"/statistik/{centre.slug}/",
                "/import/", "/konto/tokens/", f"/admin/units/unit/{unit.pk}/change/",
                "/admin/units/unit/?q=Xssgasse", f"/admin/places/towncentre/{centre.pk}/change/",
                f"/admin/owners/owner/{payloads['owner'].pk}/change/", "/admin/owners/owner/",
                f"/admin/listings/listing/{payloads['listing'].pk}/change/"]:
        visit(page, app_url + url)
    # the admin's Leaflet widgets still work under the CSP
    visit(page, f"{app_url}/admin/places/towncentre/{centre.pk}/change/", open_layers=False)
    page.wait_for_selector(".leaflet-container .leaflet-interactive", timeout=10000)
    assert watched == []


def test_owner_area(page, app_url, watched, log_in, committed, users):
    from registry.listings.models import Listing
    from registry.owners.models import Owner

    owner = Owner.objects.get(user=users["eigentuemer"])
    titles = list(Listing.objects.filter(unit__owner=owner).values_list("pk", "title"))  # before changing them
    committed("UPDATE owners_owner SET name = %s, organisation = %s WHERE id = %s", [PAYLOAD, PAYLOAD, owner.pk])
    for pk, _title in titles:
        committed("UPDATE listings_listing SET title = %s WHERE id = %s", ["Laden " + PAYLOAD, pk])
    try:
        log_in("eigentuemer")
        visit(page, f"{app_url}/eigentuemer/")
        for link in page.locator("a[href^='/eigentuemer/angebote/']").all()[:2]:
            visit(page, app_url + link.get_attribute("href"))
        assert watched == []
    finally:
        committed("UPDATE owners_owner SET name = %s, organisation = %s WHERE id = %s",
                  [owner.name, owner.organisation, owner.pk])
        for pk, title in titles:
            committed("UPDATE listings_listing SET title = %s WHERE id = %s", [title, pk])
    assert not Listing.objects.filter(title__contains="<img").exists()


def test_owner_and_admin_pages(page, app_url, payloads, watched, log_in, committed, users):
    from registry.accounts.models import ApiToken

    committed("INSERT INTO accounts_apitoken (user_id, name, prefix, digest, created_at) "
              "VALUES (%s, %s, 'xss', 'xss-digest-for-test', now())", [users["admin"].pk, PAYLOAD[:100]])
    try:
        log_in("admin")
        for url in ["/konto/tokens/", f"/admin/units/unit/{payloads['unit'].pk}/change/",
                    f"/admin/listings/listing/{payloads['listing'].pk}/change/", "/admin/listings/listing/",
                    f"/admin/places/municipality/{payloads['unit'].municipality_id}/change/"]:
            visit(page, app_url + url)
        page.wait_for_selector(".leaflet-container .leaflet-interactive", timeout=10000)
        assert watched == []
    finally:
        committed("DELETE FROM accounts_apitoken WHERE digest = 'xss-digest-for-test'")
    assert not ApiToken.objects.filter(digest="xss-digest-for-test").exists()
