"""One unit's recorded history, oldest first: the read side of registry/history.py (issue 19).

What the triggers recorded for the unit itself (`units.UnitEvent`), its occupancy
intervals (`units.OccupancyEvent`), its listing and the listing's photos
(`listings.ListingEvent`, `listings.ListingPhotoEvent`) and every owner it had
(`owners.OwnerEvent`), each with who, when, through which channel and the fields
changed (old → new). Read through pghistory's `Events` aggregate, which finds the
event tables by their foreign keys, so this module imports nothing from the apps
above units (listings): their events come along because they reference the unit.

Private throughout (who edited what, owners, notes): callers check that the user may
see the unit's private data, or ask with `private=False` for what an analyst may see.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.apps import apps
from django.contrib.gis.geos import GEOSGeometry
from pghistory.models import Events

from registry.owners.models import PERSONAL_FIELDS, Owner

from .models import Unit, UnitEvent

# fields that change with every write and say nothing of their own
BOOKKEEPING = frozenset({"version", "updated_at", "updated_by_id", "created_at", "created_by_id"})
# withheld with private=False: owners, notes, who recorded what (the context's user goes too)
PRIVATE = frozenset({"owner_id", "internal_note", "note", "recorded_by_id", "recorded_at", "created_by_id",
                     "updated_by_id", *PERSONAL_FIELDS, "consent_evidence", "consent_recorded_by_id",
                     "consent_recorded_at", "user_id"})


@dataclass(frozen=True)
class Event:
    id: str                   # "units.UnitEvent:17", unique across the event tables
    at: datetime              # when the change was written (clock time, orders events within a request)
    model: str                # what changed: units.Unit, units.Occupancy, owners.Owner, listings.Listing, …
    object_id: int
    label: str                # insert, update, delete, or baseline (the state when tracking began)
    data: dict                # the record after the event (before it, for delete); geometries as GeoJSON
    changes: dict = field(default_factory=dict)  # field → [old, new], for updates; bookkeeping left out
    user_id: int | None = None
    channel: str | None = None   # map, admin, walk, owner, import, … (registry.history.CHANNELS)
    import_batch: int | None = None
    undo: bool = False           # the import's undo
    context_id: UUID | None = None  # events written by one request or job share it
    moved_m: float | None = None    # a unit's move, in metres (ETRS89 / UTM 32N)


def _moved(changes):
    if "location" not in changes or None in changes["location"]:
        return None
    old, new = (GEOSGeometry(json.dumps(point), srid=4326).transform(25832, clone=True)
                for point in changes["location"])
    return round(old.distance(new), 1)


def _event(row, private):
    context = row.pgh_context or {}
    data = {k: v for k, v in (row.pgh_data or {}).items() if private or k not in PRIVATE}
    changes = {k: v for k, v in (row.pgh_diff or {}).items()
               if k not in BOOKKEEPING and (private or k not in PRIVATE)}
    if row.pgh_label != "update":
        changes = {}
    return Event(
        id=row.pgh_slug, at=row.pgh_created_at, model=row.pgh_obj_model, object_id=int(row.pgh_obj_id),
        label=row.pgh_label, data=data, changes=changes,
        user_id=context.get("user") if private else None, channel=context.get("channel"),
        import_batch=context.get("import_batch"), undo=bool(context.get("undo")),
        context_id=row.pgh_context_id, moved_m=_moved(changes) if row.pgh_obj_model == "units.Unit" else None,
    )


def unit_events(unit, *, private=True):
    """Every recorded event of the unit, its intervals, listing(s), photos and owners, oldest first.

    Updates that changed only bookkeeping (the version, who/when last saved) are left out. With
    `private=False`: no owner events, and no owner, note or user fields in the others."""
    unit = unit if isinstance(unit, Unit) else Unit(pk=unit)
    rows = list(Events.objects.references(unit))  # the unit's, its intervals' and its listings' events
    listing_ids = {int(row.pgh_obj_id) for row in rows if row.pgh_obj_model == "listings.Listing"}
    if listing_ids:
        listing, photo_event = apps.get_model("listings", "Listing"), apps.get_model("listings", "ListingPhotoEvent")
        rows += Events.objects.references(*(listing(pk=pk) for pk in listing_ids)).across(photo_event)
    if private:
        owner_ids = set(UnitEvent.objects.filter(pgh_obj=unit.pk, owner__isnull=False)
                        .values_list("owner_id", flat=True))
        if owner_ids:
            rows += Events.objects.tracks(*(Owner(pk=pk) for pk in owner_ids))
    events = (_event(row, private) for row in rows)
    return sorted((e for e in events if e.label != "update" or e.changes), key=lambda e: (e.at, e.id))
