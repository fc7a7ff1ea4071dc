"""A town's survey moves in: any format and CRS, every problem named by row, all or nothing."""

import datetime
import io
import zipfile

import geopandas
import openpyxl
import pytest
from django.core.management import CommandError
from shapely.geometry import Point

from registry.imports import engine
from registry.imports.models import ImportBatch
from registry.imports.readers import ImportFileError, read
from registry.owners.models import Owner
from registry.places.models import Municipality
from registry.units.models import Unit

from .conftest import GOOD, HEADER, run, survey

pytestmark = pytest.mark.django_db

def test_excel_csv_in_windows_1252_with_utm_coordinates(tmp_path):
    before = Unit.objects.count()
    run(survey(tmp_path, GOOD))
    assert Unit.objects.count() == before + 3
    domplatz = Unit.objects.get(street="Domplatz", house_number="99")
    assert float(domplatz.floor_area) == 120.5 and float(domplatz.sales_area) == 80
    assert domplatz.status == "vacant" and str(domplatz.vacant_since) == "2024-03-01"
    assert domplatz.municipality.ags == "16051000"
    assert domplatz.owner.name == "Max Muster" and domplatz.owner.phone == "0361 555 01"
    assert float(Unit.objects.get(street="Marktstr.", house_number="201").floor_area) == 1250
    assert Unit.objects.get(street="Schlösserstraße", house_number="300 a").status == "reserved"


def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = survey(tmp_path, GOOD)
    run(path)
    count, versions = Unit.objects.count(), sorted(Unit.objects.values_list("id", "version"))
    table = read(path)
    preview = engine.analyse(table, Municipality.objects.get(ags="16051000"))
    assert preview.counts == {"new": 0, "changed": 0, "unchanged": 3}
    run(path)
    assert Unit.objects.count() == count and sorted(Unit.objects.values_list("id", "version")) == versions


def test_an_address_spelled_differently_updates_instead_of_duplicating(tmp_path):
    run(survey(tmp_path, GOOD))
    run(survey(tmp_path, ["Marktstraße;201;1.300;;genutzt;;Gastronomie;;;642300;5649500"], "zweite.csv"))
    assert Unit.objects.filter(street__startswith="Marktstr", house_number="201").count() == 1
    assert float(Unit.objects.get(street__startswith="Marktstr", house_number="201").floor_area) == 1300


@pytest.mark.parametrize(("line", "column", "message"), [
    ("Anger;1;ca. 80;;leer;;;;;642200;5649400", "Nutzfläche", "„ca. 80“ ist keine Zahl."),
    ("Anger;1;50;80;leer;;;;;642200;5649400", "Verkaufsfläche", "größer als die Nutzfläche"),
    ("Anger;1;50;;kaputt;;;;;642200;5649400", "Status", "Unbekannter Status „kaputt“"),
    ("Anger;1;50;;leer;31.02.2024;;;;642200;5649400", "leer seit", "kein gültiges Datum"),
    ("Anger;1;50;;leer;;;;;673000;5645000", "Standort", "nicht in Erfurt"),
    ("Anger;1;50;;leer;;;;;560000;5600000", "Standort", "außerhalb Thüringens"),
])
def test_every_problem_is_named_by_row_and_column_and_nothing_is_written(tmp_path, capsys, line, column, message):
    before = Unit.objects.count()
    path = survey(tmp_path, [*GOOD, line])  # the bad row is the last one: row 5 in the spreadsheet
    preview = engine.analyse(read(path), Municipality.objects.get(ags="16051000"))
    assert any(text.startswith(f"Zeile 5, Spalte {column}: ") and message in text for text in preview.error_lines()), \
        preview.error_lines()
    with pytest.raises(CommandError, match="nichts importiert"):
        run(path)
    assert Unit.objects.count() == before and not ImportBatch.objects.exists()


def test_duplicates_within_the_file(tmp_path):
    preview = engine.analyse(read(survey(tmp_path, [GOOD[0], GOOD[0].replace("120,5", "121")])),
                             Municipality.objects.get(ags="16051000"))
    assert "Zeile 3, Spalte Straße: Doppelt in der Datei (wie Zeile 2)." in preview.error_lines()


def test_swapped_axes_are_reported_not_fixed(tmp_path):
    lines = [";".join(row.split(";")[:9] + row.split(";")[9:][::-1]) for row in GOOD]
    preview = engine.analyse(read(survey(tmp_path, lines)), Municipality.objects.get(ags="16051000"))
    assert any("vertauscht" in text for text in preview.error_lines())


