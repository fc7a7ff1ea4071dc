"""Column names and cell values as German offices write them, turned into register values.

Every parser returns the value or raises ValueError with a German message for
"Zeile N, Spalte X: …".
"""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from registry.parsing import parse_date, parse_number
from registry.units.categories import SUBCATEGORIES, Category
from registry.units.models import Floor
from registry.units.vacancy import Status

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _fold(text):
    """Lower case, German umlauts and ß spelled out, other accents dropped („Café“ → „cafe“)."""
    text = unicodedata.normalize("NFC", str(text)).lower().translate(_UMLAUTS)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise_header(name):
    return re.sub(r"[^a-z0-9]", "", _fold(name))


# field → header spellings (normalised, after units and qualifiers are taken off: see recognise_header)
FIELDS = {
    "external_id": ["objektnr", "objektnummer", "externeid", "externalid", "lfdnr", "objektid", "propertyid",
                    "objectid", "unitid"],
    "name": ["name", "bezeichnung", "geschaeft", "mieter", "objektname"],
    "street": ["strasse", "str", "street", "adresse", "anschrift", "strassenname"],
    "house_number": ["hausnr", "hausnummer", "hnr", "nr", "housenumber", "number", "hsnr"],
    "postcode": ["plz", "postleitzahl", "postcode", "zip", "zipcode"],
    "town": ["ort", "stadt", "town", "city", "ortsteil", "gemeinde", "gemeindename"],
    "floor": ["geschoss", "etage", "floor", "lage", "stockwerk", "ebene", "lagegebaeude", "level"],
    "floor_area": ["nutzflaeche", "flaeche", "nf", "floorarea", "area", "gesamtflaeche", "mietflaeche", "groesse",
                   "size"],
    "sales_area": ["verkaufsflaeche", "vkf", "salesarea", "vk", "vkflaeche", "ladenflaeche"],
    "frontage": ["schaufensterfront", "schaufenster", "front", "frontage", "schaufensterlaenge", "fensterfront"],
    "step_free": ["barrierefrei", "stepfree", "barrierefreiheit", "stufenlos", "wheelchair", "accessible"],
    "listed_building": ["denkmalschutz", "denkmal", "listed", "listedbuilding", "baudenkmal"],
    "category": ["nutzung", "nutzungsart", "branche", "category", "use", "nutzungskategorie", "kategorie",
                 "lastuse", "currentuse", "letztenutzung", "vornutzung"],
    "status": ["status", "zustand", "leerstand", "leerstandsstatus", "vacancy"],
    "vacant_since": ["leerseit", "leerstandseit", "vacantsince", "seit", "leerstandsbeginn", "leerab"],
    "asking_rent": ["miete", "kaltmiete", "mieteproqm", "rent", "askingrent", "nettokaltmiete", "mietpreis"],
    "last_checked": ["geprueft", "zuletztgeprueft", "stand", "checked", "lastchecked", "geprueftam", "erhebungsdatum",
                     "erfassungsdatum",
                     "erfasstam", "datum", "begehung"],
    "owner_name": ["eigentuemer", "eigentuemerin", "owner", "ansprechpartner", "vermieter", "kontakt"],
    "owner_phone": ["telefon", "tel", "phone", "telefonnummer", "telnr", "mobil", "handy"],
    "owner_email": ["email", "mail", "emailadresse", "epost"],
    "internal_note": ["bemerkung", "bemerkungen", "notiz", "notizen", "kommentar", "kommentare", "intern",
                      "anmerkung", "anmerkungen", "hinweis", "hinweise", "note", "notes", "comment", "remarks"],
    # "UTM Ost" / "UTM Nord" as GIS exports of Thuringian offices name them ("UTM" is a qualifier)
    "x": ["rechtswert", "rw", "x", "lon", "lng", "laenge", "longitude", "ostwert", "easting", "xkoordinate",
          "laengengrad", "ost", "east", "ostkoordinate"],
    "y": ["hochwert", "hw", "y", "lat", "breite", "latitude", "nordwert", "northing", "ykoordinate", "breitengrad",
          "nord", "north", "nordkoordinate"],
}
_SPELLINGS = {spelling: field for field, spellings in reversed(FIELDS.items()) for spelling in spellings}
OWNER_FIELDS = ("owner_name", "owner_phone", "owner_email")

