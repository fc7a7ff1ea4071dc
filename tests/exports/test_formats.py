"""GeoJSON (RFC 7946), German CSV and GeoPackage carry the same filtered rows."""

import datetime
import subprocess

import pytest

from registry.units.models import Unit
from registry.units.vacancy import Status

from .conftest import read

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_geojson_is_an_rfc7946_feature_collection(geojson, token_for):
    collection = geojson("?centre=weimar-altstadt", **bearer(token_for("analyst")))
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    assert "GeoBasis-DE / BKG" in collection["attribution"]
    assert collection["generated_at"]
    assert all(isinstance(feature["id"], int) for feature in collection["features"])
    feature = collection["features"][0]
    lon, lat = feature["geometry"]["coordinates"]
    assert 9.8 < lon < 12.7 and 50.2 < lat < 51.7  # lon/lat order, in Thuringia
    assert all(len(str(c).split(".")[-1]) <= 6 for c in (lon, lat))
    assert feature["properties"]["status"] in Status.values
    assert feature["properties"]["municipality"] == "16055000"
    assert len(collection["features"]) == Unit.objects.filter(centre__slug="weimar-altstadt").count()


def test_status_label_is_german_beside_the_code(geojson, token_for):
    collection = geojson("?status=let_not_open", **bearer(token_for("analyst")))
    assert {f["properties"]["status_label"] for f in collection["features"]} == {"vermietet, noch nicht eröffnet"}


def test_csv_is_excel_german(csv_rows, token_for, client):
    token = token_for("analyst")
    response = client.get("/api/units.csv?municipality=16053000", headers=bearer(token))
    raw = read(response)
    assert raw.startswith("\ufeff".encode())
    rows = csv_rows("?municipality=16053000&status=vacant", **bearer(token))
    row = next(r for r in rows if r["sales_area"] or r["floor_area"])
    assert "," in row["floor_area"] or row["floor_area"].isdigit()
    assert "." not in row["longitude"]
    datetime.datetime.strptime(row["vacant_since"], "%d.%m.%Y")
    assert any("ß" in r["street"] or "ä" in r["street"] or "ö" in r["street"] for r in csv_rows("", **bearer(token)))


def test_csv_defuses_spreadsheet_formulas(csv_rows, token_for):
    unit = Unit.objects.filter(municipality__ags="16053000").first()
    Unit.objects.filter(pk=unit.pk).update(name="=HYPERLINK(\"http://evil\")")
    rows = csv_rows("?municipality=16053000", **bearer(token_for("analyst")))
    name = next(r["name"] for r in rows if r["id"] == str(unit.pk))
    assert name.startswith("'=")


def test_the_same_filter_gives_the_same_units_in_every_format(geojson, csv_rows, token_for, client, tmp_path):
    token = token_for("analyst")
    query = "?status=vacant,reserved&min_area=50&max_area=200&vacant_since_before=2025-01-01&bbox=10.9,50.9,11.7,51.1"
    from_geojson = {f["id"] for f in geojson(query, **bearer(token))["features"]}
    from_csv = {int(r["id"]) for r in csv_rows(query, **bearer(token))}
    path = tmp_path / "units.gpkg"
    path.write_bytes(read(client.get(f"/api/units.gpkg{query}", headers=bearer(token))))
    import geopandas
    from_gpkg = set(geopandas.read_file(path, layer="units")["id"])
    expected = set(Unit.objects.filter(
        status__in=["vacant", "reserved"], floor_area__gte=50, floor_area__lte=200,
        vacant_since__lt="2025-01-01").filter(location__intersects="POLYGON((10.9 50.9, 11.7 50.9, 11.7 51.1, 10.9 51.1, 10.9 50.9))"
    ).values_list("id", flat=True))
    assert expected and from_geojson == from_csv == from_gpkg == expected


def test_geopackage_in_utm_32n_is_read_by_gdal(client, token_for, tmp_path):
    path = tmp_path / "units.gpkg"
    path.write_bytes(read(client.get("/api/units.gpkg?crs=25832&centre=jena-innenstadt",
                                     headers=bearer(token_for("analyst")))))
    info = subprocess.run(["ogrinfo", "-so", str(path), "units"], capture_output=True, text=True, check=True).stdout
    assert f"Feature Count: {Unit.objects.filter(centre__slug='jena-innenstadt').count()}" in info
    assert "UTM zone 32N" in info


def test_ogrinfo_reads_the_geojson(client, token_for, tmp_path):
    path = tmp_path / "units.geojson"
    path.write_bytes(read(client.get("/api/units.geojson?municipality=16055000", headers=bearer(token_for("analyst")))))
    info = subprocess.run(["ogrinfo", "-so", str(path), "units"], capture_output=True, text=True, check=True).stdout
    assert f"Feature Count: {Unit.objects.filter(municipality__ags='16055000').count()}" in info
