"""A unit's timeline (issue 19): the whole story in one place for those allowed to see it, each in its own measure
— and „Rückgängig“ for the unit's own city manager, through the same checks as every change."""

import datetime
import json

import pytest
from django.utils import timezone

from registry.owners.models import Owner
from registry.places.models import Municipality

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


def test_another_towns_manager_sees_a_published_listing_but_not_its_story(client, users, shop):
    from registry.listings.models import Listing

    owner = Owner.objects.create(name="Gabi Lehmann", consent=Owner.Consent.CONSENTED, consent_date=TODAY)
    Unit.objects.filter(pk=shop.pk).update(owner=owner)
    Listing.objects.create(unit=shop, slug="laden-am-anger-70", title="Laden am Anger", published=True)
    jena = users["stadt-jena"]
    client.force_login(jena)
    assert client.get(f"/api/units/{shop.pk}/").status_code == 200  # the public listing: seen as the public sees it
    assert timeline(client, shop).status_code == 404


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
    assert (entries[0]["date"], entries[0]["title"], entries[0]["kind"]) == (
        f"{days_ago(5):%d.%m.%Y}", "Rückgängig gemacht – Status: genutzt → leer", "restore")
    assert entries[0]["note"] == ""  # the title says it; a generated note would stay German for every reader
    assert entries[1]["note"] == "versehentlich"  # the user's own note, untouched


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


# --- moves, checks, edits, owners: from the recorded history (django-pghistory events) ---------------------------

@pytest.fixture
def edited(client, users, shop, erfurt_market):
    manager = users["stadt-erfurt"]
    client.force_login(manager)
    owner = Owner.objects.create(name="Erika Beispiel", phone="030 23125 777", municipality=shop.municipality)

    def write(url, body):
        response = post(client, url, {"version": Unit.objects.get(pk=shop.pk).version, **body})
        assert response.status_code == 200, response.content
    write(f"/api/units/{shop.pk}/", {"floor_area": "120,5", "name": "Bäckerei am Anger"})
    write(f"/api/units/{shop.pk}/", {"location": [erfurt_market.x + 0.001, erfurt_market.y]})
    write(f"/api/units/{shop.pk}/checked/", {})
    services.update_unit(manager, shop.pk, Unit.objects.get(pk=shop.pk).version, owner=owner)
    owner.consent, owner.consent_date = "consented", TODAY
    owner.save()
    client.logout()
    return owner


def test_the_manager_sees_moves_checks_edits_and_owner_events_in_german(client, users, shop, edited):
    entries = timeline(client, shop, users["stadt-erfurt"]).json()["entries"]
    by_kind = {}
    for entry in entries:
        by_kind.setdefault(entry["kind"], entry)
    edit = by_kind["edit"]
    assert edit["title"] == "Angaben geändert" and edit["actor"] == "stadt-erfurt" and edit["channel"] == "Karte"
    assert {"label": "Nutzfläche (m²)", "old": "–", "new": "120,5"} in edit["changes"]
    assert {"label": "Bezeichnung", "old": "–", "new": "Bäckerei am Anger"} in edit["changes"]
    move = by_kind["move"]
    assert move["title"].startswith("Verschoben um ") and move["title"].endswith(" m")
    assert 65 <= int(move["title"].split()[2]) <= 75  # 0.001° of longitude at 51° N, measured in PostGIS
    assert by_kind["check"]["title"] == "Geprüft" and by_kind["check"]["date"] == f"{TODAY:%d.%m.%Y}"
    assert by_kind["owner"]["changes"] == [{"label": "Eigentümer", "old": "–", "new": "Erika Beispiel"}]
    assert by_kind["consent"]["title"] == "Einwilligung von Erika Beispiel"
    assert {"label": "Einwilligung zur Veröffentlichung", "old": "unbekannt", "new": "zugestimmt"} in by_kind["consent"]["changes"]
    assert [e["kind"] for e in entries].index("consent") < [e["kind"] for e in entries].index("edit")  # newest first


