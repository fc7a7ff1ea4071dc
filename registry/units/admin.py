from django.contrib import admin
from django.core.exceptions import PermissionDenied
from leaflet.admin import LeafletGeoAdmin

from registry.accounts import access
from registry.accounts.admin_scope import MunicipalityScopedAdmin

from .models import Occupancy, Unit


class OccupancyInline(admin.TabularInline):
    model = Occupancy
    extra = 0
    fields = ("status", "category", "valid_from", "valid_to", "note", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")


@admin.register(Unit)
class UnitAdmin(MunicipalityScopedAdmin, LeafletGeoAdmin):
    list_display = ("__str__", "street", "house_number", "status", "vacant_since", "centre", "municipality",
                    "last_checked")
    list_filter = ("status", "category", "floor", "step_free", "listed_building", "centre")
    search_fields = ("name", "street", "house_number", "postcode", "external_id", "municipality__name")
    readonly_fields = ("status", "vacant_since", "municipality", "centre", "version", "created_at",
                       "created_by", "updated_at", "updated_by")
    raw_id_fields = ("owner",)
    list_select_related = ("centre", "municipality")
    inlines = [OccupancyInline]
    show_full_result_count = False

    def save_model(self, request, obj, form, change):
        # A city manager may not move a unit into someone else's municipality.
        obj.full_clean(exclude=["municipality", "centre"], validate_constraints=False)
        access.require_edit(request.user, obj.municipality.id)
        obj.updated_by = request.user
        if not change:
            obj.created_by = request.user
        else:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for interval in formset.save(commit=False):
            interval.recorded_by = request.user
            interval.save()
        for interval in formset.deleted_objects:
            interval.delete()

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or access.can_edit_municipality(request.user, obj.municipality_id))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or access.can_edit_municipality(request.user, obj.municipality_id))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and access.role_of(request.user) == access.CITY_MANAGER \
                and not access.can_edit_municipality(request.user, obj.municipality_id):
            raise PermissionDenied
        return obj
