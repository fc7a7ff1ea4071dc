"""The one parser for numbers and dates as people type them in Germany.

Used by every entry point (import, filters, map dialogs, listings, owner forms, requests), so the same text gives
the same value everywhere: „1.250“ = 1250, „1.250,5“ = 1250.5, „1,5“ = 1.5, „9,50 €“ = 9.5, „80 m²“ = 80.
A plain „12.5“ (no group of three digits after the point) stays the decimal 12.5 that machines send.
Approximations („ca. 80“), ranges („80-100“), NaN/Infinity and exponents are refused: a register value is exact.
"""

import datetime
import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

# Units and currency people append; removed before parsing (longest first, case-insensitive).
_UNITS = re.compile(r"(€/m²|eur/m²|€/qm|eur/qm|euro|eur|€|m²|m2|qm|m)$", re.IGNORECASE)
_GROUPED = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?")  # 1.250 and 1.250,5
_GROUPED_SPACE = re.compile(r"-?\d{1,3}( \d{3})+(,\d+)?")  # 1 250,5 (thin or normal space)
_COMMA_DECIMAL = re.compile(r"-?\d+(,\d+)?")
_POINT_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
# a double written out in full (Excel, GIS: „11,02640603855515“) has up to 17 significant digits
MAX_DIGITS = 17


def parse_number(text):
    """Decimal from German-written text; ValueError with a German message naming the value otherwise."""
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        value = Decimal(text)
    elif isinstance(text, float):
        value = Decimal(repr(text))
    else:
        raw = str(text)
        cleaned = raw.replace("\u00a0", " ").replace("\u202f", " ").strip()
        cleaned = _UNITS.sub("", cleaned).strip()
        if _GROUPED.fullmatch(cleaned):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        elif _GROUPED_SPACE.fullmatch(cleaned):
            cleaned = cleaned.replace(" ", "").replace(",", ".")
        elif _COMMA_DECIMAL.fullmatch(cleaned):
            cleaned = cleaned.replace(",", ".")
        elif not _POINT_DECIMAL.fullmatch(cleaned):
            raise ValueError(_("„%(value)s“ ist keine Zahl.") % {"value": raw[:40]})
        value = Decimal(cleaned)
    if not value.is_finite() or len(value.as_tuple().digits) > MAX_DIGITS:
        raise ValueError(_("„%(value)s“ ist keine Zahl.") % {"value": str(text)[:40]})
    return value


DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y")


def parse_date(text):
    """date from TT.MM.JJJJ, JJJJ-MM-TT or TT.MM.JJ; ValueError with a German message otherwise."""
    if isinstance(text, datetime.date):
        return text
    value = str(text).strip()
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("„%(value)s“ ist kein gültiges Datum (TT.MM.JJJJ).") % {"value": value[:40]})


class GermanDecimalField(forms.DecimalField):
    """A form field that reads numbers with parse_number; min/max/decimal validation as Django's."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class GermanDateField(forms.DateField):
    input_formats = list(DATE_FORMATS)
