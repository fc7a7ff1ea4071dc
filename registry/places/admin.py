from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from registry.accounts import access

from .models import Municipality, TownCentre


@admin.register(Municipality)
class MunicipalityAdmin(LeafletGeoAdmin):
    list_display = ("name", "ags", "district", "kind")
    list_filter = ("district",)
    search_fields = ("name", "ags")


@admin.register(TownCentre)
class TownCentreAdmin(LeafletGeoAdmin):
    list_display = ("name", "municipality", "slug")
    search_fields = ("name", "municipality__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("municipality",)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or access.can_edit_municipality(request.user, obj.municipality_id))
