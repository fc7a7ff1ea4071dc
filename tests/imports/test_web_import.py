"""The web import: upload → mapping → background dry run with errors → fix → background import, preset kept."""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from registry.accounts.models import Profile
from registry.imports.models import ImportBatch, MappingPreset
from registry.places.models import Municipality
from registry.units.models import Unit

pytestmark = pytest.mark.django_db

# "Foto" is a column the register has no field for: it must be ignored on purpose in the mapping step
BAD = ("Str.;Nr;Fläche m2;Zustand;RW;HW;Bemerkung;Foto\n"
       "Domplatz;90;ca. 80;leer;642200;5649400;x;IMG_1.jpg\n"
       "Domplatz;91;70;leer;642210;5649410;y;IMG_2.jpg\n").encode("cp1252")
CONFIRMED = {"confirmed": "yes"}
FIXED = BAD.replace(b"ca. 80", b"80")


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.IMPORT_UPLOADS = tmp_path / "uploads"


@pytest.fixture
def manager(client, users):
    client.force_login(users["stadt-erfurt"])
    return client


def upload(client, content):
    erfurt = Municipality.objects.get(ags="16051000")
    return client.post("/import/", {"municipality": erfurt.pk, "file": SimpleUploadedFile("erhebung.csv", content)})


def confirm_mapping(client, **chosen):
    response = client.post("/import/zuordnung/", chosen or {f"map-{i}": field for i, field in enumerate(
        ["street", "house_number", "floor_area", "status", "x", "y", "internal_note", "-"])})
    assert response.status_code == 302
    return response.url


def test_upload_mapping_background_check_then_import(manager, work_off_queue):
    assert upload(manager, BAD).url.endswith("/import/zuordnung/")
    page = manager.get("/import/zuordnung/").content.decode()
    assert re.search(r'<option value="street" selected>', page)  # "Str." recognised
    assert re.search(r'<option value="x" selected>', page)  # "RW" = Rechtswert
    batch_url = confirm_mapping(manager)
    waiting = manager.get(batch_url).content.decode()
    assert 'id="job-progress"' in waiting and "wartet" in waiting
    work_off_queue()
    checked = manager.get(batch_url).content.decode()
    assert "Zeile 2, Spalte Fläche m2: „ca. 80“ ist keine Zahl." in checked and 'id="commit"' not in checked
    assert "2 Zeilen" in checked and "0 neu" not in checked  # no counts for a file that will not be imported
    errors_csv = manager.get(batch_url + "fehler.csv").content.decode("utf-8-sig")
    assert "2;Fläche m2;„ca. 80“ ist keine Zahl." in errors_csv
    manager.post(batch_url + "importieren/", CONFIRMED)
    work_off_queue()
    assert not Unit.objects.filter(street="Domplatz", house_number__in=["90", "91"]).exists()

    batch_url = upload(manager, FIXED).url  # the mapping confirmed above is the town's preset: no mapping step
    assert re.fullmatch(r"/import/\d+/", batch_url)
    work_off_queue()
    uploaded = ImportBatch.objects.get(state="checked").path
    assert "2 neu" in manager.get(batch_url).content.decode()
    assert not Unit.objects.filter(street="Domplatz", house_number__in=["90", "91"]).exists()  # a dry run only
    manager.post(batch_url + "importieren/", CONFIRMED)
    assert manager.get(batch_url + "stand.json").json()["state"] == "queued"
    second_click = manager.post(batch_url + "importieren/", CONFIRMED, follow=True).content.decode()
    assert "Nur eine fehlerfrei geprüfte Datei" in second_click  # queued once, not twice
    work_off_queue()
    assert Unit.objects.filter(street="Domplatz", house_number__in=["90", "91"]).count() == 2
    batch = ImportBatch.objects.get(state="done")
    assert batch.created == 2 and batch.rows_done == batch.rows_total == 2
    assert batch.path == "" and not Path(uploaded).exists()  # owners' data not kept
    assert manager.get(batch_url + "stand.json").json() == {
        "state": "done", "label": "importiert", "rows_done": 2, "rows_total": 2, "percent": 100}


def test_a_confirmed_mapping_is_kept_by_name_and_suggested_next_time(manager, work_off_queue):
    content = "Lage;Nr;Fläche m2;Zustand;RW;HW;Foto\nDomplatz;92;50;leer;642200;5649400;1.jpg\n".encode()
    upload(manager, content)
    confirm_mapping(manager, preset="Straßenbegehung 2026", **{
        f"map-{i}": field for i, field in enumerate(["street", "house_number", "floor_area", "status", "x", "y", "-"])})
    preset = MappingPreset.objects.get(municipality__ags="16051000")
    assert preset.name == "Straßenbegehung 2026" and preset.mapping["Lage"] == "street"
    assert preset.mapping["Foto"] == ""  # ignoring is a recorded choice
    # the town's usual file next time: every column known from the preset, so no mapping step
    assert re.fullmatch(r"/import/\d+/", upload(manager, content).url)
    assert ImportBatch.objects.latest("pk").mapping == preset.mapping


def test_other_users_cannot_import_or_see_a_job(client, users, manager, work_off_queue):
    upload(manager, FIXED)
    batch_url = confirm_mapping(manager)
    client.force_login(users["analyst"])
    assert client.get("/import/").status_code == 403
    client.force_login(users["stadt-jena"])
    erfurt = Municipality.objects.get(ags="16051000")
    response = client.post("/import/", {"municipality": erfurt.pk, "file": SimpleUploadedFile("e.csv", FIXED)})
    assert response.status_code == 404
    assert client.get(batch_url).status_code == 404 and client.get(batch_url + "stand.json").status_code == 404
    assert client.post(batch_url + "importieren/", CONFIRMED).status_code == 404


