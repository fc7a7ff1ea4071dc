"""The web import: upload → mapping → preview with errors → fix → commit, and the preset is kept."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.imports.models import ImportBatch, MappingPreset
from registry.places.models import Municipality
from registry.units.models import Unit

pytestmark = pytest.mark.django_db

BAD = ("Str.;Nr;Fläche m2;Zustand;RW;HW;Bemerkung\n"
       "Domplatz;90;ca. 80;leer;642200;5649400;x\n"
       "Domplatz;91;70;leer;642210;5649410;y\n").encode("cp1252")
FIXED = BAD.replace(b"ca. 80", b"80")


@pytest.fixture
def manager(client, users):
    client.force_login(users["stadt-erfurt"])
    return client


def upload(client, content):
    erfurt = Municipality.objects.get(ags="16051000")
    return client.post("/import/", {"municipality": erfurt.pk, "file": SimpleUploadedFile("erhebung.csv", content)})


def test_upload_mapping_preview_commit(manager):
    assert upload(manager, BAD).url.endswith("/import/zuordnung/")
    page = manager.get("/import/zuordnung/").content.decode()
    assert re.search(r'<option value="street" selected>', page)  # "Str." recognised
    assert re.search(r'<option value="x" selected>', page)  # "RW" = Rechtswert
    preview = manager.get("/import/vorschau/")
    assert "Zeile 2, Spalte Fläche m2: „ca. 80“ ist keine Zahl." in preview.content.decode()
    errors_csv = manager.get("/import/vorschau/?format=csv").content.decode("utf-8-sig")
    assert "2;Fläche m2;„ca. 80“ ist keine Zahl." in errors_csv
    assert manager.post("/import/vorschau/").status_code == 400
    assert not Unit.objects.filter(street="Domplatz", house_number__in=["90", "91"]).exists()

    upload(manager, FIXED)
    assert "2 neu" in manager.get("/import/vorschau/").content.decode()
    assert manager.post("/import/vorschau/").status_code == 302
    assert Unit.objects.filter(street="Domplatz", house_number__in=["90", "91"]).count() == 2
    assert MappingPreset.objects.get(municipality__ags="16051000").mapping["Str."] == "street"
    assert ImportBatch.objects.get().created == 2


def test_a_mapping_chosen_by_hand_is_suggested_next_time(manager):
    content = "Lage;Nr;Fläche m2;Zustand;RW;HW\nDomplatz;92;50;leer;642200;5649400\n".encode()
    upload(manager, content)
    manager.post("/import/zuordnung/", {"map-0": "street", "map-1": "house_number", "map-2": "floor_area",
                                        "map-3": "status", "map-4": "x", "map-5": "y"})
    manager.post("/import/vorschau/")
    upload(manager, content)
    page = manager.get("/import/zuordnung/").content.decode()
    assert page.count(" selected>") >= 6


def test_other_users_cannot_import(client, users):
    client.force_login(users["analyst"])
    assert client.get("/import/").status_code == 403
    client.force_login(users["stadt-jena"])
    erfurt = Municipality.objects.get(ags="16051000")
    response = client.post("/import/", {"municipality": erfurt.pk, "file": SimpleUploadedFile("e.csv", FIXED)})
    assert response.status_code == 404