def test_wgs84_columns_are_recognised(tmp_path):
    path = tmp_path / "wgs.csv"
    path.write_text("Str.,Hausnummer,lon,lat,Status\nAnger,500,11.0310,50.9775,leer\n", encoding="utf-8-sig")
    preview = engine.analyse(read(path), Municipality.objects.get(ags="16051000"))
    assert preview.crs == "4326" and not preview.errors


def test_excel_workbook_with_number_and_date_cells(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Straße", "Hausnr.", "Nutzfläche", "Status", "leer seit", "Rechtswert", "Hochwert"])
    sheet.append(["Wenigemarkt", 912, 85.5, "leer", datetime.datetime(2023, 11, 2), 642310.5, 5649520.0])
    sheet.append([None] * 7)  # an empty row between: skipped, numbering kept
    sheet.append(["Wenigemarkt", "913", "ca. 90", "leer", "2023-11-02", 642320, 5649530])
    path = tmp_path / "erhebung.xlsx"
    workbook.save(path)
    preview = engine.analyse(read(path), Municipality.objects.get(ags="16051000"))
    assert preview.error_lines() == ["Zeile 4, Spalte Nutzfläche: „ca. 90“ ist keine Zahl."]
    assert preview.crs == "25832"

    workbook.active["C4"] = 90
    workbook.save(path)
    run(path)
    unit = Unit.objects.get(street="Wenigemarkt", house_number="912")
    assert float(unit.floor_area) == 85.5 and str(unit.vacant_since) == "2023-11-02"


@pytest.mark.parametrize("fmt", ["GeoJSON", "GPKG", "shp"])
def test_geodata_files_in_utm_32n(tmp_path, fmt):
    frame = geopandas.GeoDataFrame({"strasse": ["Anger", "Fischmarkt"], "hausnr": ["700", "701"],
                                    "status": ["leer", "genutzt"], "flaeche": ["80", "95,5"]},
                                   geometry=[Point(642200, 5649400), Point(642260, 5649420)], crs=25832)
    if fmt == "shp":
        folder = tmp_path / "shp"
        folder.mkdir()
        frame.to_file(folder / "einheiten.shp")
        path = tmp_path / "einheiten.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for part in folder.iterdir():
                archive.write(part, part.name)
    else:
        path = tmp_path / ("einheiten.geojson" if fmt == "GeoJSON" else "einheiten.gpkg")
        frame.to_file(path, driver=fmt)
    run(path)
    unit = Unit.objects.get(street="Fischmarkt", house_number="701")
    assert float(unit.floor_area) == 95.5 and unit.municipality.ags == "16051000"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("leer.csv", b"", "leer"), ("nur-kopf.csv", HEADER.encode(), "keine Datenzeilen"),
    ("ohne-shp.zip", None, "keine Shapefile"), ("tabelle.ods", b"x", "nicht unterstützt"),
])
def test_unusable_files_are_refused_clearly(tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("liesmich.txt", "kein Shapefile")
        content = buffer.getvalue()
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        read(path)


def test_another_municipalitys_manager_cannot_import(tmp_path):
    with pytest.raises(CommandError, match="eigenen Gemeinde"):
        run(survey(tmp_path, GOOD), user="stadt-jena")
    assert not Unit.objects.filter(street="Domplatz", house_number="99").exists()


def test_undo_the_last_import(tmp_path):
    before_units, before_owners = Unit.objects.count(), Owner.objects.count()
    run(survey(tmp_path, GOOD))
    run(survey(tmp_path, GOOD), "--undo")
    assert Unit.objects.count() == before_units and Owner.objects.count() == before_owners
    assert ImportBatch.objects.get().undone_at is not None


def test_the_projects_own_csv_export_re_imports_unchanged(client, users, tmp_path):
    client.force_login(users["stadt-erfurt"])
    exported = b"".join(client.get("/api/units.csv?centre=erfurt-altstadt").streaming_content)
    path = tmp_path / "export.csv"
    path.write_bytes(exported)
    preview = engine.analyse(read(path), Municipality.objects.get(ags="16051000"))
    assert not preview.errors, preview.error_lines()[:5]
    assert preview.counts["new"] == 0 and preview.counts["changed"] == 0
