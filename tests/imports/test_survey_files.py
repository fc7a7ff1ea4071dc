"""Surveys as Thuringian offices keep them, each header style recognised without touching the mapping and every
column found again in the register, field by field. Bad headers and values are refused with nothing written.

Header styles: LeAn-like XLSX (WGS84), an office's own CSV (Windows-1252, `;`, decimal comma, UTM 32N, headers
with units and qualifiers), English CSV (UTF-8, `,`, decimal point), units in square brackets, and an office
file with extra columns that must be ignored on purpose."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError
from pyproj import Transformer

from registry.imports import engine, values
from registry.imports.models import ImportBatch, MappingPreset
from registry.imports.readers import read
from registry.places.models import Municipality
from registry.units.models import Unit

from .conftest import run

pytestmark = pytest.mark.django_db

TO_WGS84 = Transformer.from_crs(25832, 4326, always_xy=True)


def lon_lat(easting, northing):
    return TO_WGS84.transform(easting, northing)


def write_csv(path, header, rows, encoding="cp1252", delimiter=";"):
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])  # as Excel writes
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def unit(street, number):
    return Unit.objects.select_related("owner").get(street=street, house_number=number)


def assert_fields(found, expected):
    for field, value in expected.items():
        actual = getattr(found, field)
        if isinstance(value, float):
            assert actual is not None and float(actual) == pytest.approx(value), field
        else:
            assert actual == value, (field, actual, value)


def assert_place(found, easting, northing):
    lon, lat = lon_lat(easting, northing)
    assert found.location.x == pytest.approx(lon, abs=1e-6) and found.location.y == pytest.approx(lat, abs=1e-6)


OFFICE_HEADER = ["Str.", "Hausnr.", "Nutzfläche (m²)", "Verkaufsfläche (m²)", "Schaufensterfront (m)",
                 "Nutzung (zuletzt)", "Status", "leer seit", "Eigentümer", "Telefon Eigentümer",
                 "E-Mail des Eigentümers", "Bemerkung (intern)", "barrierefrei (ja/nein)", "Denkmalschutz", "RW",
                 "HW"]
OFFICE_MAPPING = {"Str.": "street", "Hausnr.": "house_number", "Nutzfläche (m²)": "floor_area",
                  "Verkaufsfläche (m²)": "sales_area", "Schaufensterfront (m)": "frontage",
                  "Nutzung (zuletzt)": "category", "Status": "status", "leer seit": "vacant_since",
                  "Eigentümer": "owner_name", "Telefon Eigentümer": "owner_phone",
                  "E-Mail des Eigentümers": "owner_email", "Bemerkung (intern)": "internal_note",
                  "barrierefrei (ja/nein)": "step_free", "Denkmalschutz": "listed_building", "RW": "x", "HW": "y"}
OFFICE_ROWS = [
    ["Erhebungsgasse", "99", "1.250,5", "80", "6,5", "Einzelhandel", "leer", "01.03.2024", "Max Müller", "0361 555 01",
     "mueller@example.org", "Erbengemeinschaft, verkauft evtl.", "ja", "x", "642200", "5649400"],
    ["Zählerweg", "12 a", "95", "", "4", "Café", "genutzt", "", "", "", "", "", "nein", "", "642300",
     "5649500"],
]


def test_office_csv_windows_1252_decimal_comma_utm_with_units_and_qualifiers(tmp_path):
    path = write_csv(tmp_path / "leerstand-amt.csv", OFFICE_HEADER, OFFICE_ROWS)
    assert values.suggest_mapping(read(path).columns) == OFFICE_MAPPING
    run(path)
    domplatz = unit("Erhebungsgasse", "99")
    assert_fields(domplatz, {"floor_area": 1250.5, "sales_area": 80.0, "frontage": 6.5, "category": "retail",
                             "status": "vacant", "vacant_since": datetime.date(2024, 3, 1), "step_free": True,
                             "listed_building": True, "internal_note": "Erbengemeinschaft, verkauft evtl."})
    assert (domplatz.owner.name, domplatz.owner.phone, domplatz.owner.email) == (
        "Max Müller", "0361 555 01", "mueller@example.org")
    assert_place(domplatz, 642200, 5649400)
    market = unit("Zählerweg", "12 a")
    assert_fields(market, {"floor_area": 95.0, "sales_area": None, "frontage": 4.0, "category": "gastronomy",
                           "status": "occupied", "step_free": False, "listed_building": False, "internal_note": "",
                           "owner": None})


def test_lean_like_xlsx_with_wgs84(tmp_path):
    header = ["Objekt-ID", "Straße", "Hausnummer", "PLZ", "Ort", "Lage im Gebäude", "Nutzfläche in m²",
              "Verkaufsfläche in m²", "Leerstand seit", "Letzte Nutzung", "Status", "Kaltmiete €/m²",
              "Ansprechpartner", "Ansprechpartner Telefon", "Ansprechpartner E-Mail", "Breitengrad", "Längengrad",
              "Zuletzt geprüft"]
    lon, lat = lon_lat(642250, 5649450)
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    workbook.active.append(["EF-0042", "Leanstraße", "7", 99084, "Erfurt", "EG", 140, 110.5,
                            datetime.date(2023, 8, 15), "Friseur", "in Verhandlung", 12.5, "Immo GmbH",
                            "0361 1234", "info@immo.example", lat, lon, datetime.date(2026, 10, 1)])
    path = tmp_path / "lean-export.xlsx"
    workbook.save(path)
    assert values.suggest_mapping(read(path).columns) == {
        "Objekt-ID": "external_id", "Straße": "street", "Hausnummer": "house_number", "PLZ": "postcode",
        "Ort": "town", "Lage im Gebäude": "floor", "Nutzfläche in m²": "floor_area",
        "Verkaufsfläche in m²": "sales_area", "Leerstand seit": "vacant_since", "Letzte Nutzung": "category",
        "Status": "status", "Kaltmiete €/m²": "asking_rent", "Ansprechpartner": "owner_name",
        "Ansprechpartner Telefon": "owner_phone", "Ansprechpartner E-Mail": "owner_email", "Breitengrad": "y",
        "Längengrad": "x", "Zuletzt geprüft": "last_checked"}
    run(path)
    found = Unit.objects.select_related("owner").get(external_id="EF-0042")
    assert_fields(found, {"street": "Leanstraße", "house_number": "7", "postcode": "99084", "town": "Erfurt",
                          "floor": "EG", "floor_area": 140.0, "sales_area": 110.5, "category": "services",
                          "status": "reserved", "vacant_since": datetime.date(2023, 8, 15), "asking_rent": 12.5,
                          "last_checked": datetime.date(2026, 10, 1)})
    assert (found.owner.name, found.owner.phone, found.owner.email) == ("Immo GmbH", "0361 1234", "info@immo.example")
    assert_place(found, 642250, 5649450)


def test_english_csv_utf8_with_decimal_points(tmp_path):
    header = ["Property ID", "Street", "House number", "Postcode", "Floor", "Floor area (sqm)", "Sales area (sqm)",
              "Frontage (m)", "Use", "Status", "Vacant since", "Rent (EUR/sqm)", "Step-free", "Listed building",
              "Owner", "Owner phone", "Owner e-mail", "Notes", "Longitude", "Latitude"]
    lon, lat = lon_lat(642350, 5649350)
    path = write_csv(tmp_path / "survey-en.csv", header, [
        ["EN-1", "Einheitenweg", "5", "99084", "OG", "210.5", "150", "8.5", "culture", "vacant", "2025-01-31", "9.50",
         "yes", "no", "Jane Doe", "+49 361 1", "jane@example.org", "upper floor, no lift", f"{lon:.7f}",
         f"{lat:.7f}"]], encoding="utf-8", delimiter=",")
    assert values.suggest_mapping(read(path).columns) == {
        "Property ID": "external_id", "Street": "street", "House number": "house_number", "Postcode": "postcode",
        "Floor": "floor", "Floor area (sqm)": "floor_area", "Sales area (sqm)": "sales_area",
        "Frontage (m)": "frontage", "Use": "category", "Status": "status", "Vacant since": "vacant_since",
        "Rent (EUR/sqm)": "asking_rent", "Step-free": "step_free", "Listed building": "listed_building",
        "Owner": "owner_name", "Owner phone": "owner_phone", "Owner e-mail": "owner_email", "Notes": "internal_note",
        "Longitude": "x", "Latitude": "y"}
    run(path)
    found = Unit.objects.select_related("owner").get(external_id="EN-1")
    assert_fields(found, {"street": "Einheitenweg", "floor": "OG", "floor_area": 210.5, "sales_area": 150.0,
                          "frontage": 8.5, "category": "culture", "status": "vacant",
                          "vacant_since": datetime.date(2025, 1, 31), "asking_rent": 9.5, "step_free": True,
                          "listed_building": False, "internal_note": "upper floor, no lift"})
    assert (found.owner.name, found.owner.email) == ("Jane Doe", "jane@example.org")
    # the register keeps areas to 0.1 m²: finer values are rounded, and the import says so
    path.write_text(path.read_text(encoding="utf-8").replace("210.5", "210.75"), encoding="utf-8")
    notices = engine.analyse(read(path), Municipality.objects.get(ags="16051000")).notices
    assert "Spalte „Floor area (sqm)“: Werte mit mehr als 1 Nachkommastelle(n) werden gerundet (z. B. „210.75“)." \
        in notices


def test_units_in_square_brackets_and_date_hints(tmp_path):
    header = ["Straße", "Nr.", "Fläche [m²]", "VK-Fläche [qm]", "Front [m]", "Miete [€/m²]", "Zustand",
              "leer seit (TT.MM.JJJJ)", "geprüft am (TT.MM.JJJJ)", "Rechtswert [ETRS89/UTM32]",
              "Hochwert [ETRS89/UTM32]"]
    path = write_csv(tmp_path / "klammern.csv", header, [
        ["Klammerstraße", "150", "64,3", "50", "3,2", "7,80 €", "leer", "1.6.2025", "20.11.2026", "642400",
         "5649600"]])
    assert values.suggest_mapping(read(path).columns) == {
        "Straße": "street", "Nr.": "house_number", "Fläche [m²]": "floor_area", "VK-Fläche [qm]": "sales_area",
        "Front [m]": "frontage", "Miete [€/m²]": "asking_rent", "Zustand": "status",
        "leer seit (TT.MM.JJJJ)": "vacant_since", "geprüft am (TT.MM.JJJJ)": "last_checked",
        "Rechtswert [ETRS89/UTM32]": "x", "Hochwert [ETRS89/UTM32]": "y"}
    run(path)
    assert_fields(unit("Klammerstraße", "150"), {
        "floor_area": 64.3, "sales_area": 50.0, "frontage": 3.2, "asking_rent": 7.8, "status": "vacant",
        "vacant_since": datetime.date(2025, 6, 1), "last_checked": datetime.date(2026, 11, 20)})


def test_gis_export_with_utm_ost_nord_gemeinde_running_metres_and_sanierung(tmp_path):
    """Column names of an office's GIS export („UTM Ost“/„UTM Nord“, „Gemeinde“, „Schaufenster (lfd. m)“) and
    „in Sanierung“ as the status: recognised without touching the mapping („UTM Ost“ was once suggested as E-Mail)."""
    header = ["Str.", "Hausnummer", "Postleitzahl", "Gemeinde", "UTM Ost", "UTM Nord", "Schaufenster (lfd. m)",
              "Status", "Lfd. Nr."]
    path = write_csv(tmp_path / "gis-export.csv", header, [
        ["Sanierungsgasse", "4", "99084", "Erfurt", "642410,5", "5649610,2", "7,5", "in Sanierung", "31"]])
    assert values.suggest_mapping(read(path).columns) == {
        "Str.": "street", "Hausnummer": "house_number", "Postleitzahl": "postcode", "Gemeinde": "town",
        "UTM Ost": "x", "UTM Nord": "y", "Schaufenster (lfd. m)": "frontage", "Status": "status",
        "Lfd. Nr.": "external_id"}
    run(path)
    found = unit("Sanierungsgasse", "4")
    assert_fields(found, {"town": "Erfurt", "postcode": "99084", "frontage": 7.5, "status": "renovation",
                          "external_id": "31"})
    assert_place(found, 642410.5, 5649610.2)


EXTRA_HEADER = ["Lfd. Nr.", "Straße", "Hausnummer", "Fläche", "Status", "Foto", "Begehung durch", "Rechtswert",
                "Hochwert"]
EXTRA_ROWS = [["17", "Fotogasse", "3", "45", "leer", "IMG_0042.jpg", "Frau Schulz", "642450", "5649650"]]


def test_extra_columns_stop_the_command_until_ignored_on_purpose(tmp_path, capsys):
    path = write_csv(tmp_path / "mit-extras.csv", EXTRA_HEADER, EXTRA_ROWS)
    with pytest.raises(CommandError) as stopped:
        run(path)
    message = str(stopped.value)
    assert "2 Spalte(n) weder zugeordnet noch ignoriert" in message
    assert "„Foto“: Keinem Feld zugeordnet" in message and "„Begehung durch“" in message
    assert "--ignore" in message
    assert not Unit.objects.filter(street="Fotogasse").exists() and not ImportBatch.objects.exists()
    with pytest.raises(CommandError, match="nicht übernommen|weder zugeordnet"):
        run(path, "--ignore", "Foto")  # one of two is not enough
    run(path, "--ignore", "Foto", "--ignore", "Begehung durch", "--save-mapping", "Amt")
    found = unit("Fotogasse", "3")
    assert_fields(found, {"external_id": "17", "floor_area": 45.0, "status": "vacant"})
    assert "Ausdrücklich ignorierte Spalten: Foto, Begehung durch" in ImportBatch.objects.get().notices
    # ignoring is recorded in the town's preset: next time the same file goes through with --mapping alone
    preset = MappingPreset.objects.get(municipality__ags="16051000", name="Amt")
    assert preset.mapping["Foto"] == "" and preset.mapping["Begehung durch"] == "" and preset.mapping["Fläche"] \
        == "floor_area"
    run(path, "--mapping", "Amt")
    assert ImportBatch.objects.latest("pk").unchanged == 1


def test_ignore_unmapped_goes_on_and_says_so(tmp_path):
    path = write_csv(tmp_path / "mit-extras.csv", EXTRA_HEADER, EXTRA_ROWS)
    run(path, "--ignore-unmapped")
    assert unit("Fotogasse", "3").status == "vacant"
    assert "Ausdrücklich ignorierte Spalten: Foto, Begehung durch" in ImportBatch.objects.get().notices


def test_a_fuzzy_header_is_suggested_with_its_score(tmp_path):
    found = values.recognise(["Strasse", "Hausnumer", "Nutzflache", "Fotos"])
    assert (found["Hausnumer"].field, found["Nutzflache"].field) == ("house_number", "floor_area")
    assert 90 <= found["Hausnumer"].score < 100 and found["Hausnumer"].auto
    assert found["Strasse"].score == 100
    assert not found["Fotos"].auto  # a weak guess is shown, never taken


@pytest.mark.parametrize(("header", "message"), [
    ("Fläche (ha)", "Die Einheit „ha“ im Spaltennamen passt nicht zu m²"),
    ("Schaufensterfront (cm)", "Die Einheit „cm“ im Spaltennamen passt nicht zu m;"),
    ("Kaltmiete (€/Monat)", "Die Einheit „monat“ im Spaltennamen passt nicht zu €/m²"),
])
def test_a_unit_that_changes_the_value_is_refused_not_read_as_the_registers(tmp_path, header, message):
    path = write_csv(tmp_path / "einheit.csv", ["Straße", "Hausnr.", header, "RW", "HW"],
                     [["Einheitenweg", "1", "2", "642200", "5649400"]])
    preview = engine.analyse(read(path), Municipality.objects.get(ags="16051000"))
    assert any(line.startswith(f"Zeile 1, Spalte {header}: {message}") for line in preview.error_lines()), \
        preview.error_lines()
    with pytest.raises(CommandError, match="nichts importiert"):
        run(path)
    assert not Unit.objects.filter(street="Einheitenweg", house_number="1").exists()


def test_headers_matching_nothing_list_the_expected_ones_and_the_template(tmp_path):
    path = write_csv(tmp_path / "fremd.csv", ["Spalte A", "Spalte B"], [["1", "2"]])
    with pytest.raises(CommandError) as refused:
        run(path)
    assert "Keine Spalte der Datei wurde erkannt" in str(refused.value)
    assert "Straße, Hausnummer" in str(refused.value) and "/import/vorlage.xlsx" in str(refused.value)


@pytest.mark.parametrize(("area", "message"), [("ca. 80", "„ca. 80“ ist keine Zahl."),
                                               ("80-100", "„80-100“ ist keine Zahl.")])
def test_approximate_areas_are_refused_by_row_and_column(tmp_path, area, message):
    rows = [OFFICE_ROWS[1], [*OFFICE_ROWS[0][:2], area, *OFFICE_ROWS[0][3:]]]
    path = write_csv(tmp_path / "ungefaehr.csv", OFFICE_HEADER, rows)
    preview = engine.analyse(read(path), Municipality.objects.get(ags="16051000"))
    assert f"Zeile 3, Spalte Nutzfläche (m²): {message}" in preview.error_lines()
    with pytest.raises(CommandError):
        run(path)
    assert not Unit.objects.filter(street__in=["Erhebungsgasse", "Zählerweg"]).exists()


def test_two_columns_for_one_field_are_refused(tmp_path):
    path = write_csv(tmp_path / "doppelt.csv", ["Straße", "Hausnr.", "Fläche", "Nutzfläche", "RW", "HW"],
                     [["Einheitenweg", "1", "50", "60", "642200", "5649400"]])
    mapping = {"Straße": "street", "Hausnr.": "house_number", "Fläche": "floor_area", "Nutzfläche": "floor_area",
               "RW": "x", "HW": "y"}
    lines = engine.analyse(read(path), Municipality.objects.get(ags="16051000"), mapping).error_lines()
    assert "Zeile 1, Spalte Nutzfläche: Auch die Spalte „Fläche“ ist diesem Feld zugeordnet." in lines
    # recognised alone, the second is only a suggestion, so the command stops and names it
    with pytest.raises(CommandError, match="„Nutzfläche“: Keinem Feld zugeordnet .*Vorschlag: Nutzfläche"):
        run(path)
    assert not Unit.objects.filter(street="Einheitenweg", house_number="1").exists()


def test_the_internal_note_stays_private(tmp_path, client, users):
    run(write_csv(tmp_path / "leerstand-amt.csv", OFFICE_HEADER, OFFICE_ROWS))
    domplatz = unit("Erhebungsgasse", "99")
    assert domplatz.internal_note == "Erbengemeinschaft, verkauft evtl."
    for user in (None, users["analyst"]):
        if user:
            client.force_login(user)
        for url in ("/api/units.csv", "/api/units.geojson"):
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert "Erbengemeinschaft".encode() not in body, (user, url)
    assert Decimal(domplatz.floor_area) == Decimal("1250.50")
