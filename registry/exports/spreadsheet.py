"""XLSX export: typed cells (numbers, dates, booleans; postcodes and AGS as text), written with openpyxl's
write-only mode row by row from a server-side cursor into a temporary file, then streamed.

Memory stays bounded: the cursor hands over batches of rows and write-only openpyxl keeps no cells.
Column names and order are the CSV's (stable, README); the cells are what the CSV cannot give: typed.
"""

import os
import tempfile

from django.conf import settings
from django.db import connection

from registry.formats import FORMULA_STARTS, spreadsheet_text

from . import queries

# The XLSX format ends at 1,048,576 rows per sheet; one is the header.
MAX_ROWS = 1_048_575
DATE_FORMAT = "DD.MM.YYYY"
BATCH = 2000


class TooManyRows(Exception):
    pass


def write(units, fields, site, sources):
    """Write the filtered units to a temporary XLSX; returns an open handle of the already unlinked file.

    `sources`: (label, text) rows for the second sheet (attribution, licence, time, filter)."""
    from openpyxl import Workbook  # imported here: an idle worker need not carry openpyxl (issue 17)

    sql, params = queries.xlsx_sql(units, fields, site)
    kinds = {"id": "int", "status_label": "text", "longitude": "number", "latitude": "number",
             **{name: kind for name, (_expr, kind) in fields.items()}}
    workbook = Workbook(write_only=True)
    try:
        _units_sheet(workbook.create_sheet("Einheiten"), f"{sql} LIMIT {MAX_ROWS + 1}", params, kinds)
        about = workbook.create_sheet("Quelle")
        for label, text in sources:
            about.append([label, spreadsheet_text(text)])
        base = settings.BASE_DIR / "var"
        handle, path = tempfile.mkstemp(suffix=".xlsx", dir=base if base.is_dir() else None)
        os.close(handle)
        try:
            workbook.save(path)
            return open(path, "rb")
        finally:
            os.unlink(path)  # the open handle keeps the data until the response is sent
    except BaseException:
        workbook.close()  # removes the sheets' temporary files
        raise


def _units_sheet(sheet, sql, params, kinds):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    connection.ensure_connection()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        dates = [index for index, name in enumerate(names) if kinds[name] == "date"]
        texts = [index for index, name in enumerate(names) if kinds[name] == "text"]
        header = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        count = 0
        while rows := cursor.fetchmany(BATCH):
            count += len(rows)
            if count > MAX_ROWS:
                raise TooManyRows
            for row in rows:
                row = list(row)
                for index in dates:
                    if row[index] is not None:
                        cell = WriteOnlyCell(sheet, value=row[index])
                        cell.number_format = DATE_FORMAT
                        row[index] = cell
                for index in texts:
                    value = row[index]
                    if value and value[0] in FORMULA_STARTS:  # a text cell anyway; marked as in the CSV
                        row[index] = spreadsheet_text(value)
                sheet.append(row)
