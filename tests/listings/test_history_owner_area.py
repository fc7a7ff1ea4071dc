"""The owner area's writes are recorded as the owner's, through the channel „owner“ (issue 19)."""

import pytest

from registry.listings.models import ListingEvent
from registry.owners.models import OwnerEvent

pytestmark = pytest.mark.django_db


def test_editing_a_listing_and_withdrawing_consent_are_recorded_as_the_owners(owner_client, own_listing, users):
    response = owner_client.post(f"/eigentuemer/angebote/{own_listing.pk}/", {
        "title": own_listing.title, "description": "Frisch renoviert", "rent": "9,50", "available_from": ""})
    assert response.status_code == 302
    edit = ListingEvent.objects.filter(pgh_obj=own_listing.pk).select_related("pgh_context").latest("pgh_id")
    assert edit.pgh_label == "update" and edit.description == "Frisch renoviert"
    assert edit.pgh_context.metadata == {"user": users["eigentuemer"].pk, "channel": "owner",
                                         "url": f"/eigentuemer/angebote/{own_listing.pk}/"}

    owner_client.post("/eigentuemer/einwilligung/", {"consent": "0"})
    withdrawn = OwnerEvent.objects.filter(pgh_obj=own_listing.unit.owner_id).select_related("pgh_context").latest(
        "pgh_id")
    assert withdrawn.consent == "refused"
    assert withdrawn.pgh_context.metadata["channel"] == "owner"
    assert withdrawn.pgh_context.metadata["user"] == users["eigentuemer"].pk
