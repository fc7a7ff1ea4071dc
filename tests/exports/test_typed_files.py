"""What analysts open in their own tools: the GeoPackage in GDAL, the XLSX in openpyxl, the CSV in LibreOffice.

The GeoPackage is written by ogr2ogr on its own database connection: it sees committed rows only, so these
tests read the demo register (committed once per session) and change nothing before a GeoPackage export.
"""

import base64
import csv
import io
import shutil
import subprocess

import openpyxl
import pytest

from registry.listings.models import Listing
from registry.owners.models import Owner
from registry.units.models import Unit

from .conftest import read

pytestmark = pytest.mark.django_db

CONTACT_FIELDS = {"owner_name", "owner_organisation", "owner_phone", "owner_email", "owner_address",
                  "owner_consent", "internal_note"}
GPKG_TYPES = {
    "id": "Integer64", "status": "String", "status_label": "String", "category": "String", "floor_area": "Real",
    "sales_area": "Real", "frontage": "Real", "floor": "String", "vacant_since": "Date", "vacancy_days": "Integer",
    "centre": "String", "centre_name": "String", "municipality": "String", "municipality_name": "String",
    "last_checked": "Date", "listing_url": "String", "name": "String", "street": "String",
    "house_number": "String", "postcode": "String", "town": "String", "step_free": "Integer(Boolean)",
    "listed_building": "Integer(Boolean)", "asking_rent": "Real",
}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def ogrinfo(*arguments):
    result = subprocess.run(["ogrinfo", "-ro", *arguments], capture_output=True, text=True, check=True)
    assert not result.stderr.strip(), result.stderr  # GDAL 3.6 opens it without a warning
    return result.stdout


def gpkg(client, tmp_path, query, headers):
    response = client.get(f"/api/units.gpkg{query}", headers=headers)
    assert response.status_code == 200, read(response)
    assert response["Content-Type"] == "application/geopackage+sqlite3"
    path = tmp_path / f"units{abs(hash(query))}.gpkg"
    path.write_bytes(read(response))
    return path


def field_types(info):
    types = {}
    for line in info.splitlines():
        name, colon, rest = line.partition(": ")
        if colon and rest.endswith("(0.0)") and " " not in name:
            types[name] = rest.removesuffix(" (0.0)")
    return types


def feature_count(info):
    return int(next(line for line in info.splitlines() if line.startswith("Feature Count:")).split(":")[1])


@pytest.mark.parametrize(("query", "expected"), [
    ("?q=keine-solche-strasse", lambda: 0),
    ("?status=occupied", lambda: Unit.objects.filter(status="occupied").count()),
    ("", lambda: Unit.objects.count()),
])
def test_geopackage_columns_are_typed_whatever_the_filter(client, token_for, tmp_path, query, expected):
    info = ogrinfo("-al", "-so", str(gpkg(client, tmp_path, query, bearer(token_for("analyst")))))
    assert field_types(info) == GPKG_TYPES
    assert feature_count(info) == expected()
    assert "Geometry: Point" in info and 'ID["EPSG",4326]' in info


def test_geopackage_has_null_for_missing_dates_never_text(client, token_for, tmp_path):
    path = gpkg(client, tmp_path, "", bearer(token_for("analyst")))
    missing = ogrinfo(str(path), "-sql", "SELECT COUNT(*) AS n FROM units WHERE vacant_since IS NULL")
    assert f"n (Integer) = {Unit.objects.filter(vacant_since__isnull=True).count()}" in missing
    assert Unit.objects.filter(vacant_since__isnull=True).exists()
    stored = ogrinfo(str(path), "-dialect", "SQLite", "-sql",
                     "SELECT COUNT(*) AS n FROM units WHERE typeof(vacant_since) NOT IN ('null', 'text') "
                     "OR vacant_since NOT GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'")
    assert "n (Integer) = 0" in stored  # ISO dates or NULL, no "NaT"


def test_anonymous_geopackage_holds_published_listings_without_private_columns(client, tmp_path):
    info = ogrinfo("-al", "-so", str(gpkg(client, tmp_path, "", {})))
    assert feature_count(info) == Listing.objects.public().count()
    assert not CONTACT_FIELDS & set(field_types(info))


# --- XLSX ---

