"""Imports that change what is there: status changes and their undo, round trips of our own exports,
formula-looking cells, limits of size and value, and the progress a long import reports."""

import datetime
import io
import zipfile

import geopandas
import openpyxl
import pytest
from django.core.management import CommandError
from shapely.geometry import Point

from registry.imports import engine, jobs
from registry.imports.models import ImportBatch, MappingPreset
from registry.imports.readers import ImportFileError, read
from registry.owners.models import Owner
from registry.places.models import Municipality
from registry.units.models import Unit

from .conftest import GOOD, HEADER, run, survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def erfurt():
    return Municipality.objects.get(ags="16051000")


def line(street, number, status, since="", area="60", x="642200", y="5649400"):
    return f"{street};{number};{area};;{status};{since};;;;{x};{y}"


def history(unit):
    return list(unit.intervals.values_list("status", "valid_from", "valid_to"))  # in order, within a day too


def test_a_status_change_closes_the_interval_and_undo_reopens_it(tmp_path):
    run(survey(tmp_path, GOOD))
    domplatz = Unit.objects.get(street="Domplatz", house_number="99")
    before = history(domplatz)
    run(survey(tmp_path, [line("Domplatz", "99", "genutzt", area="120,5")], "zweite.csv"))
    domplatz.refresh_from_db()
    assert domplatz.status == "occupied" and domplatz.vacant_since is None
    assert len(history(domplatz)) == 2 and history(domplatz)[0][2] is not None

    run(survey(tmp_path, GOOD), "--undo")
    domplatz.refresh_from_db()
    assert history(domplatz) == before and domplatz.status == "vacant" and str(domplatz.vacant_since) == "2024-03-01"


def test_a_status_change_on_the_intervals_first_day_keeps_the_earlier_state_and_undo_removes_it(tmp_path):
    run(survey(tmp_path, GOOD))  # Marktstr. 201 is "genutzt" since today
    market = Unit.objects.get(street="Marktstr.", house_number="201")
    today = market.intervals.get().valid_from
    run(survey(tmp_path, [line("Marktstraße", "201", "Zwischennutzung", area="1250", x="642300", y="5649500")],
               "zweite.csv"))
    market.refresh_from_db()
    assert market.status == "interim_use"
    assert history(market) == [("occupied", today, today), ("interim_use", today, None)]  # nothing overwritten
    run(survey(tmp_path, GOOD), "--undo")
    market.refresh_from_db()
    assert market.status == "occupied" and history(market) == [("occupied", today, None)]


def test_undo_restores_changed_attributes_and_is_refused_after_an_edit(tmp_path, users):
    run(survey(tmp_path, GOOD))
    run(survey(tmp_path, [line("Domplatz", "99", "leer", "01.03.2024", area="200")], "zweite.csv"))
    assert float(Unit.objects.get(street="Domplatz", house_number="99").floor_area) == 200
    run(survey(tmp_path, GOOD), "--undo")
    assert float(Unit.objects.get(street="Domplatz", house_number="99").floor_area) == 120.5

    run(survey(tmp_path, [line("Domplatz", "99", "leer", "01.03.2024", area="210")], "dritte.csv"))
    Unit.objects.filter(street="Domplatz", house_number="99").update(version=99)  # someone edited it since
    with pytest.raises(CommandError, match="inzwischen bearbeitet"):
        run(survey(tmp_path, GOOD), "--undo")
    assert float(Unit.objects.get(street="Domplatz", house_number="99").floor_area) == 210


def test_a_vacancy_dated_before_the_current_use_began_is_refused(tmp_path, erfurt):
    run(survey(tmp_path, GOOD))  # Marktstr. 201: in use since today
    path = survey(tmp_path, [line("Marktstr.", "201", "leer", "01.01.2020", area="1250", x="642300", y="5649500")],
                  "alt.csv")
    today = datetime.date.today().strftime("%d.%m.%Y")
    assert engine.analyse(read(path), erfurt).error_lines() == [
        f"Zeile 2, Spalte leer seit: Der Statuswechsel am 01.01.2020 liegt vor dem Beginn des aktuellen Status "
        f"({today})."]


