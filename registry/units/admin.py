from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from leaflet.admin import LeafletGeoAdmin

from registry.accounts import access
from registry.accounts.admin_scope import ScopedAdminMixin

from . import services, timeline
from .models import Occupancy, Unit
from .vacancy import Status


class OccupancyInline(ScopedAdminMixin, admin.TabularInline):
    """The status history, read-only here: status changes go through the map (services.change_status),
    which closes and opens intervals without overlaps."""

    model = Occupancy
    extra = 0
    fields = ("status", "category", "valid_from", "valid_to", "note", "recorded_by", "recorded_at")
    readonly_fields = fields
    private_fields = ("note", "recorded_by", "recorded_at")
    analyst_reads = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UnitAdminForm(forms.ModelForm):
    """Carries the version the user loaded: a form older than the unit is refused, not saved over it."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    initial_status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Status.choices,
                                       initial=Status.VACANT, required=False)
    user = None  # set by UnitAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = Unit.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if cleaned.get("seen_version") != current:
                raise ValidationError(str(services.StaleEdit()))
        return cleaned

    def _post_clean(self):
        super()._post_clean()  # Unit.clean derives the municipality from the location
        municipality = getattr(self.instance, "municipality", None) if self.instance.municipality_id else None
        if municipality is not None and not access.can_edit_municipality(self.user, municipality.id):
            self.add_error("location", _("Dieser Standort liegt in %(name)s; Sie dürfen nur Einheiten Ihrer "
                                         "eigenen Gemeinde bearbeiten.") % {"name": municipality.name})


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, LeafletGeoAdmin):
    form = UnitAdminForm
    list_display = ("__str__", "street", "house_number", "status", "vacant_since", "centre", "municipality",
                    "last_checked")
    list_filter = ("status", "category", "floor", "step_free", "listed_building", "centre")
    search_fields = ("name", "street", "house_number", "postcode", "external_id", "municipality__name")
    readonly_fields = ("status", "vacant_since", "municipality", "centre", "version", "created_at",
                       "created_by", "updated_at", "updated_by")
    autocomplete_fields = ("owner",)
    private_fields = ("owner", "internal_note", "created_by", "updated_by")
    analyst_reads = True
    list_select_related = ("centre", "municipality")
    inlines = [OccupancyInline]
    show_full_result_count = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [name for name in fields if name != "initial_status"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        """Through the same services as the map: scope, validation, locking, who/when, first interval."""
        fields = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS if name in form.cleaned_data}
        if change:
            changed = {name: value for name, value in fields.items() if name in form.changed_data}
            saved = services.update_unit(request.user, obj.pk, form.cleaned_data["seen_version"], **changed)
        else:
            saved = services.create_unit(request.user, status=form.cleaned_data.get("initial_status") or
                                         Status.VACANT, **fields)
        obj.pk, obj.version = saved.pk, saved.version

    def save_formset(self, request, form, formset, change):
        # The history inline is read-only: whatever was posted for it is not saved.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Someone saved between the form's check and our lock, or the services refused: say so, save nothing.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.StaleEdit as stale:
            messages.error(request, str(stale))
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        return HttpResponseRedirect(request.get_full_path())

    def history_view(self, request, object_id, extra_context=None):
        """„Geschichte“ shows the unit's timeline, the same as the map's (Django's own log knew only admin edits).
        Private like every history: only for units the user may change (the mixin's rule)."""
        if not access.editable_by(request.user, Unit.objects.filter(pk=object_id)).exists():
            raise PermissionDenied
        unit = Unit.objects.get(pk=object_id)
        rights = timeline.viewer(request.user, unit)
        if rights is None:
            raise PermissionDenied
        return TemplateResponse(request, "admin/units/unit/timeline.html", {
            **self.admin_site.each_context(request), "title": _("Geschichte: %(unit)s") % {"unit": unit},
            "subtitle": None, "opts": self.model._meta, "object": unit, "private": rights.private,
            "entries": [entry.as_json() for entry in timeline.entries_for(request.user, unit, rights)],
            **(extra_context or {}),
        })

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or access.can_edit_municipality(request.user, obj.municipality_id))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or access.can_edit_municipality(request.user, obj.municipality_id))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and not access.can_read_municipality(request.user, obj.municipality_id):
            raise PermissionDenied
        return obj
