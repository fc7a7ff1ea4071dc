"""The alliance report opens in Excel and prints as a PDF with the table."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

pytestmark = pytest.mark.django_db


def test_xlsx_report_has_every_centre_with_a_percent_rate(client):
    response = client.get("/statistik/bericht.xlsx?date=2025-06-30")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Innenstädte"]
    assert sheet["A1"].value == "Leerstandsbericht Thüringer Innenstädte, Stichtag 30.06.2025"
    names = [sheet.cell(row=r, column=1).value for r in range(4, 32)]
    assert "Erfurt Altstadt" in names and "Schmölln Innenstadt" in names
    assert sheet["E4"].number_format == "0.0%" and 0 < sheet["E4"].value < 1
    assert book["Entwicklung"].max_row > 10 and book["Dauer"].max_row == 5


def test_pdf_report_is_printable_with_title_table_and_method(client):
    response = client.get("/statistik/bericht.pdf?date=2025-06-30&category=retail")
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Leerstandsbericht Thüringer Innenstädte, Stichtag 30.06.2025" in text
    assert "Gera Innenstadt" in text and "Methodik" in text and "GeoBasis-DE" in text
    # the methodology as the statistics page says it (registry/stats/methodology.py), German in an English request too
    english = client.get("/statistik/bericht.pdf?date=2025-06-30", HTTP_ACCEPT_LANGUAGE="en")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(english.content)).pages).split())
    assert "Untergeschoss (UG)" in text and "„nicht vermietbar“" in text


def test_a_future_reference_date_is_refused(client):
    assert client.get("/statistik/bericht.pdf?date=2099-01-01").status_code == 400
