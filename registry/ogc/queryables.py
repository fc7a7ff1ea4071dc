"""What each collection's features carry, typed once for the schema, the queryables, CQL2 and sortby.

A property is (SQL expression over the page query's aliases, JSON type, title, enum). The units'
properties come from the access policy's tier (registry/accounts/access.py), so a field a user may not see is
neither in their features nor queryable; contact fields never are, whoever asks.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from registry.accounts import access
from registry.units import selectors
from registry.units.categories import Category
from registry.units.models import Floor, Unit
from registry.units.vacancy import Status


@dataclass(frozen=True)
class Property:
    sql: str
    kind: str  # text, number, int, date, bool
    title: str = ""
    enum: tuple = ()
    queryable: bool = True


JSON_TYPES = {"text": {"type": "string"}, "number": {"type": "number"}, "int": {"type": "integer"},
              "date": {"type": "string", "format": "date"}, "bool": {"type": "boolean"}}

# Titles from the model's verbose names where the field is a model field
_UNIT_TITLES = {
    "vacancy_days": _("Tage leer"), "centre": _("Innenstadt (Kurzname)"), "centre_name": _("Innenstadt"),
    "municipality": _("Gemeinde (AGS)"), "municipality_name": _("Gemeinde"), "listing_url": _("Angebot"),
    "status_label": _("Status (Text)"),
}
_UNIT_ENUMS = {"status": tuple(Status.values), "category": tuple(Category.values), "floor": tuple(Floor.values)}
# Not filterable: a URL built per request, and the label is the status again
_NOT_QUERYABLE = {"listing_url", "status_label"}


def _unit_title(name):
    if name in _UNIT_TITLES:
        return _UNIT_TITLES[name]
    try:
        return Unit._meta.get_field(name).verbose_name
    except Exception:  # FieldDoesNotExist
        return name


def unit_properties(fields):
    """name → Property for a tier's field map (units.selectors.fields_for), in feature order."""
    properties = {}
    for name, (sql, kind) in fields.items():
        if name in access.CONTACT_FIELDS:
            # personal data: in an internal export at most, never filterable or sortable through the API
            properties[name] = Property(sql, kind, name, (), False)
            continue
        properties[name] = Property(sql, kind, _unit_title(name), _UNIT_ENUMS.get(name, ()),
                                    name not in _NOT_QUERYABLE)
        if name == "status":
            properties["status_label"] = Property(selectors.status_label_sql(), "text", _UNIT_TITLES["status_label"],
                                                  (), False)
    return properties


def public_unit_properties():
    """The properties everyone may query (the OpenAPI document and the public queryables)."""
    return unit_properties(selectors.fields_for(None))


CENTRE_PROPERTIES = {
    "slug": Property("c.slug", "text", _("Kurzname")),
    "name": Property("c.name", "text", _("Name")),
    "municipality": Property("m.ags", "text", _("Gemeinde (AGS)")),
    "municipality_name": Property("m.name", "text", _("Gemeinde")),
    "units": Property("n.unit_count", "int", _("Einheiten")),
    "vacant": Property("n.vacant_count", "int", _("leer")),
    "interim_use": Property("n.interim_use_count", "int", _("Zwischennutzung")),
    "vacancy_rate": Property("n.vacancy_rate", "number", _("Leerstandsquote")),
}


def json_schema(prop):
    schema = {"title": str(prop.title), **JSON_TYPES[prop.kind]}
    if prop.enum:
        schema["enum"] = list(prop.enum)
    return schema
