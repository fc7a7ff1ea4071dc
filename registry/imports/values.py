"""Column names and cell values as German offices write them, turned into register values.

Every parser returns the value or raises ValueError with a German message for
"Zeile N, Spalte X: …".
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from registry.parsing import parse_date, parse_number
from registry.units.categories import Category
from registry.units.models import Floor
from registry.units.vacancy import Status

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise_header(name):
    return re.sub(r"[^a-z0-9]", "", str(name).lower().translate(_UMLAUTS))


# field → header spellings (normalised); the first match wins, unknown columns are ignored
FIELDS = {
    "external_id": ["objektnr", "objektnummer", "externeid", "externalid", "lfdnr"],
    "name": ["name", "bezeichnung", "geschaeft", "mieter"],
    "street": ["strasse", "str", "street", "adresse"],
    "house_number": ["hausnr", "hausnummer", "hnr", "nr", "housenumber", "number"],
    "postcode": ["plz", "postleitzahl", "postcode", "zip"],
    "town": ["ort", "stadt", "town", "city"],
    "floor": ["geschoss", "etage", "floor", "lage"],
    "floor_area": ["nutzflaeche", "flaeche", "nf", "floorarea", "area", "flaechem2", "nutzflaechem2"],
    "sales_area": ["verkaufsflaeche", "vkf", "salesarea", "verkaufsflaechem2"],
    "frontage": ["schaufensterfront", "schaufenster", "front", "frontage"],
    "step_free": ["barrierefrei", "stepfree"],
    "listed_building": ["denkmalschutz", "denkmal", "listed"],
    "category": ["nutzung", "nutzungsart", "branche", "category", "use"],
    "status": ["status", "zustand"],
    "vacant_since": ["leerseit", "leerstandseit", "vacantsince", "seit"],
    "asking_rent": ["miete", "kaltmiete", "mieteproqm", "rent", "askingrent"],
    "last_checked": ["geprueft", "zuletztgeprueft", "stand", "checked", "lastchecked"],
    "owner_name": ["eigentuemer", "eigentuemerin", "owner", "ansprechpartner"],
    "owner_phone": ["telefon", "tel", "phone"],
    "owner_email": ["email", "mail", "emailadresse"],
    "x": ["rechtswert", "rw", "x", "lon", "lng", "laenge", "longitude", "ostwert", "easting"],
    "y": ["hochwert", "hw", "y", "lat", "breite", "latitude", "nordwert", "northing"],
}


def suggest_mapping(columns, preset=None):
    """{column: field} for the columns we recognise; each field used once. A preset (a town's last
    confirmed mapping, "" for columns it ignores) decides first for the columns it knows."""
    preset = {column: field for column, field in (preset or {}).items() if column in columns}
    mapping = {column: field for column, field in preset.items() if field}
    used = set(mapping.values())
    normalised = {column: normalise_header(column) for column in columns if column not in preset}
    for field, spellings in FIELDS.items():
        for spelling in spellings:
            match = next((c for c, n in normalised.items() if n == spelling and c not in mapping), None)
            if match and field not in used:
                mapping[match] = field
                used.add(field)
                break
    return mapping


STATUS_WORDS = {
    "leer": Status.VACANT, "leerstand": Status.VACANT, "frei": Status.VACANT,
    "genutzt": Status.OCCUPIED, "belegt": Status.OCCUPIED, "vermietet": Status.OCCUPIED,
    "inverhandlung": Status.RESERVED, "reserviert": Status.RESERVED,
    "vermietetnochnichteroeffnet": Status.LET_NOT_OPEN, "nochnichteroeffnet": Status.LET_NOT_OPEN,
    "zwischennutzung": Status.INTERIM_USE, "imumbau": Status.RENOVATION, "umbau": Status.RENOVATION,
    "nichtvermietbar": Status.NOT_LETTABLE, "umnutzung": Status.NOT_LETTABLE,
    **{normalise_header(s.value): s for s in Status},
}
CATEGORY_WORDS = {normalise_header(c.label): c for c in Category} | {c.value: c for c in Category} | {
    "handel": Category.RETAIL, "gastro": Category.GASTRONOMY, "dienstleistungen": Category.SERVICES}
FLOOR_WORDS = {"eg": Floor.GROUND, "erdgeschoss": Floor.GROUND, "og": Floor.UPPER, "obergeschoss": Floor.UPPER,
               "1og": Floor.UPPER, "ug": Floor.BASEMENT, "untergeschoss": Floor.BASEMENT, "keller": Floor.BASEMENT}
YES = {"ja", "j", "x", "1", "true", "yes", "wahr"}
NO = {"nein", "n", "0", "false", "no", "falsch"}


_PLAIN_NUMBER = re.compile(r"\d+(\.\d+)?")
_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d+)?")


def number(text):
    if _PLAIN_NUMBER.fullmatch(text) and not _THOUSANDS.fullmatch(text) and len(text) < 30:  # the common case
        return float(text)
    result = float(parse_number(text))  # the one German reading, shared with forms and filters
    if result < 0:
        raise ValueError(f"„{text}“ ist negativ.")
    return result


def date(text):
    return parse_date(text)


def _lookup(words, text, message):
    found = words.get(normalise_header(text))
    if found is None:
        raise ValueError(message.format(text=text))
    return found


def status(text):
    return _lookup(STATUS_WORDS, text,
                   "Unbekannter Status „{text}“ (z. B. leer, genutzt, in Verhandlung, Zwischennutzung).")


def category(text):
    return _lookup(CATEGORY_WORDS, text, "Unbekannte Nutzung „{text}“.")


def floor(text):
    return _lookup(FLOOR_WORDS, text, "Unbekanntes Geschoss „{text}“ (EG, OG, UG).")


def boolean(text):
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(f"„{text}“ ist weder ja noch nein.")


def email(text):
    try:
        validate_email(text)
        if len(text) > 254:  # the owner record's column; Django's validator allows 320
            raise ValidationError("too long")
    except ValidationError:
        raise ValueError("Keine gültige E-Mail-Adresse.") from None  # the value is personal: not repeated
    return text


def postcode(text):
    text = re.sub(r'^="(\d+)"$', r"\1", text)  # our own CSV export writes ="07743" to keep the zero
    if re.fullmatch(r"\d{4}", text):  # Excel drops the leading zero of 07743 Jena
        return "0" + text
    if not re.fullmatch(r"\d{5}", text):
        raise ValueError(f"„{text}“ ist keine Postleitzahl (fünf Ziffern).")
    return text


def text(value):
    return value


PARSERS = {"floor_area": number, "sales_area": number, "frontage": number, "asking_rent": number,
           "x": number, "y": number, "vacant_since": date, "last_checked": date, "status": status,
           "category": category, "floor": floor, "step_free": boolean, "listed_building": boolean,
           "owner_email": email, "postcode": postcode}


def parse(field, raw):
    return PARSERS.get(field, text)(raw)


# Where Thuringia lies in each coordinate system the offices use: (x range, y range).
COORDINATE_WINDOWS = {
    "4326": ((9, 13.5), (50, 52)),  # longitude / latitude
    "25832": ((500_000, 850_000), (5_500_000, 5_750_000)),  # Rechtswert / Hochwert, ETRS89 / UTM 32N
}


CRS_NAMES = {"4326": "WGS84 (Länge/Breite)", "25832": "ETRS89 / UTM 32N (Rechtswert/Hochwert)"}


def coordinate_system(shares):
    """'4326' or '25832' from {(crs, swapped): share of rows inside that window}; ValueError
    naming swapped axes, which are reported and never silently fixed."""
    if shares[("4326", 0)] > 0.9:
        return "4326"
    if shares[("25832", 0)] > 0.9:
        return "25832"
    if shares[("4326", 1)] > 0.9:
        raise ValueError("Länge und Breite scheinen vertauscht (Breite ≈ 50–52 steht in der X-Spalte). "
                         "Bitte die Zuordnung der Spalten prüfen.")
    if shares[("25832", 1)] > 0.9:
        raise ValueError("Rechtswert und Hochwert scheinen vertauscht. Bitte die Zuordnung der Spalten prüfen.")
    raise ValueError("Die Koordinaten passen weder zu WGS84 (Länge/Breite) noch zu ETRS89/UTM 32N "
                     "(Rechtswert/Hochwert) in Thüringen.")
