from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from leaflet.admin import LeafletGeoAdmin

from registry.accounts import access
from registry.accounts.admin_scope import ScopedAdminMixin

from .models import Municipality, TownCentre


@admin.register(Municipality)
class MunicipalityAdmin(LeafletGeoAdmin):
    list_display = ("name", "ags", "district", "kind")
    list_filter = ("district",)
    search_fields = ("name", "ags")


class TownCentreForm(forms.ModelForm):
    """A centre lies within its own municipality: redrawn over a neighbour it would take that town's units
    (and its statistics) away."""

    def clean(self):
        cleaned = super().clean()
        municipality, boundary = cleaned.get("municipality") or getattr(self.instance, "municipality", None), \
            cleaned.get("boundary")
        if municipality is not None and boundary is not None and boundary.valid and not \
                Municipality.objects.filter(pk=municipality.pk, boundary__covers=boundary).exists():
            self.add_error("boundary", _("Die Abgrenzung muss ganz in %(name)s liegen.") % {"name": municipality.name})
        return cleaned


@admin.register(TownCentre)
class TownCentreAdmin(ScopedAdminMixin, LeafletGeoAdmin):
    form = TownCentreForm
    list_display = ("name", "municipality", "slug")
    search_fields = ("name", "municipality__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("municipality",)
    analyst_reads = True

    def get_queryset(self, request):
        # Outlines and names are public: everyone with the view permission lists all; changes stay scoped.
        return super(ScopedAdminMixin, self).get_queryset(request)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self._is_admin(request):
            fields.append("municipality")  # a centre is never handed to another town
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or access.can_edit_municipality(request.user, obj.municipality_id))
