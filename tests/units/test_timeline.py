"""A unit's timeline (issue 19): the whole story in one place for those allowed to see it, each in its own measure
— and „Rückgängig“ for the unit's own city manager, through the same checks as every change."""

import datetime
import json

import pytest
from django.utils import timezone

from registry.units import services
from registry.units.models import Occupancy, Unit
from registry.units.vacancy import Status

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ERFURT, JENA = "16051000", "16053000"


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture
def shop(users, erfurt_market):
    """An Erfurt retail unit, let for years, vacant for the last 100 days."""
    manager = users["stadt-erfurt"]
    unit = services.create_unit(manager, street="Anger", house_number="70", location=erfurt_market,
                                category="retail", status=Status.OCCUPIED, since=days_ago(900))
    return services.change_status(manager, unit.pk, unit.version, Status.VACANT, days_ago(100),
                                  note="Mieter ausgezogen")


def timeline(client, unit, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(f"/api/units/{unit.pk}/timeline/")


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_two_same_day_status_changes_both_show_in_order_with_their_note(client, users, shop):
    manager = users["stadt-erfurt"]
    shop = services.change_status(manager, shop.pk, shop.version, Status.RESERVED, note="Interessent: Bäckerei Müller")
    services.change_status(manager, shop.pk, shop.version, Status.OCCUPIED, note="Mietvertrag unterschrieben")
    entries = timeline(client, shop, manager).json()["entries"]
    assert [(e["date"], e["title"], e["note"]) for e in entries] == [  # newest first
        (f"{TODAY:%d.%m.%Y}", "Status: in Verhandlung → genutzt", "Mietvertrag unterschrieben"),
        (f"{TODAY:%d.%m.%Y}", "Status: leer → in Verhandlung", "Interessent: Bäckerei Müller"),
        (f"{days_ago(100):%d.%m.%Y}", "Status: genutzt → leer", "Mieter ausgezogen"),
        (f"{days_ago(900):%d.%m.%Y}", "Erfasst: genutzt", ""),
    ]
    assert entries[0]["actor"] == "stadt-erfurt"


def test_an_analyst_sees_the_story_without_anything_personal(client, users, shop):
    body = timeline(client, shop, users["analyst"]).json()
    assert body["private"] is False and body["restore"] is False
    assert [e["title"] for e in body["entries"]][-1] == "Erfasst: genutzt"
    assert all(e["note"] == "" and e["actor"] == "" and not e["restorable"] for e in body["entries"])
    assert "Mieter ausgezogen" not in json.dumps(body, ensure_ascii=False)
    assert "stadt-erfurt" not in json.dumps(body)


@pytest.mark.parametrize("who", [None, "eigentuemer", "stadt-jena"])
def test_anonymous_owners_and_another_towns_manager_get_no_timeline(client, users, shop, who):
    response = timeline(client, shop, users[who] if who else None)
    assert response.status_code == 404
    missing = client.get("/api/units/999999999/timeline/")
    assert response.content == missing.content  # the same answer as for a unit that does not exist
    assert "Anger" not in response.content.decode()


def test_undo_of_the_newest_status_change_restores_the_old_status(client, users, shop):
    manager = users["stadt-erfurt"]
    shop = services.change_status(manager, shop.pk, shop.version, Status.OCCUPIED, days_ago(5),
                                  note="versehentlich")
    newest = timeline(client, shop, manager).json()["entries"][0]
    assert newest["restorable"] and newest["key"].startswith("status-")
    response = post(client, f"/api/units/{shop.pk}/restore/", {"version": shop.version, "entry": newest["key"]})
    assert response.status_code == 200, response.content
    after = Unit.objects.get(pk=shop.pk)
    assert after.status == Status.VACANT and after.vacant_since == days_ago(100)  # the spell goes on
    assert list(Occupancy.objects.filter(unit=shop).values_list("status", "valid_from", "valid_to"))[-2:] == [
        (Status.OCCUPIED, days_ago(5), days_ago(5)), (Status.VACANT, days_ago(5), None)]
    entries = timeline(client, shop).json()["entries"]
    assert (entries[0]["date"], entries[0]["title"]) == (f"{days_ago(5):%d.%m.%Y}", "Status: genutzt → leer")
    assert entries[0]["note"] == f"Rückgängig gemacht: „genutzt“ ab {days_ago(5):%d.%m.%Y}"


def test_undo_is_refused_when_stale_foreign_or_superseded_and_nothing_is_written(client, users, shop):
    manager = users["stadt-erfurt"]
    changed = services.change_status(manager, shop.pk, shop.version, Status.RESERVED)
    key = timeline(client, changed, manager).json()["entries"][0]["key"]
    before = list(Occupancy.objects.filter(unit=shop).values_list("id", "valid_to"))

    stale = post(client, f"/api/units/{shop.pk}/restore/", {"version": shop.version, "entry": key})
    assert stale.status_code == 409 and "inzwischen von jemand anderem geändert" in stale.json()["error"]

    client.force_login(users["stadt-jena"])
    foreign = post(client, f"/api/units/{shop.pk}/restore/", {"version": changed.version, "entry": key})
    assert foreign.status_code == 403

    client.force_login(users["analyst"])
    assert post(client, f"/api/units/{shop.pk}/restore/", {"version": changed.version, "entry": key}) \
        .status_code == 403

    client.force_login(manager)
    older = timeline(client, changed).json()["entries"][1]["key"]
    superseded = post(client, f"/api/units/{shop.pk}/restore/", {"version": changed.version, "entry": older})
    assert superseded.status_code == 400
    assert "Nur der letzte Statuswechsel kann rückgängig gemacht werden" in json.dumps(superseded.json(),
                                                                                       ensure_ascii=False)
    assert list(Occupancy.objects.filter(unit=shop).values_list("id", "valid_to")) == before
    assert Unit.objects.get(pk=shop.pk).version == changed.version