def test_two_rows_for_one_unit_are_refused(tmp_path, erfurt):
    run(survey(tmp_path, GOOD))
    path = tmp_path / "ids.csv"
    path.write_text("Objektnr;Straße;Hausnr.;Rechtswert;Hochwert\nA-1;Domplatz;99;642200;5649400\n"
                    "A-2;Domplatz;99 ;642200;5649400\n", encoding="utf-8")
    errors = engine.analyse(read(path), erfurt).error_lines()
    assert errors == ["Zeile 3, Spalte Straße: Trifft dieselbe Einheit wie Zeile 2."]


def test_our_geopackage_export_re_imports_unchanged(client, users, tmp_path, erfurt):
    client.force_login(users["stadt-erfurt"])
    response = client.get("/api/units.gpkg?centre=erfurt-altstadt")
    path = tmp_path / "export.gpkg"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    preview = engine.analyse(read(path), erfurt)
    assert not preview.errors, preview.error_lines()[:5]
    assert preview.counts["new"] == preview.counts["changed"] == 0 and preview.counts["unchanged"] > 50


def test_cells_that_look_like_formulas_stay_text_and_survive_the_csv_round_trip(client, users, tmp_path, erfurt):
    path = tmp_path / "formeln.csv"
    path.write_text("Straße;Hausnr.;Bezeichnung;Rechtswert;Hochwert\n"
                    "Anger;800;=HYPERLINK(\"http://evil\");642200;5649400\n"
                    "Anger;801;@SUM(A1);642210;5649410\n", encoding="utf-8")
    run(path)
    assert Unit.objects.get(street="Anger", house_number="800").name == '=HYPERLINK("http://evil")'
    client.force_login(users["stadt-erfurt"])
    exported = b"".join(client.get("/api/units.csv?municipality=16051000").streaming_content)
    assert b"'=HYPERLINK" in exported and b"'@SUM(A1)" in exported  # defused for Excel
    again = tmp_path / "export.csv"
    again.write_bytes(exported)
    preview = engine.analyse(read(again), erfurt)
    assert not preview.errors and preview.counts["changed"] == 0


