"""The survey template /import/vorlage.xlsx: the register's columns with German headers, choice lists where a
column has fixed values, and a sheet explaining every column. Its headers are those values.recognise_header
knows for certain, so a file filled from it is imported without a mapping step."""

import io

from registry.units.categories import Category
from registry.units.vacancy import Status

from .values import TEMPLATE_HEADERS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS = 2000  # rows the choice lists cover

# field → (what it means, how to write it, example)
EXPLANATIONS = {
    "external_id": ("Eigene Nummer des Objekts; damit findet ein späterer Import dieselbe Einheit wieder.",
                    "frei, eindeutig je Gemeinde", "A-017"),
    "name": ("Name des Geschäfts oder der Einheit.", "Text", "Bäckerei am Markt"),
    "street": ("Straße (Pflicht).", "Text, „Str.“ erlaubt", "Marktstraße"),
    "house_number": ("Hausnummer mit Zusatz.", "Text", "12 a"),
    "postcode": ("Postleitzahl.", "fünf Ziffern", "99084"),
    "town": ("Ort oder Ortsteil.", "Text", "Erfurt"),
    "floor": ("Geschoss der Einheit.", "Auswahl: EG, OG, UG", "EG"),
    "status": ("Aktueller Stand.", "Auswahl (siehe Liste)", "leer"),
    "vacant_since": ("Seit wann die Einheit leer steht (nur bei leer, in Verhandlung, im Umbau …).",
                     "Datum TT.MM.JJJJ", "01.03.2024"),
    "category": ("Nutzungsart (bei leerstehenden Einheiten die letzte Nutzung).", "Auswahl (siehe Liste)",
                 "Einzelhandel"),
    "floor_area": ("Nutzfläche.", "Zahl in m², Dezimalkomma; keine Spannen, kein „ca.“", "120,5"),
    "sales_area": ("Verkaufsfläche, höchstens die Nutzfläche.", "Zahl in m²", "80"),
    "frontage": ("Länge der Schaufensterfront.", "Zahl in Metern", "6,5"),
    "step_free": ("Stufenloser Zugang.", "ja / nein", "ja"),
    "listed_building": ("Gebäude steht unter Denkmalschutz.", "ja / nein", "nein"),
    "asking_rent": ("Angebotene Kaltmiete je m² und Monat.", "Zahl in €/m²", "9,50"),
    "last_checked": ("Wann die Angaben zuletzt vor Ort geprüft wurden.", "Datum TT.MM.JJJJ", "15.11.2026"),
    "owner_name": ("Eigentümer oder Ansprechpartner – vertraulich, nie öffentlich.", "Text", "Max Muster"),
    "owner_phone": ("Telefon des Eigentümers – vertraulich.", "Text", "0361 555 01"),
    "owner_email": ("E-Mail des Eigentümers – vertraulich.", "E-Mail-Adresse", "max@example.org"),
    "internal_note": ("Interne Notiz – nur für die Stadtverwaltung, nie öffentlich oder im Export für Dritte.",
                      "Text", "Eigentümer will verkaufen"),
    "x": ("Rechtswert (ETRS89 / UTM 32N) oder geographische Länge (WGS84). Pflicht für eine neue Einheit; "
          "leer gelassen behält eine vorhandene Einheit ihren Standort.", "Zahl", "642200"),
    "y": ("Hochwert (ETRS89 / UTM 32N) oder geographische Breite (WGS84). Pflicht für eine neue Einheit; "
          "leer gelassen behält eine vorhandene Einheit ihren Standort.", "Zahl", "5649400"),
}
FLOORS = ["EG", "OG", "UG"]
YES_NO = ["ja", "nein"]


def choices():
    """Lists of the columns with fixed values: {field: [values as the import reads them]}."""
    return {"status": [str(label) for label in Status.labels], "category": [str(label) for label in Category.labels],
            "floor": FLOORS, "step_free": YES_NO, "listed_building": YES_NO}


def workbook_bytes():
    # openpyxl (with lxml, ~11 MB) loads on the first download, not in every idle web worker (issue 17)
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Erhebung"
    fields = list(TEMPLATE_HEADERS)
    sheet.append([TEMPLATE_HEADERS[field] for field in fields])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        sheet.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) + 2)
    sheet.freeze_panes = "A2"
    # the lists on their own sheet: a label such as "vermietet, noch nicht eröffnet" holds a comma, which
    # a list written into the validation itself would split
    lists = workbook.create_sheet("Listen")
    for index, (field, options) in enumerate(choices().items(), start=1):
        letter = openpyxl.utils.get_column_letter(index)
        lists.cell(1, index, TEMPLATE_HEADERS[field]).font = Font(bold=True)
        for row, option in enumerate(options, start=2):
            lists.cell(row, index, option)
        target = openpyxl.utils.get_column_letter(fields.index(field) + 1)
        validation = DataValidation(type="list", formula1=f"=Listen!${letter}$2:${letter}${len(options) + 1}",
                                    allow_blank=True, showErrorMessage=True, errorTitle="Ungültiger Wert",
                                    error=f"Bitte einen Wert aus der Liste wählen ({TEMPLATE_HEADERS[field]}).")
        validation.add(f"{target}2:{target}{ROWS}")
        sheet.add_data_validation(validation)
    explained = workbook.create_sheet("Erläuterung")
    explained.append(["Spalte", "Bedeutung", "Schreibweise", "Beispiel"])
    for cell in explained[1]:
        cell.font = Font(bold=True)
    for field in fields:
        explained.append([TEMPLATE_HEADERS[field], *EXPLANATIONS[field]])
    explained.append([])
    explained.append(["Hinweis", "Eine Zeile je Einheit. Es wird alles oder nichts importiert; jeder Fehler wird mit "
                                 "Zeile und Spalte genannt. Zusätzliche Spalten bitte vor dem Import ausdrücklich "
                                 "zuordnen oder ignorieren."])
    for letter, width in zip("ABCD", (24, 70, 36, 24), strict=True):
        explained.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
