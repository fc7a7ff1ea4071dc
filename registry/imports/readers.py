"""Reading a town's survey file as rows of strings, whatever Excel or GIS wrote, one row at a time.

CSV: `;` or `,`, UTF-8 with or without BOM, or Windows-1252. XLSX through
openpyxl's read-only mode. GeoJSON, GeoPackage and zipped Shapefile through
pyogrio (GDAL) in chunks, reprojected to WGS84 from the file's own CRS. Nothing
holds the whole file: a 50 MB survey is streamed into the database. Row numbers
are those the user sees in the spreadsheet: header = row 1.
"""

import codecs
import csv
import datetime
import functools
import itertools
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from registry import geofiles

MAX_UNCOMPRESSED = 500 * 1024 * 1024  # zip-bomb guard
UTF8_UMLAUT = re.compile(rb"\xc3[\x84\x96\x9c\xa4\xb6\xbc\x9f]")  # Ä Ö Ü ä ö ü ß in UTF-8
CHUNK_BYTES = 1 << 20
CHUNK_FEATURES = 10_000
MAX_LINES_PER_ROW = 20  # a cell may hold line breaks; a record longer than this swallowed rows


class ImportFileError(ValueError):
    pass


_pyogrio = geofiles.load_pyogrio  # GDAL without network (registry/geofiles.py)


@dataclass
class Table:
    """A file's header and a way to read its rows; `records()` reads the file again on every call."""

    columns: list
    records: Callable  # () → iterator of (row number, {column: str}, (lon, lat) or None)
    count_rows: Callable  # () → number of data rows
    has_geometry: bool = False

    @functools.cached_property
    def count(self):
        return self.count_rows()

    def sample(self, size):
        return [cells for _number, cells, _point in itertools.islice(self.records(), size)]


def _encoding(path):
    """utf-8-sig if the whole file is UTF-8, else cp1252; refused when it mixes both or is neither."""
    decoder, utf8, umlauts, cp1252 = codecs.getincrementaldecoder("utf-8")(), True, False, True
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(CHUNK_BYTES), b""):
            if b"\x00" in chunk:  # UTF-16 (Excel's "Unicode text") or not text at all
                raise ImportFileError(_("Die Datei ist keine Textdatei in UTF-8 oder Windows-1252 (z. B. UTF-16). "
                                        "Bitte in Excel als „CSV UTF-8“ speichern."))
            umlauts = umlauts or bool(UTF8_UMLAUT.search(chunk))
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if not utf8:
                try:
                    chunk.decode("cp1252")
                except UnicodeDecodeError:
                    cp1252 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)  # a file ending inside a multi-byte character is not UTF-8
            except UnicodeDecodeError:
                utf8 = False
    if utf8:
        return "utf-8-sig"
    if umlauts:  # not UTF-8 throughout, yet UTF-8 umlauts: two encodings in one file
        raise ImportFileError(_("Die Datei mischt UTF-8 und Windows-1252 (Umlaute in zwei Kodierungen). Bitte in "
                                "Excel als „CSV UTF-8“ neu speichern."))
    if not cp1252:
        raise ImportFileError(_("Die Datei ist weder UTF-8 noch Windows-1252 kodiert."))
    return "cp1252"


def read_csv(path):
    encoding = _encoding(path)
    with open(path, encoding=encoding, newline="") as source:
        first_line = source.readline()
    if not first_line.strip():
        raise ImportFileError(_("Die Datei ist leer."))
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","

    def rows():
        """(last physical line of the record, cells) per record."""
        with open(path, encoding=encoding, newline="") as source:
            reader = csv.reader(source, delimiter=delimiter)
            try:
                for row in reader:
                    yield reader.line_num, row
            except csv.Error as error:  # e.g. a quote never closed: the rest of the file is one cell
                raise ImportFileError(_("Zeile %(row)s: die CSV-Datei ist dort nicht lesbar (%(error)s). Oft fehlt "
                                        "ein schließendes Anführungszeichen.") % {"row": reader.line_num,
                                                                                   "error": error}) from None

    columns = [name.strip() for name in next(rows())[1]]

    def records():
        lines = 1
        for number, (line, row) in enumerate(itertools.islice(rows(), 1, None), start=2):
            if line - lines > MAX_LINES_PER_ROW:
                raise ImportFileError(_("Zeile %(row)s reicht über mehr als %(lines)s Zeilen der Datei: vermutlich "
                                        "fehlt ein schließendes Anführungszeichen.") % {
                                            "row": number, "lines": MAX_LINES_PER_ROW})
            lines = line
            if any(cell.strip() for cell in row):  # an empty line keeps its number but is no unit
                _no_values_beyond_header(number, columns, row)
                yield number, {column: cell.strip() for column, cell in zip(columns, row, strict=False)}, None

    return Table(columns, records, lambda: sum(1 for _ in records()))


def _no_values_beyond_header(number, columns, cells):
    """A row may be shorter than the header (missing cells are empty) but a value under no heading would be
    dropped without a word: in a CSV it is mostly an unquoted ";" inside a value that shifted every cell after it."""
    for index, cell in enumerate(cells):
        if (index >= len(columns) or not columns[index]) and cell.strip():
            raise ImportFileError(_("Zeile %(row)s, Spalte %(column)s: der Wert „%(value)s“ steht unter keiner "
                                    "Spaltenüberschrift. Steht in einem Wert davor ein Trennzeichen ohne "
                                    "Anführungszeichen?") % {"row": number, "column": index + 1,
                                                              "value": cell.strip()[:40]})


