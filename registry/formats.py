"""Formatting for files that are German whatever the request language (PDFs, Excel CSV)."""

from decimal import ROUND_HALF_UP, Decimal


def german_number(value, digits=1, strip_zeros=False):
    """1234.5 → „1.234,5“; None → „–“."""
    if value is None:
        return "–"
    text = f"{float(value):,.{digits}f}"
    if strip_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def spreadsheet_text(value):
    """Text for a CSV cell that Excel will not run as a formula: a leading = + - @ tab or CR gets a
    quote (the SQL exports do the same in registry/exports/queries.py)."""
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def rate_percent(fraction, digits=1):
    """A vacancy rate (fraction) as a percentage rounded half up: the one rounding for map, list, statistics and
    exports (Django's number_format alone cuts digits off, JavaScript's Intl rounds: 29,1 % vs 29,2 %)."""
    if fraction is None:
        return None
    step = Decimal(1).scaleb(-digits)
    return (Decimal(str(fraction)) * 100).quantize(step, rounding=ROUND_HALF_UP)


def format_rate(fraction, digits=1):
    """„29,2 %“ in German, „29.2 %“ in English (the active language's separators); „–“ for no stock."""
    from django.utils.formats import number_format

    value = rate_percent(fraction, digits)
    return "–" if value is None else f"{number_format(value, digits)} %"
