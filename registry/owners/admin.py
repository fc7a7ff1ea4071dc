from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from registry.accounts import access

from .models import Owner


@admin.register(Owner)
class OwnerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner_type", "consent", "consent_date")
    list_filter = ("owner_type", "consent")
    search_fields = ("name", "organisation", "email")
    raw_id_fields = ("user",)
    readonly_fields = ("consent_recorded_by", "consent_recorded_at")
    actions = ["invite"]

    @admin.action(description=_("Zugang per E-Mail einladen"))
    def invite(self, request, queryset):
        from registry.listings.services import invite_owner

        for owner in queryset:
            try:
                invite_owner(owner, request)
                self.message_user(request, _("Einladung an %(email)s gesendet.") % {"email": owner.email})
            except ValidationError as refused:
                self.message_user(request, " ".join(refused.messages), level=messages.ERROR)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.role_of(request.user) == access.ADMIN:
            return queryset
        # Owners are personal data: only those of units in one's own municipalities.
        return queryset.filter(units__municipality_id__in=access.managed_municipality_ids(request.user)).distinct()