def test_an_analyst_sees_edits_and_moves_but_no_owner_at_all(client, users, shop, edited):
    body = json.dumps(timeline(client, shop, users["analyst"]).json(), ensure_ascii=False)
    assert "Verschoben um" in body and "Nutzfläche (m²)" in body and "Geprüft" in body
    for private in ("Erika Beispiel", "030 23125 777", "Eigentümer", "Einwilligung", "stadt-erfurt"):
        assert private not in body, private


def test_a_wrong_edit_is_undone_from_the_timeline_and_the_undo_is_recorded(client, users, shop, edited):
    manager = users["stadt-erfurt"]
    edit = next(e for e in timeline(client, shop, manager).json()["entries"] if e["kind"] == "edit")
    assert edit["restorable"]
    response = post(client, f"/api/units/{shop.pk}/restore/",
                    {"version": Unit.objects.get(pk=shop.pk).version, "entry": edit["key"]})
    assert response.status_code == 200, response.content
    after = Unit.objects.get(pk=shop.pk)
    assert after.floor_area is None and after.name == "" and after.owner == edited  # the later changes stay
    newest = timeline(client, shop).json()["entries"][0]
    assert newest["kind"] == "restore" and newest["title"] == "Rückgängig gemacht – Angaben geändert"
    assert {"label": "Nutzfläche (m²)", "old": "120,5", "new": "–"} in newest["changes"]
    assert newest["actor"] == "stadt-erfurt" and not newest["restorable"]


def test_an_undo_that_breaks_todays_rules_is_refused_in_german_and_nothing_is_written(client, users, shop):
    manager = users["stadt-erfurt"]
    for change in ({"floor_area": 100}, {"floor_area": 200}, {"sales_area": 150}):
        shop = services.update_unit(manager, shop.pk, shop.version, **change)
    client.force_login(manager)
    entries = timeline(client, shop).json()["entries"]
    bigger = next(e for e in entries if {"label": "Nutzfläche (m²)", "old": "100,0", "new": "200,0"} in e["changes"])
    assert bigger["restorable"]  # the timeline cannot foresee every rule; the service checks them all
    response = post(client, f"/api/units/{shop.pk}/restore/", {"version": shop.version, "entry": bigger["key"]})
    assert response.status_code == 400
    assert "Die Verkaufsfläche darf nicht größer sein als die Nutzfläche." in json.dumps(response.json(),
                                                                                        ensure_ascii=False)
    after = Unit.objects.get(pk=shop.pk)
    assert (after.floor_area, after.sales_area, after.version) == (200, 150, shop.version)


def test_an_undo_over_a_later_change_of_the_same_field_is_refused(client, users, shop):
    manager = users["stadt-erfurt"]
    shop = services.update_unit(manager, shop.pk, shop.version, name="Erst")
    shop = services.update_unit(manager, shop.pk, shop.version, name="Dann")
    client.force_login(manager)
    first = [e for e in timeline(client, shop).json()["entries"] if e["kind"] == "edit"][-1]
    assert not first["restorable"]
    response = post(client, f"/api/units/{shop.pk}/restore/", {"version": shop.version, "entry": first["key"]})
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": [
        "Bezeichnung wurde seitdem erneut geändert; bitte zuerst die spätere Änderung rückgängig machen."]}
    assert Unit.objects.get(pk=shop.pk).name == "Dann"


def test_another_towns_manager_cannot_undo_an_edit(client, users, shop):
    shop = services.update_unit(users["stadt-erfurt"], shop.pk, shop.version, name="Erst")
    client.force_login(users["stadt-erfurt"])
    key = timeline(client, shop).json()["entries"][0]["key"]
    client.force_login(users["stadt-jena"])
    assert post(client, f"/api/units/{shop.pk}/restore/", {"version": shop.version, "entry": key}).status_code == 403
    assert Unit.objects.get(pk=shop.pk).name == "Erst"


