"""The alliance report "Leerstandsbericht Thüringer Innenstädte": XLSX (openpyxl) and a
printable PDF with table and charts (reportlab, charts drawn natively as vectors)."""

import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from registry.formats import german_number, rate_percent, spreadsheet_text

from . import methodology


ORANGE = colors.HexColor("#D55E00")
COLUMNS = [("name", "Innenstadt"), ("municipality", "AGS"), ("units", "Einheiten"), ("vacant", "leer"),
           ("vacancy_rate", "Leerstandsquote"), ("vacant_floor_area", "leere Fläche (m²)"),
           ("interim_use", "Zwischennutzungen"), ("median_vacancy_days", "Median leer (Tage)"),
           ("change", "Änderung zum Vorjahr (Pp.)")]
SOURCE = "Quelle: Leerstandsregister Thüringen; Gemeindegrenzen © GeoBasis-DE / BKG 2016 (dl-de/by-2-0)"


def _german_methodology():
    """The report is German (like SOURCE), whatever language the request came in."""
    with translation.override("de"):
        return methodology.lines()


def title(day):
    return f"Leerstandsbericht Thüringer Innenstädte, Stichtag {day:%d.%m.%Y}"


def xlsx(day, rows, trend, buckets):
    book = Workbook()
    sheet = book.active
    sheet.title = "Innenstädte"
    sheet.append([title(day)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append([label for _, label in COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        # typed by towns: a name starting with = + - @ would be a formula cell, spreadsheet_text keeps it text
        sheet.append([spreadsheet_text(row["name"]), spreadsheet_text(row["municipality"]), row["units"], row["vacant"], row["vacancy_rate"],
                      row["vacant_floor_area"], row["interim_use"], row["median_vacancy_days"],
                      None if row["change"] is None else row["change"] * 100])
    last = 3 + len(rows)
    for line in sheet.iter_rows(min_row=4, max_row=last, min_col=5, max_col=5):
        line[0].number_format = "0.0%"
    for line in sheet.iter_rows(min_row=4, max_row=last, min_col=6, max_col=6):
        line[0].number_format = "#,##0"
    for line in sheet.iter_rows(min_row=4, max_row=last, min_col=9, max_col=9):
        line[0].number_format = "+0.0;-0.0;0.0"
    for index, width in enumerate([34, 10, 10, 8, 16, 16, 16, 18, 22], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([])
    sheet.append([SOURCE])
    chart = BarChart()
    chart.type, chart.title, chart.y_axis.number_format = "bar", "Leerstandsquote je Innenstadt", "0%"
    chart.add_data(Reference(sheet, min_col=5, min_row=3, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=4, max_row=last))
    chart.height, chart.width, chart.legend = 14, 18, None
    sheet.add_chart(chart, "K3")

    development = book.create_sheet("Entwicklung")
    development.append(["Stichtag", "Einheiten", "leer", "Leerstandsquote"])
    for point in trend:
        development.append([point["day"], point["units"], point["vacant"], point["rate"]])
    for line in development.iter_rows(min_row=2, min_col=1, max_col=1):
        line[0].number_format = "DD.MM.YYYY"
    for line in development.iter_rows(min_row=2, min_col=4, max_col=4):
        line[0].number_format = "0.0%"
    development.column_dimensions["A"].width = 12
    line_chart = LineChart()
    line_chart.title, line_chart.y_axis.number_format, line_chart.legend = "Entwicklung der Leerstandsquote", "0%", None
    line_chart.add_data(Reference(development, min_col=4, min_row=1, max_row=1 + len(trend)), titles_from_data=True)
    line_chart.set_categories(Reference(development, min_col=1, min_row=2, max_row=1 + len(trend)))
    development.add_chart(line_chart, "F2")

    durations = book.create_sheet("Dauer")
    durations.append(["Leerstandsdauer", "Einheiten"])
    for bucket in buckets:
        durations.append([bucket["label"], bucket["count"]])
    durations.column_dimensions["A"].width = 18

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bar_rates(rows):
    drawing = Drawing(26 * cm, 12 * cm)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 6.5 * cm, 0.8 * cm, 18.5 * cm, 10.8 * cm
    ordered = sorted(rows, key=lambda r: r["vacancy_rate"] or 0)
    chart.data = [[(r["vacancy_rate"] or 0) * 100 for r in ordered]]
    chart.categoryAxis.categoryNames = [r["name"] for r in ordered]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = "%d %%"
    chart.bars[0].fillColor = ORANGE
    drawing.add(chart)
    return drawing


def _small_chart(chart):
    """A chart in a half-page frame; returns (drawing, chart) for the caller to fill."""
    drawing = Drawing(12.5 * cm, 7 * cm)
    chart.x, chart.y, chart.width, chart.height = 1.2 * cm, 1.2 * cm, 10.8 * cm, 5.3 * cm
    chart.valueAxis.valueMin = 0
    drawing.add(chart)
    return drawing, chart


def _line_trend(trend):
    drawing, chart = _small_chart(HorizontalLineChart())
    chart.data = [[(p["rate"] or 0) * 100 for p in trend]]
    chart.categoryAxis.categoryNames = [p["day"].strftime("%m/%y") for p in trend]
    chart.categoryAxis.labels.fontSize, chart.categoryAxis.labels.angle = 6, 45
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labelTextFormat = "%d %%"
    chart.lines[0].strokeColor, chart.lines[0].strokeWidth = ORANGE, 2
    return drawing


def _bar_buckets(buckets):
    drawing, chart = _small_chart(VerticalBarChart())
    chart.data = [[b["count"] for b in buckets]]
    chart.categoryAxis.categoryNames = [b["label"] for b in buckets]
    chart.categoryAxis.labels.fontSize = 7
    chart.bars[0].fillColor = ORANGE
    return drawing


def pdf(day, rows, trend, buckets, totals):
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=landscape(A4), title=title(day), author="Leerstandsregister Thüringen",
                                 leftMargin=1.5 * cm, rightMargin=1.5 * cm, topMargin=1.2 * cm, bottomMargin=1.2 * cm)
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    story = [
        Paragraph(title(day), styles["Title"]),
        Paragraph(f"{totals['vacant']} von {totals['units']} Einheiten in {len(rows)} Innenstädten leer "
                  f"({german_number(rate_percent(totals['rate'] or 0))} %), {totals['interim_use']} Zwischennutzungen.",
                  styles["BodyText"]),
        Spacer(1, 0.3 * cm),
        _bar_rates(rows),
        PageBreak(),
    ]
    header = [label for _, label in COLUMNS]
    body = [[r["name"], r["municipality"], r["units"], r["vacant"], f"{german_number(rate_percent(r['vacancy_rate'] or 0))} %",
             german_number(r["vacant_floor_area"], 0), r["interim_use"],
             "–" if r["median_vacancy_days"] is None else r["median_vacancy_days"],
             "–" if r["change"] is None else ("+" if r["change"] > 0 else "") + german_number(r["change"] * 100)]
            for r in rows]
    table = Table([header] + body, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTSIZE", (0, 0), (-1, -1), 7.5), ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("ALIGN", (2, 0), (-1, -1), "RIGHT"), ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f4f6")]),
    ]))
    story += [table, PageBreak(),
              Table([[Paragraph("Entwicklung der Leerstandsquote (alle Innenstädte)", styles["Heading3"]),
                      Paragraph("Dauer der Leerstände am Stichtag", styles["Heading3"])],
                     [_line_trend(trend), _bar_buckets(buckets)]]),
              Spacer(1, 0.4 * cm),
              Paragraph("Methodik: " + " ".join(_german_methodology()), small),
              Paragraph(SOURCE, small)]
    document.build(story)
    return out.getvalue()
