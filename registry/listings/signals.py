"""An owner's consent withdrawn (registry/owners/services.record_consent) takes all their listings offline at
once, in the same transaction. Listing.objects.public() checks consent anyway; unpublishing as well means a
later renewed consent does not bring old listings back without the owner publishing them again."""

from django.dispatch import receiver

from registry.owners.services import consent_withdrawn

from .models import Listing


@receiver(consent_withdrawn)
def unpublish_listings(sender, owner, **kwargs):
    Listing.objects.filter(unit__owner=owner).update(published=False)
