"""The role groups and their Django permissions, kept in place after every migrate."""

from django.contrib.auth.models import Group, Permission

from .models import Role

PERMISSIONS = {
    Role.CITY_MANAGER: [
        "units.view_unit", "units.add_unit", "units.change_unit",
        "units.view_occupancy", "units.add_occupancy", "units.change_occupancy",
        "owners.view_owner", "owners.add_owner", "owners.change_owner",
        "listings.view_listing", "listings.add_listing", "listings.change_listing",
        "listings.view_listingphoto", "listings.add_listingphoto", "listings.change_listingphoto",
        "listings.delete_listingphoto", "listings.view_inquiry",
        "places.view_municipality", "places.view_towncentre", "places.change_towncentre",
    ],
    Role.ANALYST: ["units.view_unit", "units.view_occupancy", "places.view_municipality", "places.view_towncentre"],
    Role.OWNER: [],
}


def ensure_role_groups(**kwargs):
    for role, codenames in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission:
                permissions.append(permission)
        group.permissions.set(permissions)
