"""A city manager updates known units from the survey template without coordinates: the units keep their place.
Only a row that makes a new unit needs one, and is refused (nothing written) with the columns to fill."""

import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.imports import engine
from registry.imports.models import ImportBatch, ImportChange
from registry.imports.readers import read
from registry.places.models import Municipality
from registry.units.models import Unit

from .conftest import run

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "yes"}
NEW_UNIT_ERROR = ("Zeile 3, Spalte Rechtswert/Hochwert: Neue Einheit ohne Standort – bitte Rechtswert und Hochwert "
                  "(oder Längen-/Breitengrad) angeben.")


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.IMPORT_UPLOADS = tmp_path / "uploads"


@pytest.fixture
def erfurt():
    return Municipality.objects.get(ags="16051000")


@pytest.fixture
def template(client):
    """The template as anyone downloads it (public), and a function filling its rows: {header: value} each."""
    workbook_bytes = client.get("/import/vorlage.xlsx").content

    def filled(path, rows):
        workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
        sheet = workbook["Erhebung"]
        header = [cell.value for cell in sheet[1]]
        for number, row in enumerate(rows, start=2):
            for name, value in row.items():
                sheet.cell(number, header.index(name) + 1, value)
        workbook.save(path)
        return path
    return filled


@pytest.fixture
def known(tmp_path, template):
    """Two Erfurt units from an earlier survey with the template, placed by UTM coordinates."""
    run(template(tmp_path / "erste.xlsx", [
        {"Objektnummer": "E-1", "Straße": "Vorlagengasse", "Hausnummer": "7", "Status": "genutzt",
         "Nutzungsart": "Einzelhandel", "Nutzfläche (m²)": 300, "Rechtswert": 642200, "Hochwert": 5649400},
        {"Objektnummer": "E-2", "Straße": "Vorlagengasse", "Hausnummer": "12", "Status": "leer",
         "Nutzfläche (m²)": 900, "Rechtswert": 642300, "Hochwert": 5649500}]))
    return {unit.external_id: unit for unit in Unit.objects.filter(external_id__in=["E-1", "E-2"])}


# As the walkthrough filled it: the Objektnummer finds the unit, Rechtswert/Hochwert left empty,
# the area typed as text with a thousands dot.
UPDATES = [{"Objektnummer": "E-1", "Straße": "Vorlagengasse", "Hausnummer": "7", "Status": "leer"},
           {"Objektnummer": "E-2", "Straße": "Vorlagengasse", "Hausnummer": "12", "Nutzfläche (m²)": "1.250"}]
NEW_ROW = {"Objektnummer": "E-3", "Straße": "Standortlose Gasse", "Hausnummer": "1", "Status": "leer"}


def assert_updated_in_place(known):
    first, second = (Unit.objects.get(pk=known[key].pk) for key in ("E-1", "E-2"))
    assert first.status == "vacant" and second.status == "vacant" and float(second.floor_area) == 1250
    assert float(first.floor_area) == 300  # untouched where the row is empty
    assert first.location.equals_exact(known["E-1"].location, 1e-9)
    assert second.location.equals_exact(known["E-2"].location, 1e-9)


def libreoffice_csv(tmp_path, workbook):
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "csv", "--outdir", str(tmp_path / "csv"), str(workbook)],
        check=True, capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin"})
    return tmp_path / "csv" / (workbook.stem + ".csv")


def test_template_rows_without_coordinates_update_known_units_and_move_nothing(tmp_path, template, known, erfurt):
    path = template(tmp_path / "nachtrag.xlsx", UPDATES)
    preview = engine.analyse(read(path), erfurt, keep_changes=True)
    assert preview.error_lines() == []
    assert preview.counts == {"new": 0, "changed": 2, "unchanged": 0}
    assert preview.summary["moved"] == 0 and "verschoben" not in preview.sentence()
    assert {(row[1], row[2]) for row in preview.changes} == {(known["E-1"].pk, "status"),
                                                              (known["E-2"].pk, "floor_area")}
    run(path)
    assert_updated_in_place(known)
    batch = ImportBatch.objects.get(file_name="nachtrag.xlsx")
    assert batch.changed == 2 and not batch.diff.filter(field="location").exists()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (libreoffice-calc-nogui) is not installed")
def test_the_template_saved_as_csv_by_libreoffice_updates_the_same_way(tmp_path, template, known, erfurt):
    path = libreoffice_csv(tmp_path, template(tmp_path / "nachtrag.xlsx", UPDATES))
    assert b"Rechtswert,Hochwert" in path.read_bytes().splitlines()[0]  # LibreOffice's default: commas, Latin-1
    run(path)
    assert_updated_in_place(known)
    assert not ImportChange.objects.filter(batch__file_name="nachtrag.csv", field="location").exists()


