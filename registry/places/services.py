"""Loading municipality boundaries (VG250) from GeoJSON, GeoPackage or Shapefile."""

from pathlib import Path

import geopandas
import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction
from django.utils.translation import gettext as _

from registry import geofiles

from .models import Municipality

GEODATA = Path(settings.BASE_DIR) / "geodata"
STATE_PREFIX = "16"  # Thuringia's AGS prefix

# VG250 spells its columns in capitals; our shipped GeoJSON in lower case.
COLUMN_ALIASES = {"ags": ("ags", "AGS", "AGS_0"), "name": ("name", "GEN"), "kind": ("kind", "BEZ")}


class BoundaryFileError(ValueError):
    pass


def _column(frame, field):
    for candidate in COLUMN_ALIASES[field]:
        if candidate in frame.columns:
            return candidate
    if field == "kind":
        return None
    raise BoundaryFileError(
        _("Die Datei hat keine Spalte für „%(field)s“ (erwartet: %(names)s).")
        % {"field": field, "names": ", ".join(COLUMN_ALIASES[field])}
    )


def read_municipalities(path):
    """Thuringian municipalities from a file in any CRS, one (multi)polygon per AGS, in WGS84."""
    geofiles.load_pyogrio()  # GDAL's no-network options (geofiles.NO_NETWORK): a boundary file fetches nothing
    try:
        frame = geopandas.read_file(path, engine="pyogrio")
    except Exception as error:  # pyogrio raises a zoo of errors for unreadable files
        raise BoundaryFileError(_("Die Datei kann nicht gelesen werden: %(error)s") % {"error": error}) from error
    if frame.crs is None:
        raise BoundaryFileError(_("Die Datei nennt kein Koordinatenreferenzsystem."))
    ags, name, kind = _column(frame, "ags"), _column(frame, "name"), _column(frame, "kind")
    frame = frame[frame[ags].astype(str).str.startswith(STATE_PREFIX)]
    if frame.empty:
        raise BoundaryFileError(_("Die Datei enthält keine Thüringer Gemeinde (AGS 16…)."))
    frame = frame.to_crs(4326)
    # VG250 splits a municipality into several rows (land, water); one shape per AGS.
    frame = frame.dissolve(by=ags, aggfunc={name: "first", **({kind: "first"} if kind else {})})
    records = []
    for code, row in frame.iterrows():
        geometry = shapely.MultiPolygon(_polygons(shapely.make_valid(row.geometry)))
        records.append(
            {"ags": str(code), "name": row[name], "kind": row[kind] if kind else "", "geometry": geometry}
        )
    return records


def _polygons(geometry):
    """The polygons in a geometry; make_valid may return collections with lines in them."""
    if geometry.geom_type == "Polygon":
        return [geometry]
    if hasattr(geometry, "geoms"):
        return [polygon for part in geometry.geoms for polygon in _polygons(part)]
    return []


def district_names():
    frame = geopandas.read_file(GEODATA / "thueringen_kreise_2016.geojson", engine="pyogrio")
    return dict(zip(frame["ags"], frame["name"], strict=True))


@transaction.atomic
def import_municipalities(path):
    """Create or update municipalities by AGS; returns (created, updated)."""
    districts = district_names()
    created = updated = 0
    for record in read_municipalities(path):
        boundary = GEOSGeometry(memoryview(record["geometry"].wkb), srid=4326)
        if not isinstance(boundary, MultiPolygon):
            boundary = MultiPolygon(boundary, srid=4326)
        district_ags = record["ags"][:5]
        _, was_created = Municipality.objects.update_or_create(
            ags=record["ags"],
            defaults={
                "name": record["name"],
                "kind": record["kind"] or "",
                "district_ags": district_ags,
                "district": districts.get(district_ags, ""),
                "boundary": boundary,
            },
        )
        created += was_created
        updated += not was_created
    return created, updated