def xlsx(client, query="", **headers):
    response = client.get(f"/api/units.xlsx{query}", headers=headers)
    assert response.status_code == 200, read(response)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "leerstandsregister-einheiten.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(read(response)))
    rows = list(workbook["Einheiten"].iter_rows())
    header = [cell.value for cell in rows[0]]
    return header, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_xlsx_cells_are_typed_and_postcodes_stay_text(client, token_for):
    token = token_for("analyst")
    header, rows = xlsx(client, "?municipality=16053000", **bearer(token))  # Jena: postcodes 077..
    csv_header = next(csv.reader(io.StringIO(read(client.get(
        "/api/units.csv?municipality=16053000", headers=bearer(token))).decode("utf-8-sig")), delimiter=";"))
    assert header == csv_header
    assert len(rows) == Unit.objects.filter(municipality__ags="16053000").count()
    assert all(isinstance(row["id"].value, int) for row in rows)
    vacant = next(row for row in rows if row["vacant_since"].value and row["floor_area"].value)
    assert vacant["vacant_since"].is_date and vacant["vacant_since"].number_format == "DD.MM.YYYY"
    unit = Unit.objects.get(pk=vacant["id"].value)
    assert vacant["vacant_since"].value.date() == unit.vacant_since
    assert isinstance(vacant["floor_area"].value, float) and vacant["floor_area"].value == float(unit.floor_area)
    assert isinstance(vacant["vacancy_days"].value, int)
    assert vacant["municipality"].data_type == "s" and vacant["municipality"].value == "16053000"
    postcodes = {row["postcode"].value for row in rows if row["postcode"].value}
    assert postcodes and all(isinstance(code, str) and len(code) == 5 for code in postcodes)
    assert any(code.startswith("0") for code in postcodes)
    assert {row["step_free"].value for row in rows} <= {True, False, None}
    assert all(isinstance(row["longitude"].value, float) for row in rows)
    occupied = next(row for row in rows if row["status"].value == "occupied")
    assert occupied["vacant_since"].value is None  # an empty cell, not a text


def test_xlsx_text_that_looks_like_a_formula_stays_text(client, token_for):
    unit = Unit.objects.filter(municipality__ags="16053000").first()
    Unit.objects.filter(pk=unit.pk).update(name='=HYPERLINK("http://evil")')
    _header, rows = xlsx(client, "?municipality=16053000", **bearer(token_for("analyst")))
    cell = next(row["name"] for row in rows if row["id"].value == unit.pk)
    assert cell.data_type == "s" and cell.value.startswith("'=")


def test_xlsx_for_anonymous_holds_published_listings_and_no_private_data(client):
    header, rows = xlsx(client)
    assert {row["id"].value for row in rows} == set(Listing.objects.public().values_list("unit_id", flat=True))
    assert not CONTACT_FIELDS & set(header)
    cells = {str(cell.value) for row in rows for cell in row.values()}
    for owner in Owner.objects.filter(units__id__in={row["id"].value for row in rows}):
        assert not {owner.name, owner.email, owner.phone} & cells


def test_xlsx_for_an_analyst_by_basic_auth_has_all_units_and_no_personal_data(client, token_for):
    basic = base64.b64encode(f"analyst:{token_for('analyst')}".encode()).decode()
    header, rows = xlsx(client, Authorization=f"Basic {basic}")
    assert len(rows) == Unit.objects.count()
    assert not CONTACT_FIELDS & set(header)


def test_xlsx_contacts_only_for_the_city_manager_who_asks(client, token_for):
    header, rows = xlsx(client, "?include=contacts", **bearer(token_for("stadt-erfurt")))
    assert CONTACT_FIELDS <= set(header)
    assert {row["municipality"].value for row in rows} == {"16051000"}
    response = client.get("/api/units.xlsx?include=contacts", headers=bearer(token_for("analyst")))
    assert response.status_code == 403


def test_xlsx_refuses_bad_filters_and_bad_tokens(client):
    response = client.get("/api/units.xlsx?status=closed")
    assert response.status_code == 400 and "status" in response.json()["parameters"]
    assert client.get("/api/units.xlsx", headers=bearer("lr_wrong")).status_code == 401


# --- CSV ---

def test_csv_status_repeated_equals_comma_separated(client, token_for):
    headers = bearer(token_for("analyst"))
    repeated = read(client.get("/api/units.csv?status=vacant&status=reserved", headers=headers))
    comma = read(client.get("/api/units.csv?status=vacant,reserved", headers=headers))
    assert repeated == comma
    rows = list(csv.DictReader(io.StringIO(repeated.decode("utf-8-sig")), delimiter=";"))
    assert {row["status"] for row in rows} == {"vacant", "reserved"}
    assert len(rows) == Unit.objects.filter(status__in=["vacant", "reserved"]).count()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (libreoffice-calc-nogui) is not installed")
