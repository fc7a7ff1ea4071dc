"""A newer VG250 file updates municipalities by AGS, whatever its format and CRS."""

import geopandas
import pytest
from django.contrib.gis.geos import MultiPolygon
from django.core.management import CommandError, call_command

from registry.places.models import Municipality
from registry.places.services import GEODATA
from registry.units.models import Unit

pytestmark = pytest.mark.django_db


def as_multi(geometry):
    return geometry if isinstance(geometry, MultiPolygon) else MultiPolygon(geometry, srid=geometry.srid)


@pytest.fixture
def vg250_gpkg(tmp_path):
    """Erfurt and Jena as VG250 writes them: capitals, EPSG:25832, Jena grown to cover Erfurt's east."""
    frame = geopandas.read_file(GEODATA / "thueringen_gemeinden_2016.geojson")
    frame = frame[frame["ags"].isin(["16051000", "16053000"])].rename(
        columns={"ags": "AGS", "name": "GEN", "kind": "BEZ"})
    frame = frame.to_crs(25832)
    frame.loc[frame["AGS"] == "16053000", "GEN"] = "Jena, Stadt"
    path = tmp_path / "vg250_gem.gpkg"
    frame[["AGS", "GEN", "BEZ", "geometry"]].to_file(path, layer="vg250_gem", driver="GPKG")
    return path


def test_import_matches_by_ags_and_reprojects(vg250_gpkg):
    before = Municipality.objects.get(ags="16053000").boundary
    call_command("import_municipalities", str(vg250_gpkg))
    jena = Municipality.objects.get(ags="16053000")
    assert jena.name == "Jena, Stadt"
    assert jena.boundary.srid == 4326
    assert abs(jena.boundary.area - before.area) / before.area < 1e-3
    assert Municipality.objects.count() == 849


def test_a_changed_boundary_re_derives_the_units_it_touches():
    erfurt_unit = Unit.objects.filter(municipality__ags="16051000").first()
    jena = Municipality.objects.get(ags="16053000")
    jena.boundary = as_multi(jena.boundary.union(erfurt_unit.location.buffer(0.001)))
    erfurt = Municipality.objects.get(ags="16051000")
    erfurt.boundary = as_multi(erfurt.boundary.difference(erfurt_unit.location.buffer(0.001)))
    erfurt.save()
    jena.save()
    erfurt_unit.refresh_from_db()
    assert erfurt_unit.municipality.ags == "16053000"


def test_a_file_without_thuringian_municipalities_is_refused(tmp_path):
    frame = geopandas.read_file(GEODATA / "thueringen_gemeinden_2016.geojson").head(2)
    frame["ags"] = ["09162000", "09564000"]
    path = tmp_path / "bayern.geojson"
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(CommandError, match="keine Thüringer Gemeinde"):
        call_command("import_municipalities", str(path))
