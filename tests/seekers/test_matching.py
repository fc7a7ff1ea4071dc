"""Matching on hand-built cases, per criterion, with its explanation; and who sees which matches."""

import datetime
from decimal import Decimal

import pytest

from registry.listings.models import Listing
from registry.owners.models import Owner
from registry.seekers import matching, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def cafe_request(make_request, quiet_town):
    return make_request(centres=(), municipalities=[quiet_town.ags], step_free=True, max_rent=Decimal(9),
                        min_frontage=Decimal(5))


def test_each_hard_criterion_excludes_and_the_soft_ones_rank(users, build_unit, cafe_request, make_request):
    perfect = build_unit()
    too_big = build_unit(floor_area=Decimal(150))
    upstairs = build_unit(floor="OG")
    steps = build_unit(step_free=False)
    occupied = build_unit(status="occupied")
    elsewhere = build_unit(municipality=cafe_request.municipalities.model.objects.get(ags="16055000"))
    dear = build_unit(asking_rent=Decimal(11))
    narrow_recent = build_unit(frontage=Decimal(3), since=datetime.date.today() - datetime.timedelta(days=40),
                               category="retail")
    matches = matching.units_for_request(cafe_request, users["admin"])
    assert [m.unit_id for m in matches] == [perfect.pk, dear.pk, narrow_recent.pk]
    assert not {too_big.pk, upstairs.pk, steps.pk, occupied.pk, elsewhere.pk} & {m.unit_id for m in matches}
    best, second, third = matches
    assert best.explanation.startswith("Fläche 100 m² ✓, Geschoss EG ✓, barrierefrei ✓, Miete 8 €/m² ✓, "
                                       "Schaufensterfront 6 m ✓, Nutzung Gastronomie ✓, leer seit")
    assert "Miete 11 €/m² ✗ (max 9)" in second.explanation
    assert "Schaufensterfront 3 m ✗ (min 5)" in third.explanation and "Nutzung Einzelhandel ✗" in third.explanation
    assert third.explanation.endswith("leer seit 1 Monat")  # 40 days: singular, not „1 Monaten“
    assert best.score == 100 and second.score == 60 and third.score < second.score
    # the other way round: for a unit, the active requests it fits
    assert [m.request_id for m in matching.requests_for_unit(perfect, users["admin"])] == [cafe_request.pk]
    assert matching.requests_for_unit(too_big, users["admin"]) == []
    # without a rent ceiling, an unknown rent does not matter; with one, it is „?“
    unknown_rent = build_unit(asking_rent=None)
    row = next(m for m in matching.units_for_request(cafe_request, users["admin"]) if m.unit_id == unknown_rent.pk)
    assert "Miete ? (unbekannt)" in row.explanation and row.score == 80


def test_total_rent_ceiling_and_drawn_area(users, build_unit, make_request, quiet_town):
    unit = build_unit(asking_rent=Decimal(10), floor_area=Decimal(100))  # 1.000 € a month
    area = quiet_town.boundary.point_on_surface.buffer(0.01)
    from django.contrib.gis.geos import MultiPolygon

    by_area = make_request(centres=(), area=MultiPolygon(area, srid=4326), max_rent_total=Decimal(900))
    match = matching.units_for_request(by_area, users["admin"])[0]
    assert match.unit_id == unit.pk and "Miete 10 €/m² ✗ (gesamt max 900 €)" in match.explanation


def test_paused_unconfirmed_and_withdrawn_requests_are_not_matched_to_units(users, build_unit, make_request,
                                                                            quiet_town):
    unit = build_unit()
    for state in ("unconfirmed", "paused", "withdrawn", "expired", "fulfilled"):
        make_request(centres=(), municipalities=[quiet_town.ags], state=state)
    assert matching.requests_for_unit(unit, users["admin"]) == []


