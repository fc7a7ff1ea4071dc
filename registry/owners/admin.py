from django.contrib import admin

from registry.accounts import access

from .models import Owner


@admin.register(Owner)
class OwnerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner_type", "consent", "consent_date")
    list_filter = ("owner_type", "consent")
    search_fields = ("name", "organisation", "email")
    raw_id_fields = ("user",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.role_of(request.user) == access.ADMIN:
            return queryset
        # Owners are personal data: only those of units in one's own municipalities.
        return queryset.filter(units__municipality_id__in=access.managed_municipality_ids(request.user)).distinct()