def _cell(value):
    """An Excel cell as the text a clerk sees: 80 not 80.0, dates without midnight."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return number_text(value)
    return str(value).strip()


def number_text(value):
    """A float as values.number reads it back exactly: 80 not 80.0 (an ID, a postcode), and a decimal
    comma, since 12.345 would read as German thousands."""
    if math.isnan(value):
        return ""
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    return (format(value, "f") if "e" in text else text).replace(".", ",")


def read_xlsx(path):
    def rows():
        try:
            import openpyxl  # here, not at start-up (issue 17)

            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged or mislabelled file
            raise ImportFileError(_("Die Excel-Datei kann nicht gelesen werden.")) from None
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # a stale size in the file would otherwise cut rows off silently
        try:
            yield from sheet.iter_rows(values_only=True)
        except Exception:
            raise ImportFileError(_("Die Excel-Datei kann nicht gelesen werden.")) from None
        finally:
            workbook.close()

    header = next(rows(), None)
    if not header:
        raise ImportFileError(_("Die Datei ist leer."))
    columns = [_cell(value) for value in header]
    while columns and not columns[-1]:
        columns.pop()

    def records():
        for number, row in enumerate(itertools.islice(rows(), 1, None), start=2):
            _no_values_beyond_header(number, columns, [_cell(value) for value in row])
            cells = {column: _cell(value) for column, value in zip(columns, row, strict=False) if column}
            if any(cells.values()):
                yield number, cells, None

    return Table(columns, records, lambda: sum(1 for _ in records()))


def read_geodata(path):
    pyogrio = _pyogrio()
    import geopandas
    import pandas

    try:
        info = pyogrio.read_info(path, force_feature_count=True)
    except Exception as error:  # pyogrio raises many kinds for unreadable data
        raise ImportFileError(_("Die Geodatei kann nicht gelesen werden: %(error)s") % {"error": error}) from None
    if info["geometry_type"] and not info["crs"]:
        raise ImportFileError(_("Die Geodatei nennt kein Koordinatenreferenzsystem."))
    count = max(info["features"], 0)

    def records():
        number = 2
        for skip in range(0, count, CHUNK_FEATURES):
            try:
                frame = geopandas.read_file(path, engine="pyogrio", skip_features=skip, max_features=CHUNK_FEATURES)
            except Exception as error:  # pyogrio raises many kinds for unreadable data
                raise ImportFileError(
                    _("Die Geodatei kann nicht gelesen werden: %(error)s") % {"error": error}) from None
            points = [None] * len(frame)
            if info["geometry_type"]:
                points = [None if g is None or g.is_empty or g.geom_type != "Point" else (g.x, g.y)
                          for g in frame.to_crs(4326).geometry]
                frame = frame.drop(columns="geometry")
            frame = pandas.DataFrame(frame)
            for name in frame.columns:  # integer columns with a gap arrive as float: 123.0 must stay 123
                if frame[name].dtype.kind == "f":
                    frame[name] = frame[name].map(number_text)
            # pandas 3 keeps missing values missing through astype(str)
            attributes = frame.astype(str).fillna("").replace({"None": "", "nan": "", "NaT": ""})
            for cells, point in zip(attributes.to_dict("records"), points, strict=True):
                # PostgreSQL text cannot hold NUL; GIS exports have stray ones (CSV with NUL is refused above)
                yield number, {str(k).strip(): v.replace("\x00", "").strip() for k, v in cells.items()}, point
                number += 1

    return Table([str(name).strip() for name in info["fields"]], records, lambda: count,
                 has_geometry=bool(info["geometry_type"]))


def read_zip(path):
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                raise ImportFileError(_("Das ZIP-Archiv ist entpackt zu groß."))
            shapefiles = [name for name in archive.namelist() if name.lower().endswith(".shp")]
    except zipfile.BadZipFile:
        raise ImportFileError(_("Die Datei ist kein lesbares ZIP-Archiv.")) from None
    if not shapefiles:
        raise ImportFileError(_("Das ZIP-Archiv enthält keine Shapefile (.shp)."))
    if len(shapefiles) > 1:
        raise ImportFileError(_("Das ZIP-Archiv enthält mehrere Shapefiles (%(names)s); bitte eines je Import.")
                              % {"names": ", ".join(shapefiles)})
    return read_geodata(f"zip://{path}!{shapefiles[0]}")


READERS = {".csv": read_csv, ".txt": read_csv, ".xlsx": read_xlsx, ".geojson": read_geodata,
           ".json": read_geodata, ".gpkg": read_geodata, ".zip": read_zip}


def check_size(size):
    if size > settings.IMPORT_MAX_MB * 1024 * 1024:
        raise ImportFileError(_("Die Datei ist größer als %(mb)d MB.") % {"mb": settings.IMPORT_MAX_MB})


def read(path):
    """The file's Table; refused with a German message when it cannot be a survey."""
    path = Path(path)
    check_size(path.stat().st_size)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ImportFileError(_("Dateityp %(suffix)s wird nicht unterstützt (CSV, XLSX, GeoJSON, GeoPackage, "
                                "ZIP mit Shapefile).") % {"suffix": path.suffix.lower() or "?"})
    table = reader(path)
    if next(table.records(), None) is None:
        raise ImportFileError(_("Die Datei enthält keine Datenzeilen."))
    return table