def test_city_manager_sees_all_vacant_units_of_their_town_seekers_only_published(users, make_request):
    erfurt_request = make_request(centres=("erfurt-altstadt",), min_area=Decimal(10), max_area=Decimal(10000),
                                  floors=[])
    staff = matching.units_for_request(erfurt_request, users["stadt-erfurt"])
    listed = {m.unit_id for m in staff if m.listing_slug}
    unlisted = {m.unit_id for m in staff if not m.listing_slug}
    assert listed and len(unlisted) > 10 * len(listed)
    public = matching.units_for_request(erfurt_request, public=True)
    published = set(Listing.objects.public().values_list("unit_id", flat=True))
    assert public and {m.unit_id for m in public} <= published
    # a listing whose owner withdraws consent disappears from the seeker's matches at once
    first = Listing.objects.get(unit_id=public[0].unit_id)
    Owner.objects.filter(pk=first.unit.owner_id).update(consent=Owner.Consent.REFUSED)
    assert first.unit_id not in {m.unit_id for m in matching.units_for_request(erfurt_request, public=True)}


def test_staff_matches_are_the_units_the_access_policy_lets_the_user_change(users, make_request):
    """Staff matching states no scope of its own: access.editable_sql decides (an admin all, a city manager their
    municipalities, an analyst or an owner nothing — they are no staff, whatever they may see on the map)."""
    erfurt_request = make_request(centres=("erfurt-altstadt",), min_area=Decimal(10), max_area=Decimal(10000),
                                  floors=[])
    everything = {m.unit_id for m in matching.units_for_request(erfurt_request, users["admin"], limit=None)}
    assert everything
    assert {m.unit_id for m in matching.units_for_request(erfurt_request, users["stadt-erfurt"], limit=None)} \
        == everything
    for name in ("stadt-jena", "analyst", "eigentuemer"):
        assert matching.units_for_request(erfurt_request, users[name]) == [], name


def test_jena_never_sees_erfurt_requests_or_erfurt_units(client, users, make_request):
    erfurt_request = make_request(centres=("erfurt-altstadt",), min_area=Decimal(10), max_area=Decimal(10000),
                                  floors=[], name="Erika Erfurterin")
    jena_request = make_request(centres=("jena-innenstadt",), name="Jens Jenaer")
    assert matching.units_for_request(erfurt_request, users["stadt-jena"]) == []
    assert set(services.requests_visible_to(users["stadt-jena"])) >= {jena_request}
    assert erfurt_request not in services.requests_visible_to(users["stadt-jena"])
    assert services.requests_visible_to(users["analyst"]).count() == 0
    client.force_login(users["stadt-jena"])
    page = client.get("/gesuche/verwaltung/").content.decode()
    assert "Jens Jenaer" in page and "Erika Erfurterin" not in page
    assert client.get(f"/gesuche/verwaltung/{erfurt_request.pk}/").status_code == 404
    erfurt_unit = matching.units_for_request(erfurt_request, users["stadt-erfurt"])[0].unit_id
    assert client.get(f"/gesuche/verwaltung/einheit/{erfurt_unit}/").status_code == 404
    assert client.post(f"/gesuche/verwaltung/{jena_request.pk}/vorschlagen/",
                       {"unit": erfurt_unit}).status_code == 404
    client.force_login(users["analyst"])
    assert client.get("/gesuche/verwaltung/").status_code == 403


def test_staff_pages_show_matches_with_explanations(client, users, make_request):
    erfurt_request = make_request(centres=("erfurt-altstadt",), min_area=Decimal(40), max_area=Decimal(200))
    client.force_login(users["stadt-erfurt"])
    page = client.get(f"/gesuche/verwaltung/{erfurt_request.pk}/").content.decode()
    assert "Lea Gründerin" in page and "Fläche" in page and "✓" in page and "nicht veröffentlicht" in page
    assert "/?status=vacant&amp;min_area=40&amp;max_area=200&amp;centre=erfurt-altstadt" in page
    assert client.get("/?status=vacant&min_area=40&max_area=200&centre=erfurt-altstadt").status_code == 200
    unit_id = matching.units_for_request(erfurt_request, users["stadt-erfurt"])[0].unit_id
    unit_page = client.get(f"/gesuche/verwaltung/einheit/{unit_id}/").content.decode()
    assert f'data-request="{erfurt_request.pk}"' in unit_page, unit_page[unit_page.find("<main>"):][:3000]
