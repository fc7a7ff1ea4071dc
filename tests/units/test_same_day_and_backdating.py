"""A city manager's status changes from the map: every same-day step kept in order with its note,
back-dating within the rules, the use kept — and the statistics mean what they meant."""

import datetime
import json

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.utils import timezone

from registry.places.models import Municipality, TownCentre
from registry.stats import queries
from registry.units import services
from registry.units.models import Occupancy, Unit
from registry.units.vacancy import Status

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()  # Berlin's today, as the service and the map's date field


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def erfurt_client(client, users):
    client.force_login(users["stadt-erfurt"])
    return client


def post_status(client, unit, **body):
    return client.post(f"/api/units/{unit.pk}/status/", json.dumps({"version": unit.version, **body}),
                       content_type="application/json")


@pytest.fixture
def shop(users, erfurt_market):
    """A retail unit, let for years, vacant for the last 100 days."""
    unit = services.create_unit(users["stadt-erfurt"], street="Anger", house_number="70", location=erfurt_market,
                                category="retail", status=Status.OCCUPIED, since=days_ago(900))
    return services.change_status(users["stadt-erfurt"], unit.pk, unit.version, Status.VACANT, days_ago(100))


def history(unit):
    return list(Occupancy.objects.filter(unit=unit).values_list("status", "valid_from", "valid_to", "note"))


def test_two_changes_on_one_day_keep_both_steps_and_the_note_in_order(erfurt_client, shop):
    reserved = post_status(erfurt_client, shop, status="reserved", date=TODAY.isoformat(),
                           note="Interessent: Bäckerei Müller")
    assert reserved.status_code == 200, reserved.content
    occupied = post_status(erfurt_client, Unit.objects.get(pk=shop.pk), status="occupied", date=TODAY.isoformat(),
                           note="Mietvertrag unterschrieben")
    assert occupied.status_code == 200, occupied.content
    assert occupied.json()["status"] == "occupied" and occupied.json()["vacant_since"] is None
    assert history(shop) == [
        ("occupied", days_ago(900), days_ago(100), ""),
        ("vacant", days_ago(100), TODAY, ""),
        ("reserved", TODAY, TODAY, "Interessent: Bäckerei Müller"),  # lasted no day, but is kept
        ("occupied", TODAY, None, "Mietvertrag unterschrieben"),
    ]


def test_same_day_steps_on_a_back_dated_day_and_on_the_first_day_of_the_status(erfurt_client, users, erfurt_market):
    unit = services.create_unit(users["stadt-erfurt"], street="Anger", house_number="71", location=erfurt_market,
                                status=Status.VACANT, since=days_ago(5), note="Neu erfasst")
    for status, note in (("reserved", "Besichtigung"), ("vacant", "Interessent abgesprungen")):
        response = post_status(erfurt_client, Unit.objects.get(pk=unit.pk), status=status,
                               date=days_ago(5).strftime("%d.%m.%Y"), note=note)
        assert response.status_code == 200, response.content
    assert [(s, f, t, n) for s, f, t, n in history(unit)] == [
        ("vacant", days_ago(5), days_ago(5), "Neu erfasst"),
        ("reserved", days_ago(5), days_ago(5), "Besichtigung"),
        ("vacant", days_ago(5), None, "Interessent abgesprungen"),
    ]
    assert Unit.objects.get(pk=unit.pk).vacant_since == days_ago(5)


def test_back_dating_within_the_open_status_succeeds(erfurt_client, shop):
    response = post_status(erfurt_client, shop, status="reserved", date=days_ago(10).strftime("%d.%m.%Y"))
    assert response.status_code == 200, response.content
    assert response.json()["vacant_since"] == days_ago(100).isoformat()  # reserved continues the vacancy
    assert history(shop)[-2:] == [("vacant", days_ago(100), days_ago(10), ""), ("reserved", days_ago(10), None, "")]