def test_a_value_too_large_for_the_register_is_a_row_error(tmp_path, erfurt):
    preview = engine.analyse(read(survey(tmp_path, [line("Anger", "1", "leer", area="123456789")])), erfurt)
    assert any(text.startswith("Zeile 2, Spalte Nutzfläche: „123456789“ ist zu groß") for text in
               preview.error_lines()), preview.error_lines()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("gemischt.csv", "Straße;Ort\nGroße Gasse;Jena\n".encode() + "Lange Straße;Gößnitz\n".encode("cp1252"),
     "mischt UTF-8 und Windows-1252"),
    ("bombe.zip", None, "entpackt zu groß"),
])
def test_mixed_encodings_and_zip_bombs_are_refused(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("einheiten.shp", b"\0" * (600 * 1024 * 1024))
        content = buffer.getvalue()
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        read(path)


def test_a_file_over_the_size_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_MB = 1
    path = tmp_path / "gross.csv"
    path.write_bytes(HEADER.encode() + b"x" * (1024 * 1024 + 1))
    with pytest.raises(ImportFileError, match="größer als 1 MB"):
        read(path)


def test_a_long_file_reports_its_progress_to_the_batch_while_it_stages(tmp_path, erfurt):
    rows = [line("Fortschrittsgasse", str(n), "genutzt", x=str(642000 + n % 100), y="5649400") for n in range(12_000)]
    batch = ImportBatch.objects.create(municipality=erfurt, file_name="x.csv", rows_total=12_000)
    seen = []

    def progress(rows):  # what the job does: write the count to the batch, on the same connection
        jobs.Progress(batch, every=0)(rows)
        seen.append(ImportBatch.objects.get(pk=batch.pk).rows_done)

    preview = engine.analyse(read(survey(tmp_path, rows)), erfurt, progress=progress)
    assert not preview.errors and preview.counts["new"] == 12_000
    assert len(seen) == 3 and seen[0] > 0  # reported in steps while staging, not only at the end

    counter = jobs.Progress(batch, every=0)
    counter(5_000)
    batch.refresh_from_db()
    assert batch.rows_done == 5_000 and batch.percent == 42


def test_a_saved_mapping_is_used_by_name_on_the_command_line(tmp_path, erfurt):
    path = tmp_path / "eigen.csv"
    path.write_text("Lage;Nr;RW;HW\nDomplatz;95;642200;5649400\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Keine Spaltenzuordnung „Begehung“ für Erfurt"):
        run(path, "--mapping", "Begehung")
    MappingPreset.objects.create(municipality=erfurt, name="Begehung",
                                 mapping={"Lage": "street", "Nr": "house_number", "RW": "x", "HW": "y"})
    run(path, "--mapping", "Begehung")
    assert Unit.objects.filter(street="Domplatz", house_number="95").exists()


def test_a_sales_area_larger_than_the_registered_floor_area_is_a_row_error(tmp_path, erfurt):
    run(survey(tmp_path, GOOD))  # Domplatz 99: 120.5 m² floor area
    path = tmp_path / "vkf.csv"
    path.write_text("Straße;Hausnr.;Verkaufsfläche;Rechtswert;Hochwert\nDomplatz;99;130;642200;5649400\n",
                    encoding="utf-8")
    assert engine.analyse(read(path), erfurt).error_lines() == [
        "Zeile 2, Spalte Verkaufsfläche: Die Verkaufsfläche wäre größer als die Nutzfläche der Einheit im Register."]


def test_new_units_without_coordinates_are_reported_per_row(tmp_path, erfurt):
    path = tmp_path / "leer.csv"
    path.write_text("Straße;Hausnr.;Rechtswert;Hochwert\nStandortlose Gasse;1;;\nStandortlose Gasse;2;;\n", encoding="utf-8")
    errors = engine.analyse(read(path), erfurt).error_lines()
    message = "Neue Einheit ohne Standort – bitte Rechtswert und Hochwert (oder Längen-/Breitengrad) angeben."
    assert errors == [f"Zeile 2, Spalte Rechtswert/Hochwert: {message}",
                      f"Zeile 3, Spalte Rechtswert/Hochwert: {message}"]
    with pytest.raises(CommandError, match="nichts importiert"):
        run(path)


def test_after_an_import_the_same_transaction_derives_places_again(tmp_path, users, erfurt_market):
    from registry.units import services

    run(survey(tmp_path, GOOD))
    unit = services.create_unit(users["stadt-erfurt"], street="Nach dem Import", location=erfurt_market)
    assert unit.municipality.ags == "16051000" and unit.centre is not None


def test_an_owner_email_that_is_no_address_is_a_row_error(tmp_path, erfurt):
    path = tmp_path / "mail.csv"
    path.write_text("Straße;Hausnr.;Eigentümer;E-Mail;Rechtswert;Hochwert\n"
                    "Anger;1;Erika Muster;erika.muster(at)example.org;642200;5649400\n", encoding="utf-8")
    assert engine.analyse(read(path), erfurt).error_lines() == [
        "Zeile 2, Spalte E-Mail: Keine gültige E-Mail-Adresse."]  # the address itself is not repeated


def test_two_columns_for_one_field_and_unknown_fields_in_a_preset(tmp_path, erfurt):
    path = tmp_path / "doppelt.csv"
    path.write_text("Straße;Str.;Hausnr.;Rechtswert;Hochwert\nAnger;Anger;1;642200;5649400\n", encoding="utf-8")
    mapping = {"Straße": "street", "Str.": "street", "Hausnr.": "house_number", "Rechtswert": "x",
               "Hochwert": "y", "Hausnr": "house_number; DROP TABLE units_unit"}
    preview = engine.analyse(read(path), erfurt, mapping)
    assert preview.error_lines() == ["Zeile 1, Spalte Str.: Auch die Spalte „Straße“ ist diesem Feld zugeordnet."]
    assert Unit.objects.exists()


def owner_line(number, owner, phone=""):
    return f"Domplatz;{number};120,5;80;leer;01.03.2024;Einzelhandel;{owner};{phone};642200;5649400"


def test_same_owner_name_updates_the_contact_and_undo_restores_it(tmp_path, erfurt):
    run(survey(tmp_path, GOOD))
    owner = Unit.objects.get(street="Domplatz", house_number="99").owner
    path = survey(tmp_path, [owner_line(99, "Max Muster", "0361 555 99")], "telefon.csv")
    assert engine.analyse(read(path), erfurt).counts == {"new": 0, "changed": 1, "unchanged": 0}
    run(path)
    owner.refresh_from_db()
    assert owner.phone == "0361 555 99" and Unit.objects.get(street="Domplatz", house_number="99").owner == owner
    assert engine.analyse(read(path), erfurt).counts["unchanged"] == 1  # a second run changes nothing
    run(path, "--undo")
    owner.refresh_from_db()
    assert owner.phone == "0361 555 01"


def test_another_owner_name_is_a_new_owner_without_the_old_ones_consent(tmp_path, erfurt):
    run(survey(tmp_path, GOOD))
    old = Unit.objects.get(street="Domplatz", house_number="99").owner
    Owner.objects.filter(pk=old.pk).update(consent="consented", consent_date="2026-01-10")
    run(survey(tmp_path, [owner_line(99, "Erika Beispiel", "0361 777")], "verkauf.csv"))
    unit = Unit.objects.get(street="Domplatz", house_number="99")
    assert unit.owner.name == "Erika Beispiel" and unit.owner.consent == "unknown" and unit.owner.pk != old.pk
    assert Owner.objects.get(pk=old.pk).consent == "consented"  # the old record is left alone
    run(survey(tmp_path, GOOD), "--undo")
    assert Unit.objects.get(street="Domplatz", house_number="99").owner_id == old.pk
    assert not Owner.objects.filter(name="Erika Beispiel").exists()


def test_a_unit_without_owner_gets_one_from_the_file(tmp_path):
    run(survey(tmp_path, GOOD))  # Marktstr. 201 has no owner
    run(survey(tmp_path, ["Marktstr.;201;1.250,0;;genutzt;;Gastronomie;Gastro GmbH;03611234;642300;5649500"],
               "eigentuemer.csv"))
    assert Unit.objects.get(street="Marktstr.", house_number="201").owner.name == "Gastro GmbH"


@pytest.mark.parametrize(("cells", "column", "message"), [
    ("99999999,96;;", "Nutzfläche", "„99999999,96“ ist zu groß."),  # rounds to 100000000.0 in numeric(9,1)
    ("60;123;", "PLZ", "„123“ ist keine Postleitzahl"),
])
def test_values_that_do_not_fit_the_register_are_row_errors(tmp_path, erfurt, cells, column, message):
    path = tmp_path / "werte.csv"
    path.write_text(f"Straße;Hausnr.;Nutzfläche;PLZ;Nutzung;Rechtswert;Hochwert\nAnger;1;{cells};642200;5649400\n",
                    encoding="utf-8")
    errors = engine.analyse(read(path), erfurt).error_lines()
    assert any(e.startswith(f"Zeile 2, Spalte {column}: {message}") for e in errors), errors


def test_a_postcode_without_its_leading_zero_is_completed(tmp_path):
    path = tmp_path / "plz.csv"
    path.write_text("Straße;Hausnr.;PLZ;Rechtswert;Hochwert\nAnger;1;9084;642200;5649400\n", encoding="utf-8")
    run(path)
    assert Unit.objects.get(street="Anger", house_number="1", postcode="09084")


def test_utf16_text_is_refused_clearly(tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes("Straße;Hausnr.\nAnger;1\n".encode("utf-16"))
    with pytest.raises(ImportFileError, match="UTF-16"):
        read(path)


def test_a_preset_for_columns_the_file_lacks_is_refused(tmp_path, erfurt):
    path = tmp_path / "anders.csv"
    path.write_text("Straße;Hausnr.;Rechtswert;Hochwert\nAnger;1;642200;5649400\n", encoding="utf-8")
    mapping = {"Straße": "street", "Nr": "house_number", "Rechtswert": "x", "Hochwert": "y"}
    assert engine.analyse(read(path), erfurt, mapping).error_lines() == [
        "Zeile 1, Spalte Hausnr.: Keinem Feld zugeordnet und nicht ausdrücklich ignoriert (Vorschlag: Hausnummer, "
        "100 %). Bitte zuordnen oder ignorieren.",
        "Zeile 1, Spalte Nr: Diese Spalte der Zuordnung fehlt in der Datei."]


def test_a_row_with_another_id_at_a_known_address_is_another_unit(tmp_path, erfurt):
    path = tmp_path / "ids.csv"
    path.write_text("Objektnr;Straße;Hausnr.;Geschoss;Rechtswert;Hochwert\nA-1;Domplatz;98;EG;642200;5649400\n",
                    encoding="utf-8")
    run(path)
    path.write_text("Objektnr;Straße;Hausnr.;Geschoss;Rechtswert;Hochwert\nA-1;Domplatz;98;EG;642200;5649400\n"
                    "A-2;Domplatz;98;OG;642200;5649400\n", encoding="utf-8")
    assert engine.analyse(read(path), erfurt).counts == {"new": 1, "changed": 0, "unchanged": 1}
    run(path)
    assert sorted(Unit.objects.filter(street="Domplatz", house_number="98").values_list("external_id", "floor")) == [
        ("A-1", "EG"), ("A-2", "OG")]


def test_two_units_at_one_address_need_an_id_or_the_floor(tmp_path, erfurt):
    path = tmp_path / "haus.csv"
    path.write_text("Straße;Hausnr.;Geschoss;Rechtswert;Hochwert\nDomplatz;97;EG;642200;5649400\n"
                    "Domplatz;97;OG;642200;5649400\n", encoding="utf-8")
    run(path)
    without_floor = tmp_path / "ohne.csv"
    without_floor.write_text("Straße;Hausnr.;Status;Rechtswert;Hochwert\nDomplatz;97;leer;642200;5649400\n",
                             encoding="utf-8")
    assert engine.analyse(read(without_floor), erfurt).error_lines() == [
        "Zeile 2, Spalte Straße: Im Register gibt es mehrere Einheiten unter dieser Adresse; bitte eine "
        "Objektnummer (externe ID) oder das Geschoss angeben."]
    assert engine.analyse(read(path), erfurt).counts["unchanged"] == 2  # with the floor, each is found


def test_a_leftover_vacancy_date_does_not_date_a_new_use(tmp_path):
    run(survey(tmp_path, GOOD))  # Domplatz 99 vacant since 01.03.2024
    run(survey(tmp_path, [line("Domplatz", "99", "genutzt", "01.03.2024", area="120,5")], "vermietet.csv"))
    unit = Unit.objects.get(street="Domplatz", house_number="99")
    assert history(unit)[-1][1] == datetime.date.today() and unit.status == "occupied"


def test_a_new_category_clears_a_branch_that_no_longer_fits(tmp_path, users):
    from registry.units import services

    run(survey(tmp_path, GOOD))
    unit = Unit.objects.get(street="Marktstr.", house_number="201")  # Gastronomie
    Unit.objects.filter(pk=unit.pk).update(subcategory="restaurant")
    run(survey(tmp_path, ["Marktstr.;201;1.250,0;;genutzt;;Einzelhandel;;;642300;5649500"], "nutzung.csv"))
    unit.refresh_from_db()
    assert unit.category == "retail" and unit.subcategory == ""
    services.update_unit(users["stadt-erfurt"], unit.pk, unit.version, name="Laden")  # still valid for the model


def test_undo_is_refused_once_an_imported_owner_has_consented(tmp_path):
    run(survey(tmp_path, GOOD))
    Owner.objects.filter(name="Max Muster").update(consent="consented", consent_date="2026-11-20")
    with pytest.raises(CommandError, match="Einwilligung"):
        run(survey(tmp_path, GOOD), "--undo")
    assert Unit.objects.filter(street="Domplatz", house_number="99").exists()


def test_undo_of_a_batch_recorded_before_imports_became_jobs(erfurt, users):
    a, b = Unit.objects.filter(municipality=erfurt).order_by("id")[:2]
    old_area, old_name = a.floor_area, b.name
    Unit.objects.filter(pk=a.pk).update(floor_area=999, version=a.version + 1)
    Unit.objects.filter(pk=b.pk).update(name="Geändert", version=b.version + 1)
    ImportBatch.objects.create(municipality=erfurt, file_name="alt.csv", created_by=users["stadt-erfurt"],
                               state="done", previous_values={
                                   str(a.pk): {"version": a.version + 1, "before": {"floor_area": float(old_area)}},
                                   str(b.pk): {"version": b.version + 1, "before": {"name": old_name}}})
    engine.undo_last(users["stadt-erfurt"], erfurt)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.floor_area == old_area and b.name == old_name  # each record restores only its own fields



def test_a_frontage_that_rounds_past_its_column_is_a_row_error(tmp_path, erfurt):
    path = tmp_path / "front.csv"
    path.write_text("Straße;Hausnr.;Schaufensterfront;Rechtswert;Hochwert\nAnger;1;99999,95;642200;5649400\n",
                    encoding="utf-8")
    assert engine.analyse(read(path), erfurt).error_lines() == [
        "Zeile 2, Spalte Schaufensterfront: „99999,95“ ist zu groß."]


def test_a_vacancy_changing_its_kind_keeps_its_start_and_is_dated_today(tmp_path, erfurt):
    run(survey(tmp_path, GOOD))  # Domplatz 99 vacant since 01.03.2024
    path = survey(tmp_path, [line("Domplatz", "99", "in Verhandlung", "01.01.2022", area="120,5")], "reserviert.csv")
    assert not engine.analyse(read(path), erfurt).errors
    run(path)
    unit = Unit.objects.get(street="Domplatz", house_number="99")
    assert unit.status == "reserved" and str(unit.vacant_since) == "2024-03-01"
    assert history(unit)[-1][1] == datetime.date.today()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("kaputt.zip", b"PK kein Archiv", "kein lesbares ZIP-Archiv"),
    ("kaputt.xlsx", b"kein Excel", "Excel-Datei kann nicht gelesen werden"),
])
def test_damaged_archives_are_refused_clearly(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        read(path)


def test_an_unclosed_quote_is_refused_with_its_row(tmp_path, erfurt, settings):
    path = tmp_path / "zitat.csv"
    path.write_text("Straße;Hausnr.;Rechtswert;Hochwert\nAnger;1;642200;5649400\n\"Anger;2;" + "x" * 140_000 + "\n",
                    encoding="utf-8")
    with pytest.raises(ImportFileError, match="Zeile 3: die CSV-Datei ist dort nicht lesbar"):
        engine.analyse(read(path), erfurt)



def test_excel_numbers_with_three_decimals_are_not_read_as_thousands(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Straße", "Hausnr.", "Kaltmiete", "Rechtswert", "Hochwert"])
    workbook.active.append(["Anger", "1", 12.345, 642200, 5649400])
    path = tmp_path / "miete.xlsx"
    workbook.save(path)
    run(path)
    assert float(Unit.objects.get(street="Anger", house_number="1").asking_rent) == 12.35


def test_an_id_column_with_a_gap_in_a_geopackage_still_matches(tmp_path, erfurt):
    frame = geopandas.GeoDataFrame({"objektnr": [123, None], "strasse": ["Lückenweg"] * 2, "hausnr": ["1", "2"]},
                                   geometry=[Point(642200, 5649400), Point(642210, 5649410)], crs=25832)
    path = tmp_path / "ids.gpkg"
    frame.to_file(path, driver="GPKG")
    run(path)
    assert Unit.objects.get(street="Lückenweg", house_number="1").external_id == "123"
    assert engine.analyse(read(path), erfurt).counts == {"new": 0, "changed": 0, "unchanged": 2}


def test_a_windows_1252_file_ending_in_an_umlaut_is_read(tmp_path):
    path = tmp_path / "ende.csv"
    path.write_bytes("Straße;Hausnr.;Rechtswert;Hochwert;Ort\nAnger;1;642200;5649400;Weiß".encode("cp1252"))
    assert read(path).sample(1) == [{"Straße": "Anger", "Hausnr.": "1", "Rechtswert": "642200",
                                     "Hochwert": "5649400", "Ort": "Weiß"}]


def test_a_stray_coordinate_far_outside_is_a_row_error(tmp_path, erfurt):
    rows = [line("Messweg", str(n), "leer", x=str(642200 + n)) for n in range(1, 11)]
    path = survey(tmp_path, [*rows, line("Messweg", "11", "leer", x="32642200")])
    assert engine.analyse(read(path), erfurt).error_lines() == [
        "Zeile 12, Spalte Rechtswert/Hochwert: Die Koordinaten 32642200 / 5649400 passen nicht zu "
        "ETRS89 / UTM 32N (Rechtswert/Hochwert)."]


def test_an_unclosed_quote_swallowing_rows_is_refused(tmp_path, erfurt):
    path = tmp_path / "zitat.csv"
    rows = "".join(f"Anger;{n};642200;5649400\n" for n in range(3, 40))
    path.write_text("Straße;Hausnr.;Rechtswert;Hochwert\nAnger;1;642200;5649400\n\"Anger;2;642200;5649400\n" + rows,
                    encoding="utf-8")
    with pytest.raises(ImportFileError, match="Zeile 3 reicht über mehr als 20 Zeilen"):
        engine.analyse(read(path), erfurt)


def test_an_unquoted_separator_that_shifts_the_cells_is_refused_not_dropped(tmp_path, erfurt):
    path = tmp_path / "verrutscht.csv"
    path.write_text("Straße;Hausnr.;Notiz;Rechtswert;Hochwert\nAnger;1;Bäcker; Café;642200;5649400\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="Zeile 2, Spalte 6: der Wert „5649400“ steht unter keiner Spaltenüberschrift"):
        engine.analyse(read(path), erfurt)


def test_a_trailing_separator_or_a_short_row_is_fine(tmp_path):
    path = tmp_path / "kurz.csv"
    path.write_text("Straße;Hausnr.;Ort\nAnger;1;\nAnger;2\n", encoding="utf-8")
    assert read(path).sample(2) == [{"Straße": "Anger", "Hausnr.": "1", "Ort": ""}, {"Straße": "Anger", "Hausnr.": "2"}]


def test_an_excel_value_under_no_heading_is_refused(tmp_path, erfurt):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Straße", "Hausnr.", None, "Rechtswert", "Hochwert"])
    workbook.active.append(["Anger", "1", "Notiz", 642200, 5649400])
    path = tmp_path / "ohne.xlsx"
    workbook.save(path)
    with pytest.raises(ImportFileError, match="Zeile 2, Spalte 3: der Wert „Notiz“ steht unter keiner"):
        engine.analyse(read(path), erfurt)


def test_a_zip_with_several_shapefiles_is_refused(tmp_path):
    path = tmp_path / "zwei.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.shp", b"x")
        archive.writestr("b.shp", b"x")
    with pytest.raises(ImportFileError, match="mehrere Shapefiles"):
        read(path)


def test_a_preset_remembers_which_columns_to_ignore(tmp_path, erfurt):
    from registry.imports import values

    columns = ["Straße", "Str.", "Hausnr."]
    # "" = ignored on purpose: recorded, so the column is neither mapped again nor reported as unmapped
    assert values.suggest_mapping(columns, {"Straße": "", "Str.": "street"}) == {
        "Straße": "", "Str.": "street", "Hausnr.": "house_number"}


def test_contacts_without_an_owner_are_announced(tmp_path, erfurt):
    path = tmp_path / "kontakt.csv"
    path.write_text("Straße;Hausnr.;Telefon;Rechtswert;Hochwert\nKontaktweg;1;0361 1;642200;5649400\n",
                    encoding="utf-8")
    notices = engine.analyse(read(path), erfurt).notices
    assert "1 Zeile(n) nennen Telefon oder E-Mail, aber keinen Eigentümer; diese Angaben werden nicht übernommen." \
        in notices


def test_a_unit_placed_elsewhere_moves_and_undo_moves_it_back(tmp_path, erfurt):
    run(survey(tmp_path, GOOD))
    unit = Unit.objects.get(street="Domplatz", house_number="99")
    before = unit.location
    nudged = survey(tmp_path, [owner_line(99, "Max Muster", "0361 555 01").replace("642200", "642200,4")], "cm.csv")
    assert engine.analyse(read(nudged), erfurt).counts["unchanged"] == 1  # 40 cm: the same place
    moved = survey(tmp_path, [owner_line(99, "Max Muster", "0361 555 01").replace("642200", "642230")], "neu.csv")
    assert engine.analyse(read(moved), erfurt).counts["changed"] == 1
    run(moved)
    unit.refresh_from_db()
    assert 29 < unit.location.transform(25832, clone=True).distance(before.transform(25832, clone=True)) < 31
    run(moved, "--undo")
    unit.refresh_from_db()
    assert unit.location.distance(before) < 1e-9


def test_one_person_named_on_several_rows_becomes_one_owner_record(tmp_path, erfurt):
    run(survey(tmp_path, [owner_line(97, "Max Muster", "0361 555 01")]))
    survey_rows = [owner_line(95, "Ilse Erb", "0361 1"), owner_line(96, "Ilse Erb", "0361 1"),
                   owner_line(97, "Ilse Erb", "0361 1"),  # a unit in the register that Ilse Erb bought
                   owner_line(94, "Ilse Erb", "0361 2"),  # same name, other phone: maybe someone else
                   owner_line(93, "Müller"), owner_line(92, "Müller")]  # a name alone tells no one apart
    run(survey(tmp_path, survey_rows, "erbin.csv"))
    müller = Unit.objects.filter(street="Domplatz", house_number__in=["92", "93"]).values_list("owner", flat=True)
    assert len(set(müller)) == 2
    units = {u.house_number: u.owner
             for u in Unit.objects.filter(street="Domplatz", house_number__in=["94", "95", "96", "97"])}
    assert units["95"] == units["96"] == units["97"] and units["95"].phone == "0361 1"
    assert units["94"] != units["95"] and Owner.objects.filter(name="Ilse Erb").count() == 2
    run(survey(tmp_path, survey_rows, "erbin.csv"), "--undo")
    assert not Owner.objects.filter(name="Ilse Erb").exists()
    assert Unit.objects.get(street="Domplatz", house_number="97").owner.name == "Max Muster"
