"""Every write to a unit leaves history (issue 19): who, when, through which channel, old → new.

Recorded by database triggers (registry/history.py), read through units.history.unit_events.
"""

import json

import pytest
from django.core.management import call_command

from registry.imports.models import ImportBatch
from registry.units import services
from registry.units.history import unit_events
from registry.units.models import OccupancyEvent, Unit, UnitEvent

pytestmark = pytest.mark.django_db

SURVEY = ("Straße;Hausnr.;Nutzfläche;Status;leer seit;Eigentümer;Telefon;Rechtswert;Hochwert\n"
          "Historiengasse;1;120,5;leer;01.03.2024;Erna Historie;0361 555 77;642200;5649400\n"
          "Historiengasse;2;60;genutzt;;;;642300;5649500\n")


@pytest.fixture
def manager(client, users):
    client.force_login(users["stadt-erfurt"])
    return client


@pytest.fixture
def unit():
    return Unit.objects.filter(municipality__ags="16051000", status="occupied").order_by("id").first()


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def context_of(event):
    return event.pgh_context.metadata if event.pgh_context else {}


def test_a_status_change_on_the_map_records_who_channel_and_old_to_new(manager, users, unit):
    response = post(manager, f"/api/units/{unit.pk}/status/",
                    {"version": unit.version, "status": "vacant", "note": "Interessent: Bäckerei Müller"})
    assert response.status_code == 200, response.content
    events = [e for e in unit_events(unit) if e.context_id and e.channel != "demo"]  # not the demo load's
    assert {e.channel for e in events} == {"map"} and {e.user_id for e in events} == {users["stadt-erfurt"].pk}
    assert len({e.context_id for e in events}) == 1  # one request, one context
    status = next(e for e in events if e.model == "units.Unit" and "status" in e.changes)
    assert status.changes["status"] == ["occupied", "vacant"]
    closed = next(e for e in events if e.model == "units.Occupancy" and e.label == "update")
    assert closed.changes["valid_to"][0] is None
    opened = next(e for e in events if e.model == "units.Occupancy" and e.label == "insert")
    assert opened.data["status"] == "vacant" and opened.data["note"] == "Interessent: Bäckerei Müller"


def test_a_move_and_a_check_are_recorded_changes(manager, unit):
    moved = post(manager, f"/api/units/{unit.pk}/", {
        "version": unit.version, "location": [unit.location.x + 0.001, unit.location.y]})
    assert moved.status_code == 200, moved.content
    checked = post(manager, f"/api/units/{unit.pk}/checked/", {"version": moved.json()["version"]})
    assert checked.status_code == 200, checked.content
    move, check = [e for e in unit_events(unit) if e.label == "update"][-2:]
    assert "location" in move.changes and 60 < move.moved_m < 80  # 0.001° of longitude at 51° N
    assert set(check.changes) == {"last_checked"} and check.channel == "map"


def test_bookkeeping_alone_is_no_event_and_private_fields_stay_with_those_who_may_see_them(users, unit):
    before = len(unit_events(unit))
    unit = services.update_unit(users["stadt-erfurt"], unit.pk, unit.version, internal_note="Schlüssel beim Nachbarn")
    services.update_unit(users["stadt-erfurt"], unit.pk, unit.version)  # saves only version and who/when
    updates = unit_events(unit)[before:]
    assert [(e.label, set(e.changes)) for e in updates] == [("update", {"internal_note"})]
    assert updates[0].user_id is None and updates[0].channel is None  # a service call outside any request
    public = [e for e in unit_events(unit, private=False)]
    assert not any("internal_note" in e.data or "internal_note" in e.changes for e in public)
    assert not any(e.model == "owners.Owner" for e in public)


