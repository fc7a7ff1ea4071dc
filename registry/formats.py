"""Formatting for files that are German whatever the request language (PDFs, Excel CSV)."""


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