# Units people write into a header ("Fläche (m²)", "Fläche in qm", "Miete €/m²"). The register's own units
# are taken off; a unit that would change the value ("Fläche (ha)") makes the column refused, not read as m².
_UNIT_WORDS = {"m", "m2", "qm", "sqm", "m²", "€", "eur", "euro", "ha", "ar", "cm", "mm", "km", "ft", "sqft", "ft2",
               "monat", "mtl", "jahr", "netto", "brutto"}
EXPECTED_UNITS = {"floor_area": {"m2", "qm", "sqm", "m²"}, "sales_area": {"m2", "qm", "sqm", "m²"},
                  "frontage": {"m"}, "asking_rent": {"€", "eur", "euro", "m2", "qm", "sqm", "m²", "netto"}}
UNIT_NAMES = {"floor_area": "m²", "sales_area": "m²", "frontage": "m", "asking_rent": "€/m²"}
# Qualifiers that say which value, not what: "(zuletzt)", "(intern)", "ca.", "aktuell".
_QUALIFIERS = {"zuletzt", "letzte", "letzter", "intern", "interne", "interner", "aktuell", "aktuelle", "aktueller",
               "ca", "gesamt", "in", "pro", "je", "per", "des", "der", "die", "das", "vom", "von", "zum", "am", "im",
               "optional", "freiwillig", "falls", "bekannt", "ja", "nein", "janein", "jn", "of", "the", "tt", "mm",
               "jjjj", "ttmmjjjj", "datum", "etrs89", "etrs", "utm", "utm32", "utm32n", "zone", "wgs84", "wgs",
               "epsg", "25832", "4326", "grad", "dezimal", "dezimalgrad"}
# The person a column is about: "Telefon Eigentümer", "E-Mail des Eigentümers", "Name Ansprechpartner"
_OWNER_WORDS = {"eigentuemer", "eigentuemers", "eigentuemerin", "eigentuemern", "ansprechpartner", "ansprechpartnerin",
                "kontakt", "owner", "owners", "vermieter", "vermieterin"}
AUTO_SCORE = 90  # a fuzzy score from which a suggestion is taken without asking
SUGGEST_SCORE = 75  # below, a guess is noise ("Foto-Nr" ≈ "floor" 73 %) and not shown at all


@dataclass(frozen=True)
class Recognised:
    """What a header most likely means: the field (or None), a score 0–100 (100 = the rules recognised it),
    whether it is taken without asking, and a unit that does not fit the field (→ refused)."""

    field: str | None
    score: int = 0
    auto: bool = False
    foreign_unit: str = ""


def _words(name):
    """The header's words, normalised, and the units written in it."""
    text = _fold(str(name).replace("²", "2"))
    text = re.sub(r"e-?mail", "email", text)
    # running metres ("Schaufenster (lfd. m)", "lfm") are metres; "Lfd. Nr." stays a number column
    text = re.sub(r"\b(?:lfd|laufende)\.?\s*(?:m|meter|metern)\b|\blfm\b", " m ", text)
    words = re.findall(r"[a-z0-9€]+", text.replace("€", " € "))
    units = {word for word in words if word in _UNIT_WORDS}
    return [word for word in words if word not in _UNIT_WORDS], units


