from django.contrib import admin

from registry.accounts import access

from .models import Inquiry, Listing, ListingPhoto


class PhotoInline(admin.TabularInline):
    model = ListingPhoto
    extra = 0


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("title", "unit", "published", "published_at")
    list_filter = ("published",)
    search_fields = ("title", "unit__street")
    raw_id_fields = ("unit",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [PhotoInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.role_of(request.user) == access.ADMIN:
            return queryset
        return queryset.filter(unit__municipality_id__in=access.managed_municipality_ids(request.user))


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ("listing", "name", "intended_use", "created_at")
    readonly_fields = ("listing", "name", "email", "phone", "intended_use", "message", "created_at", "sent_to")
    exclude = ("client_key",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.role_of(request.user) == access.ADMIN:
            return queryset
        return queryset.filter(listing__unit__municipality_id__in=access.managed_municipality_ids(request.user))

    def has_add_permission(self, request):
        return False
