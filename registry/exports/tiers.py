"""Privacy tiers: which rows and which fields each kind of user gets, in every format.

Rows come from `access.units_visible_to`; fields from here. Each field is a
SQL expression over the aliases u (unit), m (municipality), c (centre),
l (public listing), o (owner).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from registry.accounts import access
from registry.units.vacancy import SQL_TODAY

# name → (SQL expression, type); each format renders the types its own way
BASE_FIELDS = {
    "status": ("u.status", "text"),
    "category": ("NULLIF(u.category, '')", "text"),
    "floor_area": ("u.floor_area", "number"),
    "sales_area": ("u.sales_area", "number"),
    "frontage": ("u.frontage", "number"),
    "floor": ("u.floor", "text"),
    "vacant_since": ("u.vacant_since", "date"),
    "vacancy_days": (f"({SQL_TODAY} - u.vacant_since)", "int"),
    "centre": ("c.slug", "text"),
    "centre_name": ("c.name", "text"),
    "municipality": ("m.ags", "text"),
    "municipality_name": ("m.name", "text"),
    "last_checked": ("u.last_checked", "date"),
    "listing_url": ("CASE WHEN l.slug IS NOT NULL THEN %s || '/angebote/' || l.slug || '/' END", "text"),
}
# Addresses are not personal data, but the exact place of an unlisted vacancy is
# not public: the public tier only ever sees published listings anyway.
ADDRESS_FIELDS = {
    "name": ("u.name", "text"),
    "street": ("u.street", "text"),
    "house_number": ("u.house_number", "text"),
    "postcode": ("u.postcode", "text"),
    "town": ("u.town", "text"),
    "step_free": ("u.step_free", "bool"),
    "listed_building": ("u.listed_building", "bool"),
    "asking_rent": ("u.asking_rent", "number"),
}
CONTACT_FIELDS = {
    "owner_name": ("o.name", "text"),
    "owner_organisation": ("o.organisation", "text"),
    "owner_phone": ("o.phone", "text"),
    "owner_email": ("o.email", "text"),
    "owner_address": ("o.postal_address", "text"),
    "owner_consent": ("o.consent", "text"),
    "internal_note": ("u.internal_note", "text"),
}


def fields_for(user, include_contacts=False):
    """The field map for this user; contacts only on explicit request by a city manager or admin."""
    fields = {**BASE_FIELDS, **ADDRESS_FIELDS}
    if include_contacts:
        if access.role_of(user) not in (access.CITY_MANAGER, access.ADMIN):
            raise PermissionDenied(_("Kontaktdaten der Eigentümer gibt es nur für Citymanager im internen Export."))
        fields.update(CONTACT_FIELDS)
    return fields


def units_for(user, units, include_contacts=False):
    """Rows: the visible units; with contacts, only those of the user's own municipalities."""
    visible = access.units_visible_to(user, units)
    if include_contacts and access.role_of(user) != access.ADMIN:
        visible = visible.filter(municipality_id__in=access.managed_municipality_ids(user))
    return visible