def recognise_header(name):
    """One header → Recognised, as people write them: units and qualifiers in brackets or after the
    name are ignored, umlauts, ß, hyphens and case too; what remains is matched exactly, else fuzzily."""
    words, units = _words(name)
    owner = any(word in _OWNER_WORDS for word in words)
    core = [word for word in words if word not in _QUALIFIERS and word not in _OWNER_WORDS] if owner else \
        [word for word in words if word not in _QUALIFIERS]
    key = "".join(core) or "".join(words)
    if owner and key in ("", "name", "nachname", "vorname", "kontakt"):  # "Eigentümer", "Name Eigentümer"
        key = "eigentuemer"
    field, score = _SPELLINGS.get(key), 100
    if field is None and key:
        from rapidfuzz import fuzz, process  # imported here: only a file with unknown headers needs it

        spellings = [s for s in _SPELLINGS if len(s) > 2] if len(key) > 3 else list(_SPELLINGS)
        best = process.extractOne(key, spellings, scorer=fuzz.ratio)
        field, score = (_SPELLINGS[best[0]], int(round(best[1]))) if best else (None, 0)
    if field is None or score < SUGGEST_SCORE:
        return Recognised(None)
    if owner and field not in OWNER_FIELDS:  # "Adresse des Eigentümers" is not the unit's street
        return Recognised(None)
    # a foreign unit is taken too, so the check refuses the column by name instead of dropping it
    return Recognised(field, score, score >= AUTO_SCORE, _foreign_units(field, units))


def _foreign_units(field, units):
    return ", ".join(sorted(units - EXPECTED_UNITS[field] - {"netto", "brutto"})) if field in EXPECTED_UNITS else ""


def expected_unit_problem(column, field):
    """German message when the header names a unit that does not fit the field ("Fläche (ha)"), else ""."""
    foreign = _foreign_units(field, _words(column)[1])
    if not foreign:
        return ""
    return (f"Die Einheit „{foreign}“ im Spaltennamen passt nicht zu {UNIT_NAMES[field]}; "
            f"bitte die Werte in {UNIT_NAMES[field]} umrechnen und die Spalte umbenennen.")


# Columns of the register's own exports (registry/exports) that it computes or keeps elsewhere: a re-imported
# export leaves them out on purpose ("id" is the register's key, never a town's Objektnummer).
REGISTER_OUTPUTS = {"id", "status_label", "vacancy_days", "centre", "centre_name", "municipality",
                    "municipality_name", "listing_url", "owner_organisation", "owner_address", "owner_consent"}


def recognise(columns, preset=None):
    """{column: Recognised} for every column; each field goes to one column (the best score, then the
    first). A preset (a town's confirmed mapping, "" for columns it ignores) decides first for the
    columns it knows: its fields have score 100, its ignored columns field ""."""
    preset = {column: field for column, field in (preset or {}).items() if column in columns}
    found = {column: Recognised(field, 100, True) for column, field in preset.items()}
    found |= {column: Recognised("", 100, True) for column in columns
              if column in REGISTER_OUTPUTS and column not in preset}
    used = {field for field in preset.values() if field}
    guesses = {column: recognise_header(column) for column in columns if column not in found}
    for column, guess in sorted(guesses.items(), key=lambda item: (-item[1].score, columns.index(item[0]))):
        if guess.field and guess.field in used:  # the field went to a better or earlier column: only a hint
            found[column] = Recognised(guess.field, guess.score, False, guess.foreign_unit)
            continue
        found[column] = guess
        if guess.auto:
            used.add(guess.field)
    return {column: found[column] for column in columns}


def suggest_mapping(columns, preset=None):
    """{column: field} for the columns taken without asking ("" for those the preset ignores)."""
    return {column: found.field or "" for column, found in recognise(columns, preset).items() if found.auto}


def unmapped(columns, mapping):
    """The file's columns the mapping neither maps nor ignores."""
    return [column for column in columns if column not in (mapping or {})]


def expected_headers():
    """The header each field has in the survey template (vorlage.xlsx), in the template's order."""
    return list(TEMPLATE_HEADERS.values())


LABELS = {
    "external_id": "Externe ID", "name": "Bezeichnung", "street": "Straße",
    "house_number": "Hausnummer", "postcode": "PLZ", "town": "Ort", "floor": "Geschoss", "floor_area": "Nutzfläche",
    "sales_area": "Verkaufsfläche", "frontage": "Schaufensterfront", "step_free": "barrierefrei",
    "listed_building": "Denkmalschutz", "category": "Nutzung", "status": "Status", "vacant_since": "leer seit",
    "asking_rent": "Kaltmiete", "last_checked": "zuletzt geprüft", "owner_name": "Eigentümer",
    "owner_phone": "Telefon (Eigentümer)", "owner_email": "E-Mail (Eigentümer)", "internal_note": "Interne Notiz",
    "x": "Rechtswert / Länge (x)", "y": "Hochwert / Breite (y)",
}