def test_an_import_in_the_background_and_its_undo_record_the_batch(tmp_path, users):
    """The import writes set-based (COPY into staging, INSERT … SELECT and UPDATE into the register)
    in the worker, outside any request: the job sets who and which batch."""
    path = tmp_path / "erhebung.csv"
    path.write_bytes(SURVEY.encode("cp1252"))
    call_command("import_units", str(path), "--municipality", "16051000", "--user", "stadt-erfurt",
                 "--no-input", verbosity=0)
    batch = ImportBatch.objects.latest("pk")
    units = Unit.objects.filter(street="Historiengasse")
    assert units.count() == 2
    inserted = UnitEvent.objects.filter(pgh_obj__in=units, pgh_label="insert").select_related("pgh_context")
    assert inserted.count() == 2
    assert {json.dumps(context_of(e), sort_keys=True) for e in inserted} == {json.dumps(
        {"user": users["stadt-erfurt"].pk, "channel": "import", "import_batch": batch.pk}, sort_keys=True)}
    events = unit_events(units.get(house_number="1"))
    assert {e.model for e in events} == {"units.Unit", "units.Occupancy", "owners.Owner"}
    assert {e.import_batch for e in events} == {batch.pk}
    owner = next(e for e in events if e.model == "owners.Owner")
    assert owner.data["name"] == "Erna Historie"

    unit_ids = list(units.values_list("pk", flat=True))
    call_command("import_units", "--undo", "--municipality", "16051000", "--user", "stadt-erfurt",
                 "--no-input", verbosity=0)
    deleted = UnitEvent.objects.filter(pgh_obj__in=unit_ids, pgh_label="delete").select_related("pgh_context")
    assert deleted.count() == 2
    assert {(context_of(e)["import_batch"], context_of(e)["undo"]) for e in deleted} == {(batch.pk, True)}
    assert OccupancyEvent.objects.filter(unit__in=unit_ids, pgh_label="delete").count() == 2


def test_the_web_import_job_records_the_importer_and_batch(manager, users, settings, tmp_path, work_off_queue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry.places.models import Municipality

    settings.IMPORT_UPLOADS = tmp_path / "uploads"
    erfurt = Municipality.objects.get(ags="16051000")
    batch_url = manager.post("/import/", {"municipality": erfurt.pk, "file": SimpleUploadedFile(
        "erhebung.csv", SURVEY.encode("cp1252"))}).url
    work_off_queue()
    manager.post(batch_url + "importieren/", {"confirmed": "yes"})
    work_off_queue()  # the job, as the worker runs it: no request, no middleware
    batch = ImportBatch.objects.get(state="done")
    event = UnitEvent.objects.filter(street="Historiengasse", pgh_label="insert").select_related("pgh_context")[0]
    assert context_of(event) == {"user": users["stadt-erfurt"].pk, "channel": "import", "import_batch": batch.pk}


def test_a_write_with_an_api_token_is_recorded_with_the_tokens_user_and_the_token(users, unit):
    from django.test import Client

    from registry.accounts.models import ApiToken
    from registry.accounts.tokens import create_token

    token = create_token(users["stadt-erfurt"], "Skript")
    api = Client(enforce_csrf_checks=True)  # no session, no CSRF token: the token is the credential
    response = api.post(f"/api/units/{unit.pk}/checked/", json.dumps({"version": unit.version}),
                        content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    event = UnitEvent.objects.filter(pgh_obj=unit.pk).select_related("pgh_context").latest("pgh_id")
    assert event.pgh_context.metadata == {
        "user": users["stadt-erfurt"].pk, "channel": "api", "url": f"/api/units/{unit.pk}/checked/",
        "token": ApiToken.objects.get(user=users["stadt-erfurt"], name="Skript").pk}


def test_a_wrong_token_writes_nothing(unit):
    from django.test import Client

    response = Client().post(f"/api/units/{unit.pk}/checked/", json.dumps({"version": unit.version}),
                             content_type="application/json", headers={"Authorization": "Bearer lr_falsch"})
    assert response.status_code == 401
    assert Unit.objects.get(pk=unit.pk).version == unit.version


def test_geprueft_on_the_walk_list_is_recorded_as_channel_walk(manager, users):
    unit = Unit.objects.filter(centre__slug="erfurt-altstadt").order_by("id").first()
    manager.post("/begehung/erfurt-altstadt/", {"unit": unit.pk, "version": unit.version})
    check = [e for e in unit_events(unit) if e.label == "update"][-1]
    assert set(check.changes) == {"last_checked"}
    assert (check.channel, check.user_id) == ("walk", users["stadt-erfurt"].pk)
