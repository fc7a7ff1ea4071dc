"""A listing published, or its rent or its unit's area changed → queue the matching job.

Signals, not calls in each view: listings are published from the owner's area, the admin and imports alike, and
the job is idempotent (alerts once per listing and request), so a save that changed nothing costs one cheap query.
The job row is written in the same transaction as the save (as registry.imports.jobs does): both or neither.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from registry.listings.models import Listing
from registry.units.models import Unit


@receiver(post_save, sender=Listing, dispatch_uid="seekers.listing_saved")
def listing_saved(sender, instance, raw=False, **kwargs):
    if instance.published and not raw:
        from .jobs import match_listing

        match_listing.enqueue(instance.pk)


@receiver(post_save, sender=Unit, dispatch_uid="seekers.unit_saved")
def unit_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.status != "vacant":
        return
    listing = Listing.objects.filter(unit_id=instance.pk, published=True).values_list("pk", flat=True).first()
    if listing:
        from .jobs import match_listing

        match_listing.enqueue(listing)