TEMPLATE_HEADERS = {
    "external_id": "Objektnummer", "name": "Bezeichnung", "street": "Straße", "house_number": "Hausnummer",
    "postcode": "PLZ", "town": "Ort", "floor": "Geschoss", "status": "Status", "vacant_since": "leer seit",
    "category": "Nutzungsart", "floor_area": "Nutzfläche (m²)", "sales_area": "Verkaufsfläche (m²)",
    "frontage": "Schaufensterfront (m)", "step_free": "barrierefrei", "listed_building": "Denkmalschutz",
    "asking_rent": "Kaltmiete (€/m²)", "last_checked": "zuletzt geprüft", "owner_name": "Eigentümer",
    "owner_phone": "Telefon Eigentümer", "owner_email": "E-Mail Eigentümer", "internal_note": "Bemerkung (intern)",
    "x": "Rechtswert", "y": "Hochwert",
}


STATUS_WORDS = {
    "leer": Status.VACANT, "leerstand": Status.VACANT, "frei": Status.VACANT,
    "genutzt": Status.OCCUPIED, "belegt": Status.OCCUPIED, "vermietet": Status.OCCUPIED,
    "inverhandlung": Status.RESERVED, "reserviert": Status.RESERVED,
    "vermietetnochnichteroeffnet": Status.LET_NOT_OPEN, "nochnichteroeffnet": Status.LET_NOT_OPEN,
    "zwischennutzung": Status.INTERIM_USE, "imumbau": Status.RENOVATION, "umbau": Status.RENOVATION,
    "inumbau": Status.RENOVATION, "sanierung": Status.RENOVATION, "insanierung": Status.RENOVATION,
    "wirdsaniert": Status.RENOVATION, "renovierung": Status.RENOVATION, "inrenovierung": Status.RENOVATION,
    "nichtvermietbar": Status.NOT_LETTABLE, "umnutzung": Status.NOT_LETTABLE,
    **{normalise_header(s.value): s for s in Status},
}
# The last use as surveys write it ("Bäckerei", "Friseur"): the first level of our categories (domain.md).
_USES = {
    Category.RETAIL: ["handel", "einzelhandel", "laden", "geschaeft", "shop", "retail", "baeckerei", "metzgerei",
                      "fleischerei", "lebensmittel", "supermarkt", "boutique", "mode", "bekleidung", "schuhe",
                      "drogerie", "buchhandlung", "schreibwaren", "elektronik", "moebel", "blumen", "optiker",
                      "juwelier", "kiosk", "spielwaren"],
    Category.GASTRONOMY: ["gastro", "gastronomie", "cafe", "restaurant", "imbiss", "bar", "kneipe", "gaststaette",
                          "eiscafe", "bistro", "gastronomy"],
    Category.SERVICES: ["dienstleistungen", "dienstleistung", "friseur", "bank", "sparkasse", "reisebuero",
                        "versicherung", "kosmetik", "nagelstudio", "reinigung", "waescherei", "fahrschule",
                        "services"],
    Category.CRAFT: ["handwerk", "schneiderei", "schuster", "schluesseldienst", "goldschmied", "craft"],
    Category.HEALTH: ["gesundheit", "apotheke", "arztpraxis", "praxis", "physiotherapie", "zahnarzt", "hoerakustik",
                      "sanitaetshaus", "health"],
    Category.CULTURE: ["kultur", "bildung", "galerie", "atelier", "museum", "bibliothek", "verein", "culture"],
    Category.OFFICE: ["buero", "verwaltung", "kanzlei", "agentur", "office"],
    Category.RESIDENTIAL: ["wohnen", "wohnung", "residential"],
    Category.OTHER: ["sonstiges", "sonstige", "other"],
}
CATEGORY_WORDS = {word: category for category, words in _USES.items() for word in words} | {
    normalise_header(c.label): c for c in Category} | {c.value: c for c in Category} | {
    normalise_header(sub.label): category for category, subs in SUBCATEGORIES.items() for sub in subs}
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
