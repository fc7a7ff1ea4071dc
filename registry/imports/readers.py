"""Reading a town's survey file into a table of strings, whatever Excel or GIS wrote.

CSV: `;` or `,`, UTF-8 with or without BOM, or Windows-1252. XLSX. GeoJSON,
GeoPackage and zipped Shapefile through pyogrio (GDAL), reprojected to WGS84
from the file's own CRS. Row numbers are those the user sees: header = row 1.
"""

import csv
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas
import pandas
from django.conf import settings
from django.utils.translation import gettext as _

MAX_UNCOMPRESSED = 500 * 1024 * 1024  # zip-bomb guard
UTF8_UMLAUT = re.compile(rb"\xc3[\x84\x96\x9c\xa4\xb6\xbc\x9f]")  # Ä Ö Ü ä ö ü ß in UTF-8


class ImportFileError(ValueError):
    pass


@dataclass
class Table:
    columns: list
    rows: list  # list of dicts column → str
    points: list = field(default_factory=list)  # (lon, lat) per row from the file's geometry, or None
    first_row_number: int = 2  # the spreadsheet row of rows[0]


def _decode(raw):
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if UTF8_UMLAUT.search(raw):  # not UTF-8 throughout, yet UTF-8 umlauts: two encodings in one file
        raise ImportFileError(_("Die Datei mischt UTF-8 und Windows-1252 (Umlaute in zwei Kodierungen). Bitte in "
                                "Excel als „CSV UTF-8“ neu speichern."))
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(_("Die Datei ist weder UTF-8 noch Windows-1252 kodiert.")) from None


def read_csv(raw, limit=None):
    text = _decode(raw)
    if not text.strip():
        raise ImportFileError(_("Die Datei ist leer."))
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows = [{k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
            for row in itertools.islice(reader, limit)]
    return Table([c.strip() for c in reader.fieldnames or []], rows)


def read_xlsx(path, limit=None):
    frame = pandas.read_excel(path, dtype=str, engine="openpyxl", nrows=limit).fillna("")
    return Table([str(c).strip() for c in frame.columns],
                 [{str(k).strip(): str(v).strip() for k, v in row.items()} for row in frame.to_dict("records")])


def read_geodata(path, limit=None):
    try:
        frame = geopandas.read_file(path, engine="pyogrio", max_features=limit)
    except Exception as error:  # pyogrio raises many kinds for unreadable data
        raise ImportFileError(_("Die Geodatei kann nicht gelesen werden: %(error)s") % {"error": error}) from None
    if frame.crs is None:
        raise ImportFileError(_("Die Geodatei nennt kein Koordinatenreferenzsystem."))
    frame = frame.to_crs(4326)
    points = [None if g is None or g.is_empty or g.geom_type != "Point" else (g.x, g.y) for g in frame.geometry]
    # pandas 3 keeps missing values missing through astype(str)
    attributes = pandas.DataFrame(frame.drop(columns="geometry")).astype(str).fillna("").replace(
        {"None": "", "nan": "", "NaT": ""})
    return Table([str(c) for c in attributes.columns],
                 [{str(k): v.strip() for k, v in row.items()} for row in attributes.to_dict("records")], points)


def read_zip(path, limit=None):
    with zipfile.ZipFile(path) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
            raise ImportFileError(_("Das ZIP-Archiv ist entpackt zu groß."))
        shapefiles = [name for name in archive.namelist() if name.lower().endswith(".shp")]
    if not shapefiles:
        raise ImportFileError(_("Das ZIP-Archiv enthält keine Shapefile (.shp)."))
    return read_geodata(f"zip://{path}!{shapefiles[0]}", limit)


def read(path, limit=None):
    """The whole file as a Table; with `limit`, only the header and that many rows (for the mapping page)."""
    path = Path(path)
    if path.stat().st_size > settings.IMPORT_MAX_MB * 1024 * 1024:
        raise ImportFileError(_("Die Datei ist größer als %(mb)d MB.") % {"mb": settings.IMPORT_MAX_MB})
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        table = read_csv(path.read_bytes(), limit)
    elif suffix == ".xlsx":
        table = read_xlsx(path, limit)
    elif suffix in (".geojson", ".json", ".gpkg"):
        table = read_geodata(path, limit)
    elif suffix == ".zip":
        table = read_zip(path, limit)
    else:
        raise ImportFileError(_("Dateityp %(suffix)s wird nicht unterstützt (CSV, XLSX, GeoJSON, GeoPackage, "
                                "ZIP mit Shapefile).") % {"suffix": suffix or "?"})
    if not table.rows:
        raise ImportFileError(_("Die Datei enthält keine Datenzeilen."))
    return table