def test_the_admins_history_shows_the_same_timeline(client, users, shop, edited):
    from tests.security.test_admin_matrix import form_data

    client.force_login(users["stadt-erfurt"])
    url = f"/admin/units/unit/{shop.pk}/change/"
    assert client.post(url, form_data(client.get(url)) | {"name": "Aus der Verwaltung"}).status_code == 302
    page = client.get(f"/admin/units/unit/{shop.pk}/history/").content.decode()
    assert "Aus der Verwaltung" in page and "Verwaltung</td>" in page  # the admin's own edit, with its channel
    for entry in timeline(client, shop).json()["entries"]:
        assert entry["title"] in page
    assert "Verschoben um" in page and "Erika Beispiel" in page and "Mieter ausgezogen" in page
    client.force_login(users["stadt-jena"])
    assert client.get(f"/admin/units/unit/{shop.pk}/history/").status_code == 403


def test_the_timeline_is_no_api_and_its_notes_are_in_no_export(client, users, shop):
    """An API token (exports, QGIS) does not open the timeline; what only the timeline holds — a status note, who
    recorded it — is in no export or OGC answer, even for the unit's own city manager with contacts."""
    from registry.accounts.tokens import create_token

    manager = users["stadt-erfurt"]
    services.change_status(manager, shop.pk, shop.version, Status.RESERVED, note="Interessent: Bäckerei Müller")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {create_token(manager)}"}
    assert client.get(f"/api/units/{shop.pk}/timeline/", **bearer).status_code == 404
    for url in (f"/api/units.geojson?municipality={ERFURT}&include=contacts",
                f"/api/units.csv?municipality={ERFURT}&include=contacts",
                f"/ogc/collections/units/items?municipality={ERFURT}&limit=10000&f=json"):
        response = client.get(url, **bearer)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert f"{shop.pk}".encode() in body and b"in Verhandlung" in body, url  # the unit is in it …
        assert "Bäckerei Müller".encode() not in body and b"Interessent" not in body, url  # … its note is not


def test_a_former_owner_now_only_in_another_town_keeps_their_new_details_private(client, users, shop):
    manager = users["stadt-erfurt"]
    jena = Unit.objects.filter(municipality__ags=JENA).first()
    former = Owner.objects.create(name="Frieda Früher", phone="030 23125 701")
    shop = services.update_unit(users["admin"], shop.pk, shop.version, owner=former)
    shop = services.update_unit(users["admin"], shop.pk, shop.version, owner=None)
    services.update_unit(users["admin"], jena.pk, jena.version, owner=former)
    former.phone = "030 23125 702"
    former.save()
    body = json.dumps(timeline(client, shop, manager).json(), ensure_ascii=False)
    assert "030 23125 702" not in body
    assert "030 23125 702" in json.dumps(timeline(client, shop, users["admin"]).json(), ensure_ascii=False)


def test_deleting_the_owner_reads_as_the_owner_removed_and_keeps_no_name(client, users, shop, edited):
    edited.delete()  # the unit's owner is set to none by the database, recorded as the unit's change
    entries = timeline(client, shop, users["stadt-erfurt"]).json()["entries"]
    owner_changes = [e["changes"] for e in entries if e["kind"] == "owner"]
    assert owner_changes[0] == [{"label": "Eigentümer", "old": "gelöscht", "new": "–"}]  # not „– → –“
    assert owner_changes[1] == [{"label": "Eigentümer", "old": "–", "new": "gelöscht"}]
    assert "Erika Beispiel" not in json.dumps(entries, ensure_ascii=False)


def test_the_english_timeline_writes_days_first_as_the_rest_of_the_map(client, users, shop):
    client.force_login(users["stadt-erfurt"])
    entries = client.get(f"/api/units/{shop.pk}/timeline/", HTTP_ACCEPT_LANGUAGE="en").json()["entries"]
    assert entries[0]["title"] == "Status: occupied → vacant"
    assert entries[0]["date"] == f"{days_ago(100):%d.%m.%Y}"  # not 12/02/2026 (month first) beside the popup's dates
    recorded = timezone.localtime(Occupancy.objects.filter(unit=shop).latest("pk").recorded_at)
    assert entries[0]["recorded"] == f"{recorded:%d.%m.%Y %H:%M}"  # not „2:34 a.m.“


