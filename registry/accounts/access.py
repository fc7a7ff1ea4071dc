"""Who may see and change what: the one place every view, the admin and the API ask.

Roles: admin (superuser), city manager (scoped to municipalities), analyst
(all units, no personal data), owner (own units), public (anonymous).
"""

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


def can_edit_municipality(user, municipality_id):
    role = role_of(user)
    return role == ADMIN or (role == CITY_MANAGER and municipality_id in managed_municipality_ids(user))


def require_edit(user, municipality_id):
    if not can_edit_municipality(user, municipality_id):
        raise PermissionDenied(_("Sie dürfen nur Einheiten Ihrer eigenen Gemeinde bearbeiten."))


def can_see_private(user, municipality_id):
    """Owner contacts and internal notes: admin, or the unit's own city manager."""
    return can_edit_municipality(user, municipality_id)


def units_visible_to(user, units=None):
    """The units a user may see individually (with location)."""
    from registry.units.models import Unit

    units = Unit.objects.all() if units is None else units
    role = role_of(user)
    if role in (ADMIN, ANALYST):
        return units
    if role == CITY_MANAGER:
        return units.filter(municipality_id__in=managed_municipality_ids(user))
    # Subqueries rather than joins keep the unit query join-free (see exports.queries).
    from registry.listings.models import Listing
    from registry.owners.models import Owner

    public = Q(id__in=Listing.objects.public().values("unit_id"))
    if role == OWNER:
        return units.filter(public | Q(owner_id__in=Owner.objects.filter(user=user).values("id")))
    return units.filter(public)


def owners_visible_to(user, owners=None):
    """Owner records (personal data) a user may see and pick: admin all; a city manager those with a
    unit in, or recorded by, one of their municipalities; nobody else any."""
    from registry.owners.models import Owner
    from registry.units.models import Unit

    owners = Owner.objects.all() if owners is None else owners
    role = role_of(user)
    if role == ADMIN:
        return owners
    if role != CITY_MANAGER:
        return owners.none()
    ids = managed_municipality_ids(user)
    return owners.filter(
        Q(id__in=Unit.objects.filter(municipality_id__in=ids, owner__isnull=False).values("owner_id"))
        | Q(municipality_id__in=ids)
    )


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
    role = role_of(user)
    if role == ADMIN:
        return queryset
    if role != CITY_MANAGER:
        return queryset.none()
    label = queryset.model._meta.label_lower
    if label == "owners.owner":
        return owners_visible_to(user, queryset)
    path = _SCOPE_PATHS.get(label)
    if path is None:  # user accounts, groups, profiles, tokens: never a city manager's to pick
        return queryset.none()
    return queryset.filter(**{f"{path}__in": managed_municipality_ids(user)})