def test_a_new_unit_without_coordinates_is_refused_naming_the_columns(tmp_path, template, known, erfurt):
    path = template(tmp_path / "nachtrag.xlsx", [UPDATES[0], NEW_ROW])
    assert engine.analyse(read(path), erfurt).error_lines() == [NEW_UNIT_ERROR]
    versions = sorted(Unit.objects.values_list("id", "version"))
    with pytest.raises(engine.ImportRefused) as refused:
        engine.commit(read(path), erfurt, known["E-1"].created_by, "nachtrag.xlsx")
    assert refused.value.preview.error_lines() == [NEW_UNIT_ERROR]
    assert sorted(Unit.objects.values_list("id", "version")) == versions  # the update in row 2 not written either
    assert not Unit.objects.filter(external_id="E-3").exists()


def test_a_file_with_no_coordinate_columns_updates_and_refuses_new_units(tmp_path, known, erfurt):
    path = tmp_path / "status.csv"
    path.write_text("Objektnummer;Straße;Status\nE-1;Vorlagengasse;leer\nE-9;Standortlose Gasse;leer\n", encoding="utf-8")
    assert engine.analyse(read(path), erfurt).error_lines() == [
        "Zeile 3, Spalte Standort: Neue Einheit ohne Standort – bitte Rechtswert und Hochwert "
        "(oder Längen-/Breitengrad) angeben."]
    path.write_text("Objektnummer;Straße;Status\nE-1;Vorlagengasse;leer\n", encoding="utf-8")
    run(path)
    assert Unit.objects.get(external_id="E-1").status == "vacant"


def test_half_a_coordinate_pair_is_a_row_error(tmp_path, template, known, erfurt):
    path = template(tmp_path / "nachtrag.xlsx", [{**UPDATES[0], "Rechtswert": 642250}])
    assert engine.analyse(read(path), erfurt).error_lines() == [
        "Zeile 2, Spalte Rechtswert/Hochwert: Nur einer der Werte Rechtswert und Hochwert ist angegeben; bitte "
        "beide angeben (oder beide leer lassen, dann behält eine vorhandene Einheit ihren Standort)."]


def test_web_upload_of_the_template_without_coordinates(tmp_path, client, users, template, known, erfurt,
                                                        work_off_queue):
    client.force_login(users["stadt-erfurt"])

    def upload(rows):
        content = template(tmp_path / "nachtrag.xlsx", rows).read_bytes()
        response = client.post("/import/", {"municipality": erfurt.pk,
                                            "file": SimpleUploadedFile("nachtrag.xlsx", content)})
        assert re.fullmatch(r"/import/\d+/", response.url)  # the template needs no mapping step
        work_off_queue()
        return response.url

    refused = upload([UPDATES[0], NEW_ROW])
    page = client.get(refused).content.decode()
    assert NEW_UNIT_ERROR in page and 'id="commit"' not in page

    checked = upload(UPDATES)
    page = client.get(checked).content.decode()
    assert "0 neu, 2 geändert" in page and "verschoben" not in page
    client.post(checked + "importieren/", CONFIRMED)
    work_off_queue()
    assert_updated_in_place(known)


def test_a_row_matched_by_its_address_needs_no_coordinates_either(tmp_path, known, erfurt):
    path = tmp_path / "adresse.csv"
    path.write_text("Straße;Hausnr.;Nutzfläche\nVorlagengasse;7;320\n", encoding="utf-8")
    assert engine.analyse(read(path), erfurt).error_lines() == []
    run(path)
    unit = Unit.objects.get(pk=known["E-1"].pk)
    assert float(unit.floor_area) == 320 and unit.location.equals_exact(known["E-1"].location, 1e-9)


def test_an_ambiguous_address_without_coordinates_asks_for_the_id_only(tmp_path, known, erfurt):
    path = tmp_path / "zweite.csv"
    path.write_text("Objektnummer;Straße;Hausnr.;Rechtswert;Hochwert\nE-4;Vorlagengasse;7;642210;5649410\n",
                    encoding="utf-8")
    run(path)  # another unit at the same address, with its own number
    path = tmp_path / "adresse.csv"
    path.write_text("Straße;Hausnr.;Nutzfläche\nVorlagengasse;7;320\n", encoding="utf-8")
    assert engine.analyse(read(path), erfurt).error_lines() == [
        "Zeile 2, Spalte Straße: Im Register gibt es mehrere Einheiten unter dieser Adresse; bitte eine "
        "Objektnummer (externe ID) oder das Geschoss angeben."]
