from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from registry.parsing import GermanDecimalField

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


class ListingFilter(forms.Form):
    """The filters of /angebote/, read with the one German number parser; a bad value is a 400 naming it."""

    centre = forms.CharField(required=False, max_length=120, label=_("Innenstadt"), validators=[
        RegexValidator(r"^[-a-z0-9]*$", _("Das ist kein Kurzname einer Innenstadt."))])
    category = forms.CharField(required=False, max_length=20, label=_("Nutzung"))
    min_area = GermanDecimalField(required=False, min_value=0, label=_("Fläche ab (m²)"))
    max_rent = GermanDecimalField(required=False, min_value=0, label=_("Miete bis (€/m²)"))

    def errors_named(self):
        """„Fläche ab (m²): „NaN“ ist keine Zahl.“ – each error with the label of its field."""
        return [f"{self.fields[name].label}: {message}" for name, messages in self.errors.items()
                for message in messages]
