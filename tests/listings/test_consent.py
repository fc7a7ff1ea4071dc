"""Nothing is public without the owner's recorded consent; withdrawal unpublishes at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.listings.models import Listing
from registry.owners.models import Owner
from registry.units.models import Unit

pytestmark = pytest.mark.django_db


def vacant_unit_with_owner(consent):
    unit = Unit.objects.filter(status="vacant", owner__isnull=False, listing__isnull=True).first()
    unit.owner.consent = consent
    unit.owner.consent_date = datetime.date.today() if consent == Owner.Consent.CONSENTED else None
    unit.owner.save()
    return unit


@pytest.mark.parametrize("consent", [Owner.Consent.UNKNOWN, Owner.Consent.ASKED, Owner.Consent.REFUSED])
def test_a_listing_cannot_be_published_without_consent(consent):
    listing = Listing(unit=vacant_unit_with_owner(consent), slug="test-angebot", title="Laden", published=True)
    with pytest.raises(ValidationError) as refused:
        listing.full_clean()
    assert "Einwilligung" in refused.value.message_dict["published"][0]


def test_a_consented_listing_is_public():
    listing = Listing(unit=vacant_unit_with_owner(Owner.Consent.CONSENTED), slug="test-angebot", title="Laden",
                      published=True)
    listing.full_clean()
    listing.save()
    assert Listing.objects.public().filter(pk=listing.pk).exists()


def test_withdrawing_consent_unpublishes_at_once():
    listing = Listing.objects.public().first()
    owner = listing.unit.owner
    owner.consent, owner.consent_date = Owner.Consent.REFUSED, None
    owner.save()
    assert not Listing.objects.public().filter(pk=listing.pk).exists()


def test_recorded_consent_needs_a_date():
    owner = Owner.objects.filter(consent=Owner.Consent.CONSENTED).first()
    owner.consent_date = None
    with pytest.raises(IntegrityError, match="owner_consent_has_date"), transaction.atomic():
        owner.save()
