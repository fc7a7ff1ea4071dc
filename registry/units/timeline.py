"""A unit's story in one list, newest first: statuses with their dates and notes, moves with their distance,
checks, attribute edits (label: old → new), owner and consent events — as the map's popup and the admin's
„Geschichte“ show it.

Who sees what (the one place that decides it):
- nobody without a role that reads units individually (public, owners): no timeline at all (the API answers
  404, as for a unit that does not exist);
- analysts: the unit's statuses, moves, checks and edits, but nothing personal — no owner, no notes, no
  internal note, not who changed it (who edited what is personal data, README „Datenschutz“);
- the unit's own city manager and administrators: everything, and „Rückgängig“ where a change can be undone.

Values are formatted here, in the request's language (German dates and numbers in German, „12,5 m²“), so the
map and the admin show the same words.
"""

from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from registry.accounts import access

from .models import Occupancy
from .vacancy import Status

TIMELINE_ROLES = (access.ADMIN, access.CITY_MANAGER, access.ANALYST)


@dataclass
class Viewer:
    """What one user may see and do on one unit's timeline."""

    private: bool  # owner data, notes, who changed it
    restore: bool  # „Rückgängig“


def viewer(user, unit):
    """The user's rights on this unit's timeline, or None when they may not see it (→ 404)."""
    if access.role_of(user) not in TIMELINE_ROLES:
        return None
    if not access.units_visible_to(user).filter(pk=unit.pk).exists():
        return None
    own = access.can_edit_municipality(user, unit.municipality_id)
    return Viewer(private=access.can_see_private(user, unit.municipality_id), restore=own)


@dataclass
class Entry:
    key: str  # what „Rückgängig“ names: status-<occupancy id> or event-<unit event id>
    kind: str  # created, status, move, check, edit, owner, consent, restore
    day: object  # the date the change took effect (a status' start, else the day it was recorded)
    at: object  # when it was recorded (datetime), orders a day's entries
    order: int  # ties within the same instant: recording order
    title: str
    changes: list = field(default_factory=list)  # [{"label", "old", "new"}]
    note: str = ""
    actor: str = ""
    channel: str = ""
    restorable: bool = False
    private: bool = False  # only ever built for viewers who may see private data

    def as_json(self):
        return {
            "key": self.key, "kind": self.kind, "day": self.day.isoformat(), "date": date_text(self.day),
            "recorded": datetime_text(self.at) if self.at else "", "title": self.title, "changes": self.changes,
            "note": self.note, "actor": self.actor, "channel": self.channel, "restorable": self.restorable,
        }


def date_text(value):
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def datetime_text(value):
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def status_text(code):
    return str(dict(Status.choices).get(code, code))


def _status_entries(unit, rights):
    intervals = list(Occupancy.objects.filter(unit=unit).select_related("recorded_by"))  # Meta.ordering
    entries = []
    for index, interval in enumerate(intervals):
        previous = intervals[index - 1] if index else None
        if previous is None:
            title = _("Erfasst: %(status)s") % {"status": status_text(interval.status)}
        else:
            title = _("Status: %(old)s → %(new)s") % {"old": status_text(previous.status),
                                                      "new": status_text(interval.status)}
        entry = Entry(key=f"status-{interval.pk}", kind="created" if previous is None else "status",
                      day=interval.valid_from, at=interval.recorded_at, order=interval.pk, title=title)
        if interval.category:
            entry.changes.append({"label": _("Nutzung"), "old": "", "new": str(interval.get_category_display())})
        if interval.valid_to is not None and interval.valid_to == interval.valid_from:
            entry.changes.append({"label": _("Dauer"), "old": "", "new": _("am selben Tag abgelöst")})
        if rights.private:
            entry.note = interval.note
            entry.actor = interval.recorded_by.get_username() if interval.recorded_by else ""
        # Only the newest status can be undone (see services.undo_status_change): an older one is followed by
        # later statuses that the undo would have to rewrite.
        entry.restorable = rights.restore and previous is not None and interval.valid_to is None
        entries.append(entry)
    return entries


def entries_for(user, unit, rights=None):
    """The timeline, newest first; [] for someone who may not see it (callers answer 404 before)."""
    rights = rights or viewer(user, unit)
    if rights is None:
        return []
    entries = _status_entries(unit, rights)
    entries.sort(key=lambda e: (e.day, e.at or timezone.now(), e.order), reverse=True)
    return entries
