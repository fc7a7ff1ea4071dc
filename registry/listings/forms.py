from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Inquiry, Listing


class InquiryForm(forms.ModelForm):
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Bitte leer lassen"))

    class Meta:
        model = Inquiry
        fields = ["name", "email", "phone", "intended_use", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}

    def is_bot(self):
        return bool(self.data.get("website"))


class ListingForm(forms.ModelForm):
    """What an owner may change: text, rent, availability (never status, location or others' data)."""

    photo = forms.FileField(required=False, label=_("Foto hinzufügen (JPEG, PNG oder WebP, bis 10 MB)"))

    class Meta:
        model = Listing
        fields = ["title", "description", "rent", "available_from"]
        localized_fields = ["rent"]  # „9,50“ as Germans type it
        widgets = {"available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "description": forms.Textarea(attrs={"rows": 6})}
