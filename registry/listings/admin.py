from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from registry.accounts.admin_scope import ScopedAdminMixin

from . import photos
from .models import Inquiry, Listing, ListingPhoto


class PhotoForm(forms.ModelForm):
    """Photos uploaded here go through the same processing as in the owner area: type sniffed, only
    JPEG/PNG/WebP, re-encoded without EXIF/GPS, a neutral file name, a thumbnail."""

    class Meta:
        model = ListingPhoto
        fields = ("image", "caption", "position")

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if isinstance(upload, UploadedFile):
            try:
                self._processed = photos.process(upload)
            except ValidationError as refused:
                raise ValidationError(refused.messages) from None
            return self._processed[0]
        return upload

    def save(self, commit=True):
        photo = super().save(commit=False)
        if getattr(self, "_processed", None):
            large, thumbnail = self._processed
            photo.image.save(large.name, large, save=False)
            photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
        if commit:
            photo.save()
        return photo


class PhotoInline(ScopedAdminMixin, admin.TabularInline):
    model = ListingPhoto
    form = PhotoForm
    extra = 0


@admin.register(Listing)
class ListingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "unit", "published", "published_at")
    list_filter = ("published",)
    search_fields = ("title", "unit__street")
    autocomplete_fields = ("unit",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [PhotoInline]


@admin.register(Inquiry)
class InquiryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("listing", "name", "intended_use", "created_at")
    readonly_fields = ("listing", "name", "email", "phone", "intended_use", "message", "created_at", "sent_to")
    exclude = ("client_key",)

    def has_add_permission(self, request):
        return False