def test_an_undone_status_change_reads_in_english_without_german_interface_text(client, users, shop):
    manager = users["stadt-erfurt"]
    shop = services.change_status(manager, shop.pk, shop.version, Status.OCCUPIED, days_ago(5), note="versehentlich")
    key = timeline(client, shop, manager).json()["entries"][0]["key"]
    response = client.post(f"/api/units/{shop.pk}/restore/", json.dumps({"version": shop.version, "entry": key}),
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    entries = client.get(f"/api/units/{shop.pk}/timeline/", HTTP_ACCEPT_LANGUAGE="en").json()["entries"]
    assert [(e["title"], e["note"]) for e in entries[:2]] == [
        ("Undone – Status: occupied → vacant", ""), ("Status: vacant → occupied", "versehentlich")]
    shown = json.dumps([{k: v for k, v in e.items() if k != "note"} for e in entries] + [entries[0]["note"]],
                       ensure_ascii=False)  # users' own notes stay as they wrote them
    german = ["Rückgängig", "genutzt", "leer", " ab ", "Status: genutzt", "Karte", "Erfasst", "Nutzung",
              "Einzelhandel"]
    assert [word for word in german if word in shown] == [], shown


# --- what a unit was created with is no wrong edit ------------------------------------------------------------------

def test_values_written_with_the_units_creation_are_shown_as_such_and_offer_no_undo(client, users, erfurt_market):
    """A loader or import that writes a new unit in two steps (the owner after the unit, in one go): the timeline
    shows the owner as part of the creation, and nobody can „undo“ it into a unit without owner."""
    from registry import history

    manager = users["stadt-erfurt"]
    owner = Owner.objects.create(name="Erika Beispiel", municipality=Municipality.objects.get(ags=ERFURT))
    with history.context(channel="demo"):
        unit = services.create_unit(manager, street="Anger", house_number="71", location=erfurt_market)
        unit = services.update_unit(manager, unit.pk, unit.version, owner=owner)
    entries = timeline(client, unit, manager).json()["entries"]
    created = next(e for e in entries if e["changes"] == [{"label": "Eigentümer", "old": "–", "new": "Erika Beispiel"}])
    assert (created["kind"], created["title"], created["channel"], created["restorable"]) == (
        "created", "Angelegt", "Demodaten", False)
    assert not any(e["restorable"] for e in entries)
    response = post(client, f"/api/units/{unit.pk}/restore/", {"version": unit.version, "entry": created["key"]})
    assert response.status_code == 400
    assert "Angaben, mit denen die Einheit angelegt wurde" in json.dumps(response.json(), ensure_ascii=False)
    assert Unit.objects.get(pk=unit.pk).owner == owner


def test_an_owner_set_later_from_nothing_is_an_edit_that_can_be_undone(client, users, erfurt_market):
    from registry import history

    manager = users["stadt-erfurt"]
    owner = Owner.objects.create(name="Falsch Zugeordnet", municipality=Municipality.objects.get(ags=ERFURT))
    with history.context(channel="map", user=manager.pk):
        unit = services.create_unit(manager, street="Anger", house_number="72", location=erfurt_market)
    with history.context(channel="admin", user=manager.pk):  # another request
        unit = services.update_unit(manager, unit.pk, unit.version, owner=owner)
    entry = timeline(client, unit, manager).json()["entries"][0]
    assert (entry["kind"], entry["channel"], entry["restorable"]) == ("owner", "Verwaltung", True)
    assert entry["changes"] == [{"label": "Eigentümer", "old": "–", "new": "Falsch Zugeordnet"}]
    assert post(client, f"/api/units/{unit.pk}/restore/", {"version": unit.version, "entry": entry["key"]}) \
        .status_code == 200
    assert Unit.objects.get(pk=unit.pk).owner is None and Owner.objects.filter(pk=owner.pk).exists()


def test_every_channel_that_writes_has_a_name_people_read():
    from registry import history
    from registry.units.timeline import CHANNELS

    written = {channel for _prefix, channel in history.CHANNELS} | {"web", "api", "demo", "housekeeping"}
    assert written - {"import"} <= set(CHANNELS)  # imports are named with their number