def test_libreoffice_default_import_keeps_columns_numbers_and_postcodes(client, token_for, tmp_path):
    """A double-click in LibreOffice Calc, German locale: separators `,` `;` tab, number detection as default."""
    source = tmp_path / "einheiten.csv"
    source.write_bytes(read(client.get("/api/units.csv?municipality=16053000",
                                       headers=bearer(token_for("analyst")))))
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--infilter=CSV:9/44/59,34,76,1,,1031,false,false", "--convert-to", "xlsx", "--outdir", str(tmp_path),
         str(source)], check=True, capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin"})
    sheet = openpyxl.load_workbook(tmp_path / "einheiten.xlsx", data_only=True).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = [name for name in rows[0] if name is not None]
    assert len(rows) - 1 == Unit.objects.filter(municipality__ags="16053000").count()
    assert all(all(value is None for value in row[len(header):]) for row in rows)  # no column split off
    units = {unit.pk: unit for unit in Unit.objects.filter(municipality__ags="16053000")}
    for row in rows[1:]:
        record = dict(zip(header, row, strict=False))  # the empty cells right of the header, checked above
        unit = units[record["id"]]
        assert record["postcode"] == unit.postcode and record["postcode"].startswith("07")
        if unit.floor_area is not None:
            assert record["floor_area"] == pytest.approx(float(unit.floor_area))
        assert record["street"] == unit.street
        assert isinstance(record["longitude"], float)


def test_the_map_links_the_xlsx_beside_the_csv_with_the_same_filter(client):
    page = client.get("/?status=vacant").content.decode()
    csv_link = page.split('href="/api/units.csv?', 1)[1].split('"', 1)[0]
    assert "status=vacant" in csv_link
    assert f'href="/api/units.xlsx?{csv_link}"' in page


@pytest.mark.parametrize("text", ["Ang", "O'Brien", "'); DROP TABLE units_unit; --", "100%", "a\\'b"])
def test_geopackage_filter_values_reach_ogr2ogr_as_literals(client, token_for, tmp_path, text):
    from urllib.parse import quote

    info = ogrinfo("-al", "-so", str(gpkg(client, tmp_path, f"?q={quote(text)}", bearer(token_for("analyst")))))
    assert feature_count(info) == Unit.objects.filter(street__icontains=text).count()


QGIS_SCRIPT = """
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsVectorLayer
messages = []
app = QgsApplication([], False)
app.setPrefixPath("/usr", True)
app.initQgis()
QgsApplication.messageLog().messageReceived.connect(lambda text, tag, level: messages.append(text))
layer = QgsVectorLayer(sys.argv[1] + "|layername=units", "units", "ogr")
types = {field.name(): field.typeName() for field in layer.fields()}
nulls = sum(1 for feature in layer.getFeatures() if feature["vacant_since"] in (None, "")
            or getattr(feature["vacant_since"], "isNull", lambda: False)())
print(json.dumps({"valid": layer.isValid(), "count": layer.featureCount(), "crs": layer.crs().authid(),
                  "types": types, "nulls": nulls, "messages": messages}))
app.exitQgis()
"""


def _has_pyqgis():
    return subprocess.run(["/usr/bin/python3", "-c", "import qgis.core"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _has_pyqgis(), reason="QGIS (python3-qgis) is not installed")
def test_qgis_opens_the_geopackage_typed_and_without_messages(client, token_for, tmp_path):
    import json

    path = gpkg(client, tmp_path, "?crs=25832", bearer(token_for("analyst")))
    script = tmp_path / "open.py"
    script.write_text(QGIS_SCRIPT)
    result = subprocess.run(["/usr/bin/python3", str(script), str(path)], capture_output=True, text=True,
                            timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    opened = json.loads(result.stdout.strip().splitlines()[-1])
    assert opened["valid"] and opened["messages"] == []
    assert opened["count"] == Unit.objects.count() and opened["crs"] == "EPSG:25832"
    assert opened["nulls"] == Unit.objects.filter(vacant_since__isnull=True).count()
    assert {name: opened["types"][name] for name in ("id", "floor_area", "vacant_since", "vacancy_days",
                                                       "step_free", "postcode")} == {
        "id": "Integer64", "floor_area": "Real", "vacant_since": "Date", "vacancy_days": "Integer",
        "step_free": "Boolean", "postcode": "String"}
