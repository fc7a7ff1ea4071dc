"""The dry run's diff as people read it: one line per changed field of a unit, old → new, in German.

The values come from staging.changes as machine text; this turns them into what the register shows
(„120,5 m²“, „leer seit 01.03.2024“, „verschoben um 612 m“). Owner values are replaced by a neutral
„geändert“ for anyone who may not see the unit's owner.
"""

import csv

from django.utils.translation import gettext as _

from registry.formats import german_number, spreadsheet_text
from registry.units.categories import Category
from registry.units.models import Floor
from registry.units.vacancy import Status

from . import values

LABELS = {**values.LABELS, "location": "Standort", "owner_name": "Eigentümer", "owner_phone": "Telefon (Eigentümer)",
          "owner_email": "E-Mail (Eigentümer)"}
UNITS = {"floor_area": " m²", "sales_area": " m²", "frontage": " m", "asking_rent": " €/m²"}
CHOICES = {"status": dict(Status.choices), "category": dict(Category.choices), "floor": dict(Floor.choices)}
OWNER_FIELDS = {"owner_name", "owner_phone", "owner_email"}
HIDDEN = "(geändert; nur für Berechtigte sichtbar)"
HIDDEN_NEW = "(angegeben; nur für Berechtigte sichtbar)"
# a new unit's private values: its owner and the internal note
PRIVATE_FIELDS = OWNER_FIELDS | {"internal_note"}
CSV_HEADER = ["Zeile", "Einheit", "Adresse", "Feld", "bisher", "neu", "Abstand (m)"]


def _date(value):
    return value.strftime("%d.%m.%Y") if value else ""


def value_text(field, text):
    """A machine value of `field` as the register shows it."""
    if text is None or text == "":
        return "–"
    if field in UNITS:
        return german_number(text, 2, strip_zeros=True) + UNITS[field]
    if field in CHOICES:
        return str(CHOICES[field].get(text, text))
    if text in ("true", "false"):
        return _("ja") if text == "true" else _("nein")
    if field == "last_checked":
        return "{2}.{1}.{0}".format(*text.split("-"))
    return text


def describe_row(row, owners_visible):
    """{row, unit_id, address, field, label, old, new, metres, new_unit} from a staging.fetch_changes tuple."""
    n, unit_id, field, old, new, old_date, new_date, metres, address = row
    return describe(n, unit_id, address, field, old, new, old_date, new_date, metres, owners_visible)


def describe(n, unit_id, address, field, old, new, old_date, new_date, metres, owners_visible):
    # gettext: German on the command line and in its CSV, the user's language on the web
    # a new unit's lines have neither a unit nor an old value (staging._new_units)
    new_unit = unit_id is None and old is None
    if new_unit and field == "status":
        old_text = "–"
        new_text = value_text(field, new)
        if new_date:
            new_text = _("%(status)s ab %(date)s") % {"status": new_text, "date": _date(new_date)}
    elif new_unit and field in PRIVATE_FIELDS and not owners_visible:
        old_text, new_text = "–", _(HIDDEN_NEW)
    elif field == "location":
        old_text = _("bisheriger Standort")
        new_text = _("verschoben um %(metres)s m") % {"metres": german_number(metres, 0)}
    elif field == "status":
        old_text, new_text = value_text(field, old), value_text(field, new)
        if old_date:
            old_text = _("%(status)s seit %(date)s") % {"status": old_text, "date": _date(old_date)}
        if new_date:
            new_text = _("%(status)s ab %(date)s") % {"status": new_text, "date": _date(new_date)}
    elif field in OWNER_FIELDS and not owners_visible:
        old_text, new_text = ("–" if old is None else _("bisheriger Eintrag")), _(HIDDEN)
    else:
        old_text, new_text = value_text(field, old), value_text(field, new)
    return {"row": n, "unit_id": unit_id, "address": address, "field": field, "label": label(field),
            "old": old_text, "new": new_text, "metres": metres, "new_unit": new_unit}


def label(field):
    """The field's name in the user's language (German by default)."""
    return _(LABELS[field]) if field in LABELS else field


def text_lines(rows):
    """The diff for a terminal: the unit once, then its changed fields."""
    lines, current = [], None
    for row in rows:
        if row["row"] != current:
            current = row["row"]
            unit = "neue Einheit" if row["new_unit"] else f"Einheit {row['unit_id']}"
            lines.append(f"Zeile {row['row']} · {unit} · {row['address']}:")
        lines.append(f"    {row['label']}: {row['old']} → {row['new']}")
    return lines


def write_csv(target, rows):
    """The diff as a `;` CSV Excel opens (cells that could run as formulas are defused)."""
    writer = csv.writer(target, delimiter=";")
    writer.writerow(CSV_HEADER)
    for row in rows:
        metres = german_number(row["metres"], 1) if row["metres"] is not None else ""
        writer.writerow([row["row"], "neu" if row["new_unit"] else row["unit_id"], spreadsheet_text(row["address"]), row["label"],
                         spreadsheet_text(row["old"]), spreadsheet_text(row["new"]), metres])
