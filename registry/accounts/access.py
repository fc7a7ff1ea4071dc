"""Who may see and change what: the policy, in one module. Every view, SQL builder, the OGC API, the admin
and the statistics ask here; no caller compares roles or municipality ids itself.

Roles: admin (superuser), city manager (scoped to municipalities), analyst (all units, no personal data),
owner (own units), public (anonymous).

The rules are pure: a user's `Scope` (role, municipalities, user id) → a queryset filter (`Q` over lookup
paths), a SQL predicate with parameters, or a set of field names (the privacy tier of the exports and the
OGC API). The module imports no model of another app: it sits below units, owners and listings (which all
ask it), so it states its rules as lookups ("a unit with a published listing whose owner consented") that
the ORM resolves, and applies them to the queryset it is handed (`units.model`, never an import).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Role

ADMIN = "admin"
CITY_MANAGER = "city_manager"
ANALYST = "analyst"
OWNER = "owner"
PUBLIC = "public"

_GROUP_ROLES = [(Role.CITY_MANAGER, CITY_MANAGER), (Role.ANALYST, ANALYST), (Role.OWNER, OWNER)]

# Owner.Consent.CONSENTED (owners sits above this module; tests/accounts/test_access.py keeps them equal).
CONSENTED = "consented"
# A filter that matches nothing (Django answers it without asking the database).
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    """What the rules need to know about a user."""

    role: str
    municipality_ids: frozenset = frozenset()  # a city manager's municipalities
    user_id: int | None = None

    @property
    def edits_everywhere(self):
        return self.role == ADMIN

    @property
    def edits_own(self):
        return self.role == CITY_MANAGER

    @property
    def reads_all_units(self):
        return self.role in (ADMIN, ANALYST)

    def can_edit(self, municipality_id):
        return self.edits_everywhere or (self.edits_own and municipality_id in self.municipality_ids)


def role_of(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return PUBLIC
    if user.is_superuser:
        return ADMIN
    if not hasattr(user, "_registry_groups"):
        user._registry_groups = set(user.groups.values_list("name", flat=True))
    for group, role in _GROUP_ROLES:
        if group in user._registry_groups:
            return role
    return PUBLIC


def managed_municipality_ids(user):
    """Municipalities a city manager is responsible for (empty for everyone else)."""
    if role_of(user) != CITY_MANAGER:
        return frozenset()
    if not hasattr(user, "_registry_municipalities"):
        user._registry_municipalities = frozenset(
            user.profile.municipalities.values_list("id", flat=True)
        ) if hasattr(user, "profile") else frozenset()
    return user._registry_municipalities


def scope_of(user):
    role = role_of(user)
    return Scope(role, managed_municipality_ids(user), user.pk if role != PUBLIC else None)


# --- yes/no questions ---------------------------------------------------------------------------------

def is_admin(user):
    return role_of(user) == ADMIN


def manages_units(user):
    """Admins and city managers: the staff pages (Begehung, Flächengesuche, import)."""
    return role_of(user) in (ADMIN, CITY_MANAGER)


def is_municipality_scoped(user):
    """A city manager: everything they record belongs to one of their municipalities."""
    return role_of(user) == CITY_MANAGER


def can_add_units(user):
    scope = scope_of(user)
    return scope.edits_everywhere or (scope.edits_own and bool(scope.municipality_ids))


def can_edit_municipality(user, municipality_id):
    return scope_of(user).can_edit(municipality_id)


def require_edit(user, municipality_id):
    if not can_edit_municipality(user, municipality_id):
        raise PermissionDenied(_("Sie dürfen nur Einheiten Ihrer eigenen Gemeinde bearbeiten."))


def can_see_private(user, municipality_id):
    """Owner contacts and internal notes: admin, or the unit's own city manager."""
    return can_edit_municipality(user, municipality_id)


def reads_timelines(user):
    """A unit's story (statuses with notes, who changed what): the roles that read units individually in their
    work (admin, city manager, analyst); owners and the public not. Which units: `units_visible_to`."""
    return role_of(user) in (ADMIN, CITY_MANAGER, ANALYST)


def timeline_reach(user):
    """Whose stories a user may open: "all" (admins, analysts), "own" (a city manager: their municipalities'
    units, not the other towns' published listings they also see), or None (owners, the public)."""
    if not reads_timelines(user):
        return None
    return "all" if scope_of(user).reads_all_units else "own"


def reads_timeline_of(user, municipality_id):
    """May the user open the story of a unit in this municipality (the popup's „Verlauf“, the admin's
    „Geschichte“)? What they see in it: `can_see_private`; what they may undo: `can_edit_municipality`."""
    reach = timeline_reach(user)
    return reach == "all" or (reach == "own" and can_edit_municipality(user, municipality_id))


def city_managers_q(municipality_id):
    """The user accounts that manage a municipality (who gets its inquiries): active city managers of it, not
    administrators who happen to be in the group (role_of ranks admin first)."""
    return Q(profile__municipalities=municipality_id, groups__name=Role.CITY_MANAGER, is_active=True,
             is_superuser=False)


def can_read_municipality(user, municipality_id):
    """A unit's record in the admin: admins and analysts all, a city manager their own."""
    scope = scope_of(user)
    return scope.reads_all_units or scope.can_edit(municipality_id)


# --- rows: queryset filters -------------------------------------------------------------------------

def editable_municipality_ids(user):
    """The municipalities whose records the user may change: None for all (admin), else a set (maybe empty)."""
    scope = scope_of(user)
    if scope.edits_everywhere:
        return None
    return scope.municipality_ids if scope.edits_own else frozenset()