def test_the_colleague_who_starts_the_import_is_recorded_as_importer(client, users, manager, work_off_queue):
    upload(manager, FIXED)
    batch_url = confirm_mapping(manager)
    work_off_queue()
    colleague = get_user_model().objects.create_user("stadt-erfurt-2")
    colleague.groups.set(users["stadt-erfurt"].groups.all())
    Profile.objects.create(user=colleague).municipalities.set(users["stadt-erfurt"].profile.municipalities.all())
    client.force_login(colleague)
    client.post(batch_url + "importieren/", CONFIRMED)
    work_off_queue()
    assert ImportBatch.objects.get(state="done").created_by.username == "stadt-erfurt-2"


def test_a_pending_upload_that_was_pruned_asks_for_a_new_one(manager):
    upload(manager, FIXED)
    for folder in settings.IMPORT_UPLOADS.iterdir():
        shutil.rmtree(folder)
    response = manager.get("/import/zuordnung/", follow=True)
    assert "nicht mehr vorhanden" in response.content.decode()


def test_a_refused_file_is_checked_again_with_another_mapping_without_a_new_upload(manager, work_off_queue):
    upload(manager, BAD.replace(b"ca. 80", b"80"))
    batch_url = confirm_mapping(manager, **{f"map-{i}": field for i, field in enumerate(
        ["street", "house_number", "-", "status", "x", "y", "floor_area", "-"])})  # "Bemerkung" taken for the area
    work_off_queue()
    refused = manager.get(batch_url).content.decode()
    assert "Zeile 2, Spalte Bemerkung: „x“ ist keine Zahl." in refused and 'id="remap"' in refused
    assert manager.get(batch_url + "zuordnung/").url.endswith("/import/zuordnung/")
    page = manager.get("/import/zuordnung/").content.decode()
    assert re.search(r'<select name="map-6" aria-label="Bemerkung"[^>]*>.*?<option value="floor_area" selected>', page,
                     re.S)  # the mapping that was refused, to correct
    assert confirm_mapping(manager) == batch_url  # the same batch, checked again
    work_off_queue()
    assert "2 neu" in manager.get(batch_url).content.decode()
    manager.post(batch_url + "importieren/", CONFIRMED)
    work_off_queue()
    batch = ImportBatch.objects.get()
    assert batch.state == "done" and batch.mapping["Fläche m2"] == "floor_area" and batch.path == ""
    assert list(Unit.objects.filter(street="Domplatz", house_number="90").values_list("floor_area", flat=True)) == [80]
    assert manager.get(batch_url + "zuordnung/", follow=True).redirect_chain[-1][0] == batch_url  # nothing to map


def test_a_refused_file_can_be_deleted_at_once_but_only_by_its_town(users, manager, work_off_queue):
    upload(manager, BAD)
    batch_url = confirm_mapping(manager)
    work_off_queue()
    kept = Path(ImportBatch.objects.get(state="refused").path)
    assert kept.is_file()  # for another mapping, a week at most (test_retention)
    jena = Client()
    jena.force_login(users["stadt-jena"])
    assert jena.post(batch_url + "verwerfen/").status_code == 404
    assert jena.get(batch_url + "zuordnung/").status_code == 404
    assert kept.is_file()
    manager.post(batch_url + "verwerfen/")
    assert not kept.exists() and ImportBatch.objects.get().path == ""
    assert 'id="remap"' not in manager.get(batch_url).content.decode()


def test_a_batch_queued_for_its_import_cannot_be_sent_back_to_the_mapping(manager, work_off_queue):
    upload(manager, FIXED)
    batch_url = confirm_mapping(manager)
    work_off_queue()
    manager.post(batch_url + "importieren/", CONFIRMED)  # queued; the worker is busy elsewhere
    page = manager.get(batch_url + "zuordnung/", follow=True).content.decode()  # a stale tab
    assert "lässt sich nicht mehr ändern" in page
    work_off_queue()
    assert ImportBatch.objects.get().state == "done"  # the confirmed import ran


def test_a_fuzzy_header_is_shown_with_its_confidence_before_the_check(manager):
    content = "Straße;Hausnumer;Nutzflache;Status;RW;HW\nDomplatz;93;50;leer;642200;5649400\n".encode()
    assert upload(manager, content).url.endswith("/import/zuordnung/")  # a guess is confirmed, not taken blindly
    page = manager.get("/import/zuordnung/").content.decode()
    assert re.search(r'Hausnummer <span class="score" data-score="95">\(95 %\)</span>', page)
    assert re.search(r'Nutzfläche <span class="score" data-score="95">\(95 %\)</span>', page)
    assert re.search(r'aria-label="Hausnumer"[^>]*>.*?<option value="house_number" selected>', page, re.S)
    assert 'id="unmapped"' not in page


def test_every_column_must_be_mapped_or_ignored_on_purpose(manager):
    upload(manager, BAD)
    page = manager.get("/import/zuordnung/").content.decode()
    assert re.search(r'id="unmapped".*?1 Spalte ist keinem Feld zugeordnet.*?Foto', page, re.S)
    response = manager.post("/import/zuordnung/", {f"map-{i}": field for i, field in enumerate(
        ["street", "house_number", "floor_area", "status", "x", "y", "internal_note", ""])})
    assert response.status_code == 400 and "Bitte für jede Spalte ein Feld oder „ignorieren“ wählen: Foto" in \
        response.content.decode()
    assert not ImportBatch.objects.exists() and not MappingPreset.objects.exists()
