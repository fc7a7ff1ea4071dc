"""Boundaries have a history too (issue 19): a centre's new outline is an event with old → new, and the
units it moves in or out of the centre record that as their own change, in the same context."""

import pytest
from pghistory.models import Events

from registry import history
from registry.places.models import TownCentre, TownCentreEvent
from registry.units.models import UnitEvent

pytestmark = pytest.mark.django_db


def test_a_shrunk_centre_is_recorded_and_so_are_the_units_it_leaves_out(users):
    centre = TownCentre.objects.get(slug="erfurt-altstadt")
    inside = set(centre.units.values_list("pk", flat=True))
    with history.context(user=users["admin"].pk, channel="admin"):
        centre.boundary = centre.boundary.buffer(-0.002)
        centre.save()
    event = TownCentreEvent.objects.filter(pgh_obj=centre.pk).select_related("pgh_context").latest("pgh_id")
    assert event.pgh_label == "update" and event.pgh_context.metadata == {"user": users["admin"].pk,
                                                                          "channel": "admin"}
    diff = Events.objects.tracks(centre).order_by("-pgh_created_at")[0].pgh_diff
    assert set(diff) == {"boundary"}
    left = inside - set(TownCentre.objects.get(pk=centre.pk).units.values_list("pk", flat=True))
    assert left
    moved_out = UnitEvent.objects.filter(pgh_obj__in=left, pgh_label="update", centre__isnull=True,
                                         pgh_context=event.pgh_context)
    assert moved_out.count() == len(left)
