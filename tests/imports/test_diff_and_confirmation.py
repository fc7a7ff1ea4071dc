"""Before anything is written the city manager sees what will change, unit by unit and field by field (a move in
metres, a status change with its dates, an owner change), on the command line, as CSV and on the web; import and
undo name what they will do and wait for a yes. The survey template imports without a mapping step."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from registry.imports import diff, views
from registry.imports.models import ImportBatch, ImportChange
from registry.places.models import Municipality
from registry.units.models import Unit

from .conftest import run
from .test_survey_files import OFFICE_HEADER, OFFICE_ROWS, write_csv

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "yes"}


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.IMPORT_UPLOADS = tmp_path / "uploads"


def second_survey(tmp_path):
    """The same town a year later: Erhebungsgasse 99 is now a café 600 m further east (the first survey had it
    at the wrong house), smaller, with a new owner; Zählerweg 12 a is unchanged; one unit is new."""
    moved = list(OFFICE_ROWS[0])
    moved[2], moved[5], moved[6], moved[7], moved[8] = "1.100", "Gastronomie", "genutzt", "", "Erika Neu"
    moved[9], moved[10], moved[14] = "0361 999", "erika@example.org", "642800"
    new = ["Neuer Weg", "1", "50", "", "", "", "leer", "01.10.2026", "", "", "", "", "", "", "642500", "5649300"]
    return write_csv(tmp_path / "zweite-erhebung.csv", OFFICE_HEADER, [moved, OFFICE_ROWS[1], new])


@pytest.fixture
def first_import(tmp_path):
    run(write_csv(tmp_path / "erste-erhebung.csv", OFFICE_HEADER, OFFICE_ROWS))
    return Unit.objects.get(street="Erhebungsgasse", house_number="99")


def command(*args, stdin=None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        call_command("import_units", *args, "--municipality", "16051000", "--user", "stadt-erfurt", verbosity=0,
                     stdout=out, stderr=err)
    finally:
        out.seek(0)
    return out.getvalue()


def today():
    return timezone.localdate().strftime("%d.%m.%Y")


def test_dry_run_prints_the_diff_and_writes_it_as_csv(tmp_path, first_import):
    path, target = second_survey(tmp_path), tmp_path / "aenderungen.csv"
    versions = dict(Unit.objects.values_list("id", "version"))
    output = command(str(path), "--dry-run", "--diff-csv", str(target))
    assert re.search(r"1 neu, 1 geändert, davon 1 verschoben um 60\d m, 1 mit neuem Status, 1 mit neuem Eigentümer "
                     r"oder neuen Kontaktdaten, 1 unverändert\.", output), output
    assert f"Zeile 2 · Einheit {first_import.pk} · Erhebungsgasse 99:" in output
    for line in ("Nutzfläche: 1.250,5 m² → 1.100 m²", "Nutzung: Einzelhandel → Gastronomie",
                 f"Status: leer seit 01.03.2024 → genutzt ab {today()}", "Eigentümer: Max Müller → Erika Neu",
                 # a new owner brings new contact data: shown too, not written unseen
                 "Telefon (Eigentümer): 0361 555 01 → 0361 999",
                 "E-Mail (Eigentümer): mueller@example.org → erika@example.org"):
        assert f"    {line}" in output, (line, output)
    assert re.search(r"    Standort: bisheriger Standort → verschoben um 60\d m", output)
    assert "Zählerweg" not in output  # unchanged units are not listed
    assert dict(Unit.objects.values_list("id", "version")) == versions and not ImportBatch.objects.filter(
        file_name="zweite-erhebung.csv").exists()
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == diff.CSV_HEADER
    moved = next(row for row in rows if row[3] == "Standort")
    assert moved[:3] == ["2", str(first_import.pk), "Erhebungsgasse 99"] and 600 <= float(
        moved[6].replace(".", "").replace(",", ".")) < 610
    assert ["2", str(first_import.pk), "Erhebungsgasse 99", "Nutzfläche", "1.250,5 m²", "1.100 m²", ""] in rows


def test_command_line_import_and_undo_ask_first(tmp_path, first_import, monkeypatch):
    path = second_survey(tmp_path)
    with pytest.raises(CommandError, match="Abgebrochen: nichts importiert"):
        command(str(path), stdin="n\n", monkeypatch=monkeypatch)
    assert not Unit.objects.filter(street="Neuer Weg").exists()
    output = command(str(path), stdin="j\n", monkeypatch=monkeypatch)
    assert "Importiert" in output and Unit.objects.filter(street="Neuer Weg").exists()
    with pytest.raises(CommandError, match="Abgebrochen: nichts zurückgenommen"):
        command("--undo", stdin="nein\n", monkeypatch=monkeypatch)
    assert Unit.objects.filter(street="Neuer Weg").exists()
    undone = command("--undo", stdin="ja\n", monkeypatch=monkeypatch)
    assert not Unit.objects.filter(street="Neuer Weg").exists()
    # the time the import is named by is local, as in the question before (it once said UTC here)
    finished = timezone.localtime(ImportBatch.objects.get(file_name="zweite-erhebung.csv").finished_at)
    assert f"vom {finished:%d.%m.%Y %H:%M} zurückgenommen" in undone, undone
    first_import.refresh_from_db()
    assert float(first_import.floor_area) == 1250.5 and first_import.status == "vacant"


def test_owner_values_are_hidden_from_those_not_allowed():
    shown = diff.describe(2, 1, "Anger 1", "owner_name", "Max Müller", "Erika Neu", None, None, None, True)
    hidden = diff.describe(2, 1, "Anger 1", "owner_name", "Max Müller", "Erika Neu", None, None, None, False)
    assert (shown["old"], shown["new"]) == ("Max Müller", "Erika Neu")
    assert "Müller" not in str(hidden) and "Erika" not in str(hidden) and hidden["new"] == diff.HIDDEN


def test_web_diff_confirmation_import_and_undo(tmp_path, client, users, first_import, work_off_queue, monkeypatch):
    client.force_login(users["stadt-erfurt"])
    erfurt = Municipality.objects.get(ags="16051000")
    path = second_survey(tmp_path)
    response = client.post("/import/", {"municipality": erfurt.pk,
                                        "file": SimpleUploadedFile(path.name, path.read_bytes())})
    batch_url = response.url
    assert re.fullmatch(r"/import/\d+/", batch_url)  # every header known: no mapping step
    work_off_queue()
    page = client.get(batch_url).content.decode()
    assert re.search(r"3 Zeilen: <span id=\"sentence\">1 neu, 1 geändert, davon 1 verschoben um 60\d m", page)
    assert 'id="diff-table"' in page and "Nutzfläche" in page and "1.250,5 m²" in page and "1.100 m²" in page
    assert "leer seit 01.03.2024" in page and f"genutzt ab {today()}" in page and "Erika Neu" in page
    only_moves = client.get(batch_url + "?feld=location").content.decode()
    assert only_moves.count('data-field="location"') == 1 and 'data-field="floor_area"' not in only_moves
    nothing = client.get(batch_url + "?q=Zählerweg").content.decode()
    assert "Keine Änderungen mit diesem Filter." in nothing
    by_field = client.get(batch_url + "?sort=-feld").content.decode()
    fields = re.findall(r'data-field="([a-z_]+)"', by_field)
    assert fields == sorted(fields, reverse=True) and len(fields) == ImportChange.objects.filter(
        batch__file_name="zweite-erhebung.csv").count()
    monkeypatch.setattr(views, "DIFF_PAGE", 2)
    paged = client.get(batch_url + "?sort=feld&seite=2").content.decode()
    assert len(re.findall(r'data-field="', paged)) == 2 and "Seite 2 von" in paged

    asked = client.post(batch_url + "importieren/").content.decode()
    assert re.search(r"„zweite-erhebung.csv“ nach Erfurt importieren: 1 neu, 1 geändert, davon 1 verschoben um "
                     r"60\d m", asked)
    assert 'name="confirmed" value="yes"' in asked
    assert ImportBatch.objects.get(file_name="zweite-erhebung.csv").state == "checked"  # nothing started
    client.post(batch_url + "importieren/", CONFIRMED)
    work_off_queue()
    first_import.refresh_from_db()
    assert first_import.status == "occupied" and float(first_import.floor_area) == 1100
    assert first_import.owner.name == "Erika Neu"
    done = client.get(batch_url).content.decode()
    assert "Was sich geändert hat" in done and 'id="import-done"' in done

    undo_url = f"/import/rueckgaengig/{erfurt.pk}/"
    asked = client.post(undo_url).content.decode()
    assert "Import „zweite-erhebung.csv“ vom" in asked
    assert "1 neue Einheit(en) werden gelöscht; 1 geänderte Einheit(en) bekommen ihre vorherigen Werte" in asked
    assert Unit.objects.filter(street="Neuer Weg").exists()
    client.post(undo_url, CONFIRMED)
    assert not Unit.objects.filter(street="Neuer Weg").exists()
    first_import.refresh_from_db()
    assert first_import.status == "vacant" and float(first_import.floor_area) == 1250.5
    # personal data gone with the undo
    assert not ImportChange.objects.filter(batch__file_name="zweite-erhebung.csv", field__startswith="owner").exists()


def test_the_survey_template_round_trips_without_a_mapping_step(client, users, work_off_queue):
    response = client.get("/import/vorlage.xlsx")  # public: survey staff fill it in without an account
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Erhebung", "Listen", "Erläuterung"]
    sheet = workbook["Erhebung"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Objektnummer", "Bezeichnung", "Straße", "Hausnummer"]
    column = {name: openpyxl.utils.get_column_letter(index + 1) for index, name in enumerate(header)}
    lists = workbook["Listen"]
    validated = {str(v.sqref).split(":")[0][:-1]: v.formula1 for v in sheet.data_validations.dataValidation}
    for name in ("Status", "Nutzungsart", "Geschoss", "barrierefrei", "Denkmalschutz"):
        assert validated[column[name]].startswith("=Listen!"), name
    options = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1)
                                        if lists.cell(r, c).value] for c in range(1, lists.max_column + 1)}
    assert "vermietet, noch nicht eröffnet" in options["Status"] and "Kultur/Bildung" in options["Nutzungsart"]
    assert options["Geschoss"] == ["EG", "OG", "UG"]
    explained = [row[0] for row in workbook["Erläuterung"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert set(header) <= set(explained)

    filled = {"Objektnummer": "V-1", "Bezeichnung": "Vorlagenladen", "Straße": "Vorlagenweg", "Hausnummer": "3 b",
              "PLZ": "99084", "Ort": "Erfurt", "Geschoss": "EG", "Status": "vermietet, noch nicht eröffnet",
              "Nutzungsart": "Kultur/Bildung", "Nutzfläche (m²)": 88.5, "Verkaufsfläche (m²)": 60,
              "Schaufensterfront (m)": 5.5, "barrierefrei": "ja", "Denkmalschutz": "nein", "Kaltmiete (€/m²)": 9.5,
              "zuletzt geprüft": datetime.date(2026, 11, 2), "Eigentümer": "Vera Vorlage",
              "Telefon Eigentümer": "0361 42", "E-Mail Eigentümer": "vera@example.org",
              "Bemerkung (intern)": "Schlüssel beim Nachbarn", "Rechtswert": 642150, "Hochwert": 5649350}
    assert set(filled) == set(header) - {"leer seit"}
    for name, value in filled.items():
        sheet[f"{column[name]}2"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)

    client.force_login(users["stadt-erfurt"])
    erfurt = Municipality.objects.get(ags="16051000")
    response = client.post("/import/", {"municipality": erfurt.pk,
                                        "file": SimpleUploadedFile("erhebung.xlsx", buffer.getvalue())})
    assert re.fullmatch(r"/import/\d+/", response.url)  # no mapping step
    work_off_queue()
    client.post(response.url + "importieren/", CONFIRMED)
    work_off_queue()
    found = Unit.objects.select_related("owner").get(external_id="V-1")
    expected = {"name": "Vorlagenladen", "street": "Vorlagenweg", "house_number": "3 b", "postcode": "99084",
                "town": "Erfurt", "floor": "EG", "status": "let_not_open", "step_free": True,
                "listed_building": False, "last_checked": datetime.date(2026, 11, 2),
                "internal_note": "Schlüssel beim Nachbarn"}
    for field, value in expected.items():
        assert getattr(found, field) == value, field
    assert (float(found.floor_area), float(found.sales_area), float(found.frontage), float(found.asking_rent)) == (
        88.5, 60, 5.5, 9.5)
    assert (found.owner.name, found.owner.phone, found.owner.email) == ("Vera Vorlage", "0361 42", "vera@example.org")


def test_upload_whose_headers_match_nothing_names_the_expected_ones(client, users):
    client.force_login(users["stadt-erfurt"])
    erfurt = Municipality.objects.get(ags="16051000")
    response = client.post("/import/", {"municipality": erfurt.pk,
                                        "file": SimpleUploadedFile("fremd.csv", b"Spalte A;Spalte B\n1;2\n")})
    page = response.content.decode()
    assert response.status_code == 400 and "Keine Spalte der Datei wurde erkannt" in page
    assert "Straße, Hausnummer" in page and 'href="/import/vorlage.xlsx"' in page


def test_confirmations_speak_the_users_language(tmp_path, client, users, first_import, work_off_queue):
    """The English UI once asked „Import bestätigen … Ja, jetzt importieren“ and „Ja, zurücknehmen“."""
    client.force_login(users["stadt-erfurt"])
    erfurt = Municipality.objects.get(ags="16051000")
    path = second_survey(tmp_path)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    batch_url = client.post("/import/", {"municipality": erfurt.pk,
                                         "file": SimpleUploadedFile(path.name, path.read_bytes())}, **english).url
    work_off_queue()
    page = client.get(batch_url, **english).content.decode()
    assert ">Row</a>" in page and ">Distance</a>" in page
    assert "floor area" in page.lower() or "Floor area" in page, page
    assert re.search(r"vacant since 01\.03\.2024</td><td>occupied from \d\d\.\d\d\.\d{4}", page)
    assert "previous location" in page and re.search(r"moved by 60\d m", page)
    asked = client.post(batch_url + "importieren/", **english).content.decode()
    assert "Confirm the import" in asked and "Yes, import now" in asked and "Import bestätigen" not in asked
    assert re.search(r"Import “zweite-erhebung.csv” into Erfurt: 1 new, 1 changed, of which 1 moved by 60\d m, 1 with "
                     r"a new status, 1 with a new owner or new contact details, 1 unchanged\.", asked), asked
    client.post(batch_url + "importieren/", CONFIRMED, **english)
    work_off_queue()
    undo_url = f"/import/rueckgaengig/{erfurt.pk}/"
    asked = client.post(undo_url, **english).content.decode()
    assert "Undo the import" in asked and "Yes, undo it" in asked
    done = client.post(undo_url, CONFIRMED, follow=True, **english).content.decode()
    assert "Import “zweite-erhebung.csv” undone." in done
    assert not Unit.objects.filter(street="Neuer Weg").exists()