@pytest.mark.parametrize("date, message", [
    (lambda: days_ago(101), "Datum: Das Datum liegt vor dem Beginn des aktuellen Status ({start})."),
    (lambda: TODAY + datetime.timedelta(days=1), "Datum: Das Datum darf nicht in der Zukunft liegen."),
    (lambda: "31.02.2026", "Datum: „31.02.2026“ ist kein gültiges Datum (TT.MM.JJJJ)."),
])
def test_a_date_outside_the_rules_is_refused_in_german_and_nothing_is_written(erfurt_client, shop, date, message):
    value = date()
    before = history(shop)
    response = post_status(erfurt_client, shop, status="occupied",
                           date=value if isinstance(value, str) else value.isoformat())
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {"date": [message.format(start=days_ago(100).strftime("%d.%m.%Y"))]}
    assert body["labels"] == {"date": "Datum"}
    assert "on_date" not in response.content.decode()
    assert history(shop) == before
    assert Unit.objects.get(pk=shop.pk).version == shop.version


def test_another_municipality_and_a_stale_version_are_refused_and_nothing_is_written(erfurt_client, shop):
    jena = Unit.objects.filter(municipality__ags="16053000").first()
    before = history(jena)
    assert post_status(erfurt_client, jena, status="vacant", note="x").status_code == 403
    assert history(jena) == before
    stale = Unit.objects.get(pk=shop.pk)
    stale.version -= 1
    before = history(shop)
    response = post_status(erfurt_client, stale, status="reserved", note="Interessent: Bäckerei Müller")
    assert response.status_code == 409 and "inzwischen von jemand anderem geändert" in response.json()["error"]
    assert history(shop) == before


def test_the_new_interval_keeps_the_use_when_only_the_status_changes(erfurt_client, shop):
    let = post_status(erfurt_client, shop, status="occupied", date=days_ago(3).isoformat())
    assert let.status_code == 200, let.content
    assert Occupancy.objects.get(unit=shop, valid_to__isnull=True).category == "retail"
    chosen = post_status(erfurt_client, Unit.objects.get(pk=shop.pk), status="interim_use", category="culture")
    assert chosen.status_code == 200 and Occupancy.objects.get(unit=shop, valid_to__isnull=True).category == "culture"
    unknown = post_status(erfurt_client, Unit.objects.get(pk=shop.pk), status="occupied", category="bakery")
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == {"category": ["Nutzungsart: Unbekannte Nutzungsart „bakery“."]}


def test_same_day_steps_do_not_change_the_statistics(users):
    """A state that lasted no day is in the history but in no figure: a slip (leer → genutzt → leer on one day)
    neither ends the vacancy spell nor counts; the day's last state is the state on that day."""
    erfurt = Municipality.objects.get(ags="16051000")
    TownCentre.objects.create(name="Tageszentrum", slug="tageszentrum", municipality=erfurt,
                              boundary=Polygon.from_bbox((10.984, 50.924, 10.986, 50.926)))
    manager, spot = users["stadt-erfurt"], Point(10.985, 50.925, srid=4326)
    slip = services.create_unit(manager, street="Testgasse", location=spot, floor_area=100,
                                status=Status.VACANT, since=datetime.date(2025, 1, 1))
    for status in (Status.OCCUPIED, Status.VACANT):
        slip = services.change_status(manager, slip.pk, slip.version, status, datetime.date(2025, 6, 1))
    let = services.create_unit(manager, street="Testgasse", location=spot, floor_area=100,
                               status=Status.VACANT, since=datetime.date(2025, 1, 1))
    for status in (Status.RESERVED, Status.OCCUPIED):
        let = services.change_status(manager, let.pk, let.version, status, datetime.date(2025, 6, 1))

    assert slip.vacant_since == datetime.date(2025, 1, 1)
    on_the_day = queries.centre_figures(datetime.date(2025, 6, 1), centre="tageszentrum")[0]
    assert (on_the_day["units"], on_the_day["vacant"]) == (2, 1)
    assert on_the_day["median_vacancy_days"] == (datetime.date(2025, 6, 1) - datetime.date(2025, 1, 1)).days
    day_before = queries.centre_figures(datetime.date(2025, 5, 31), centre="tageszentrum")[0]
    assert (day_before["units"], day_before["vacant"]) == (2, 2)
    now = queries.centre_figures(TODAY, centre="tageszentrum")[0]
    assert now["vacant"] == 1 and now["median_vacancy_days"] == (TODAY - datetime.date(2025, 1, 1)).days
    buckets = {b["label"]: b["count"] for b in queries.duration_buckets(TODAY, centre="tageszentrum")}
    assert sum(buckets.values()) == 1