def editable_q(user, path="municipality_id"):
    """Filter for records the user may change, given the lookup from the model to its municipality id."""
    ids = editable_municipality_ids(user)
    return Q() if ids is None else Q(**{f"{path}__in": ids}) if ids else NOTHING


def public_listing_q(listing="", unit="unit__"):
    """A listing anyone may see: published, and the owner's consent still stands. Checking consent here (not
    only when publishing) makes a withdrawal take effect at once on every public surface.

    `listing` and `unit` are the lookup paths from the queried model to the listing and to its unit:
    ("", "unit__") for listings, ("listing__", "") for units."""
    return Q(**{f"{listing}published": True, f"{unit}owner__consent": CONSENTED})


def units_visible_to(user, units, contacts=False):
    """The units (of the queryset `units`) a user may see individually, with location.

    With `contacts` (owner contacts and internal notes in an internal export) only those of the user's own
    municipalities; `contact_fields_allowed` says who may ask at all."""
    scope = scope_of(user)
    if contacts:
        return units.filter(editable_q(user))
    if scope.reads_all_units:
        return units
    # Logging in never shows less than the public sees: a city manager or owner gets the published listings
    # everywhere (in the public tier) plus their own units.
    rule = public_listing_q(listing="listing__", unit="")
    if scope.edits_own:
        rule |= Q(municipality_id__in=scope.municipality_ids)
    if scope.role == OWNER:
        rule |= Q(owner__user_id=scope.user_id)
    # A subquery on the unit table rather than joins in this query: the unit query stays join-free, so the
    # export SQL (units/selectors.py) reads it as one flat scan.
    return units.filter(pk__in=units.model._default_manager.filter(rule).values("pk"))


def owners_visible_to(user, owners):
    """Owner records (personal data) a user may see and pick: admin all; a city manager those with a unit in,
    or recorded by, one of their municipalities; nobody else any."""
    ids = editable_municipality_ids(user)
    if ids is None:
        return owners
    if not ids:
        return owners.none()
    with_units = owners.model._default_manager.filter(units__municipality_id__in=ids).values("pk")
    return owners.filter(Q(pk__in=with_units) | Q(municipality_id__in=ids))


# What a user may pick in a form (a foreign key, a raw id, an autocomplete) or change, per model:
# the lookup from the model to its municipality. Models not listed are open only to admins.
_SCOPE_PATHS = {
    "units.unit": "municipality_id",
    "units.occupancy": "unit__municipality_id",
    "listings.listing": "unit__municipality_id",
    "listings.listingphoto": "listing__unit__municipality_id",
    "listings.inquiry": "listing__unit__municipality_id",
    "places.towncentre": "municipality_id",
    "places.municipality": "id",
}


def editable_by(user, queryset):
    """The part of `queryset` a user may change or link to; the one rule the admin's forms use."""
    scope = scope_of(user)
    if scope.edits_everywhere:
        return queryset
    if not scope.edits_own:
        return queryset.none()
    label = queryset.model._meta.label_lower
    if label == "owners.owner":
        return owners_visible_to(user, queryset)
    path = _SCOPE_PATHS.get(label)
    if path is None:  # user accounts, groups, profiles, tokens: never a city manager's to pick
        return queryset.none()
    return queryset.filter(editable_q(user, path))


def admin_rows(user, queryset, analyst_reads):
    """The admin's lists: analysts read the models marked `analyst_reads` (by their Django permissions), the
    others what they may change."""
    if role_of(user) == ANALYST:
        return queryset if analyst_reads else queryset.none()
    return editable_by(user, queryset)


def admin_hidden_fields(user, admin_only, private):
    """Admin form and list fields a user does not get: account links for all but admins, personal data and
    who-edited-what also for analysts."""
    scope = scope_of(user)
    if scope.edits_everywhere:
        return set()
    if scope.edits_own:
        return set(admin_only)
    return set(admin_only) | set(private)


# --- rows: SQL predicates ---------------------------------------------------------------------------

def editable_sql(user, column="u.municipality_id"):
    """SQL twin of `editable_q`: (predicate, params) over a municipality id column."""
    ids = editable_municipality_ids(user)
    if ids is None:
        return "true", []
    if not ids:
        return "false", []
    return f"{column} = ANY(%s)", [sorted(ids)]


# --- fields: the privacy tiers ----------------------------------------------------------------------

# What every export format and the OGC API carry about a unit, for everyone who may see the unit at all.
# Addresses are not personal data, but the exact place of an unlisted vacancy is not public: the public
# tier only ever gets rows with a published listing (units_visible_to).
BASE_FIELDS = ("status", "category", "floor_area", "sales_area", "frontage", "floor", "vacant_since",
               "vacancy_days", "centre", "centre_name", "municipality", "municipality_name", "last_checked",
               "listing_url")
ADDRESS_FIELDS = ("name", "street", "house_number", "postcode", "town", "step_free", "listed_building",
                  "asking_rent")
# Personal data and internal notes: only in an internal export, on explicit request, for a city manager
# (their municipalities' units) or an admin; never filterable or sortable through the OGC API.
CONTACT_FIELDS = ("owner_name", "owner_organisation", "owner_phone", "owner_email", "owner_address",
                  "owner_consent", "internal_note")


def contact_fields_allowed(user):
    return manages_units(user)


def field_names_for(user, contacts=False):
    """The field names a user gets; contacts only on explicit request by a city manager or admin."""
    if contacts and not contact_fields_allowed(user):
        raise PermissionDenied(_("Kontaktdaten der Eigentümer gibt es nur für Citymanager im internen Export."))
    return BASE_FIELDS + ADDRESS_FIELDS + (CONTACT_FIELDS if contacts else ())
