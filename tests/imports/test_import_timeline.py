"""What an import and its undo leave on a unit's timeline (issue 19): the story as it happened — an undone import's
status change stays visible, marked as taken back, next to its reversal — and a new unit's owner is part of its
creation, not a change of its own."""

import json
from decimal import Decimal

import pytest

from registry.units.models import Unit, UnitEvent

from .conftest import GOOD, run, survey

pytestmark = pytest.mark.django_db


def timeline(client, user, unit):
    client.force_login(user)
    response = client.get(f"/api/units/{unit.pk}/timeline/")
    assert response.status_code == 200, response.content
    return response.json()["entries"]


def test_an_undone_import_keeps_its_status_change_on_the_timeline_marked_as_taken_back(client, users, tmp_path):
    from registry.imports.models import ImportBatch

    run(survey(tmp_path, GOOD))
    run(survey(tmp_path, ["Marktstr.;201;1.250,0;;leer;;Gastronomie;;;642300;5649500"], "leer.csv"))
    batch = ImportBatch.objects.latest("pk")
    unit = Unit.objects.get(street="Marktstr.", house_number="201")
    assert unit.status == "vacant"
    manager = users["stadt-erfurt"]
    change = timeline(client, manager, unit)[0]
    assert (change["title"], change["channel"]) == ("Status: genutzt → leer", f"Import Nr. {batch.pk}")

    run(survey(tmp_path, []), "--undo")
    unit.refresh_from_db()
    assert unit.status == "occupied"
    entries = timeline(client, manager, unit)
    titles = [(e["title"], e["channel"], e["restorable"]) for e in entries]
    assert titles[:2] == [  # newest first: the reversal, then what it took back
        ("Zurückgenommen – Status: genutzt → leer", f"Rücknahme von Import Nr. {batch.pk}", False),
        ("Status: genutzt → leer (zurückgenommen)", f"Import Nr. {batch.pk}", False),
    ]
    assert entries[0]["actor"] == entries[1]["actor"] == "stadt-erfurt"
    assert entries[1]["note"] == "Import leer.csv"
    assert titles[-1][0] == "Erfasst: genutzt"

    analyst = timeline(client, users["analyst"], unit)  # the story, without who and notes
    assert [e["title"] for e in analyst][:2] == [e["title"] for e in entries][:2]
    assert all(e["actor"] == "" and e["note"] == "" for e in analyst)
    client.force_login(users["stadt-jena"])
    assert client.get(f"/api/units/{unit.pk}/timeline/").status_code == 404


def test_a_taken_back_status_cannot_be_undone_again(client, users, tmp_path):
    run(survey(tmp_path, GOOD))
    run(survey(tmp_path, ["Marktstr.;201;1.250,0;;leer;;Gastronomie;;;642300;5649500"], "leer.csv"))
    run(survey(tmp_path, []), "--undo")
    unit = Unit.objects.get(street="Marktstr.", house_number="201")
    taken_back = timeline(client, users["stadt-erfurt"], unit)[1]
    response = client.post(f"/api/units/{unit.pk}/restore/", json.dumps(
        {"version": unit.version, "entry": taken_back["key"]}), content_type="application/json")
    assert response.status_code == 400
    assert Unit.objects.get(pk=unit.pk).status == "occupied"


def test_a_new_units_owner_comes_with_the_unit_not_as_a_change_to_undo(client, users, tmp_path):
    run(survey(tmp_path, GOOD))  # Domplatz 99 with its owner Max Muster
    unit = Unit.objects.get(street="Domplatz", house_number="99")
    assert unit.owner.name == "Max Muster"
    assert not UnitEvent.objects.filter(pgh_obj=unit, pgh_label="update", owner__isnull=False).exists()
    entries = timeline(client, users["stadt-erfurt"], unit)
    assert [e for e in entries if e["kind"] == "owner"] == []
    assert not any(e["restorable"] for e in entries)


def test_an_undone_imports_field_edit_is_marked_taken_back_and_neither_side_can_be_undone(client, users, tmp_path):
    from registry.imports.models import ImportBatch

    run(survey(tmp_path, GOOD))  # Marktstr. 201 with 1.250 m²
    run(survey(tmp_path, ["Marktstr.;201;90,9;;genutzt;;Gastronomie;;;642300;5649500"], "kleiner.csv"))
    batch = ImportBatch.objects.latest("pk")
    unit = Unit.objects.get(street="Marktstr.", house_number="201")
    assert unit.floor_area == Decimal("90.9")
    manager = users["stadt-erfurt"]
    edit = timeline(client, manager, unit)[0]
    assert (edit["title"], edit["channel"], edit["restorable"]) == ("Angaben geändert", f"Import Nr. {batch.pk}", True)

    run(survey(tmp_path, []), "--undo")
    unit.refresh_from_db()
    assert unit.floor_area == 1250
    entries = timeline(client, manager, unit)
    change = {"label": "Nutzfläche (m²)", "old": "1.250,0", "new": "90,9"}
    assert [(e["title"], e["kind"], e["channel"], e["restorable"], e["changes"]) for e in entries[:2]] == [
        ("Zurückgenommen – Angaben geändert", "restore", f"Rücknahme von Import Nr. {batch.pk}", False,
         [{"label": "Nutzfläche (m²)", "old": "90,9", "new": "1.250,0"}]),
        ("Angaben geändert (zurückgenommen)", "edit", f"Import Nr. {batch.pk}", False, [change]),
    ]
    assert not any(e["restorable"] for e in entries)

    recorded = UnitEvent.objects.filter(pgh_obj=unit).count()
    for entry in entries[:2]:  # the keys still name unit events: the endpoint itself refuses them
        response = client.post(f"/api/units/{unit.pk}/restore/", json.dumps(
            {"version": unit.version, "entry": entry["key"]}), content_type="application/json")
        assert response.status_code == 400, response.content
        message = " ".join(response.json()["errors"]["__all__"])
        assert f"Import Nr. {batch.pk}" in message and "zurückgenommen" in message, message
    after = Unit.objects.get(pk=unit.pk)
    assert (after.floor_area, after.version) == (1250, unit.version)
    assert UnitEvent.objects.filter(pgh_obj=unit).count() == recorded  # nothing written, nothing recorded
