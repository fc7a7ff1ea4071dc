from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from registry.accounts import access
from registry.accounts.admin_scope import ScopedAdminMixin

from . import services
from .models import Owner


class OwnerAdminForm(forms.ModelForm):
    """A change of consent needs its evidence note; who and when are recorded by the service."""

    user = None  # set by OwnerAdmin.get_form

    def clean(self):
        cleaned = super().clean()
        consent_changed = {"consent", "consent_date"} & set(self.changed_data)
        if consent_changed and "consent_evidence" not in self.changed_data:
            self.add_error("consent_evidence", _("Bitte angeben, wie die geänderte Einwilligung nachgewiesen ist "
                                                 "(z. B. Schreiben vom …, Aktenzeichen)."))
        if "municipality" in self.fields and not self.instance.pk and access.is_municipality_scoped(self.user) \
                and not cleaned.get("municipality"):
            self.add_error("municipality", _("Bitte die Gemeinde angeben, die den Eigentümer erfasst."))
        return cleaned


@admin.register(Owner)
class OwnerAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = OwnerAdminForm
    list_display = ("__str__", "owner_type", "consent", "consent_date", "user")
    list_filter = ("owner_type", "consent")
    search_fields = ("name", "organisation", "email")
    raw_id_fields = ("user",)
    readonly_fields = ("consent_recorded_by", "consent_recorded_at")
    # The account behind an owner is the admins' business: a city manager linking any account here
    # and then inviting it was an account takeover.
    admin_only_fields = ("user",)
    actions = ["invite"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self._is_admin(request):
            fields.append("municipality")  # a record stays with the town that made it
        return fields

    def save_model(self, request, obj, form, change):
        consent_changed = {"consent", "consent_date", "consent_evidence"} & set(form.changed_data)
        super().save_model(request, obj, form, change)
        if consent_changed:
            services.record_consent(obj, request.user, obj.consent, obj.consent_evidence, obj.consent_date)

    @admin.action(description=_("Zugang per E-Mail einladen"), permissions=["change"])
    def invite(self, request, queryset):
        for owner in queryset:  # already limited to the user's own owners by get_queryset
            try:
                services.invite_owner(owner, request)
                self.message_user(request, _("Einladung an %(email)s gesendet.") % {"email": owner.email})
            except (ValidationError, PermissionDenied) as refused:
                text = " ".join(refused.messages) if isinstance(refused, ValidationError) else str(refused)
                self.message_user(request, text, level=messages.ERROR)
