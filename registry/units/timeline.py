"""A unit's story in one list, newest first: statuses with their dates and notes, moves with their distance,
checks, attribute edits (label: old → new), owner and consent events — as the map's popup and the admin's
„Geschichte“ show it.

Who sees what (the rules are the access policy's: access.reads_timeline_of, can_see_private):
- nobody without a role that reads units individually (public, owners): no timeline at all (the API answers
  404, as for a unit that does not exist);
- analysts: the unit's statuses, moves, checks and edits, but nothing personal — no owner, no notes, no
  internal note, not who changed it (who edited what is personal data, README „Datenschutz“);
- the unit's own city manager and administrators: everything, and „Rückgängig“ where a change can be undone.

Values are formatted here, in the request's language (German dates and numbers in German, „12,5 m²“), so the
map and the admin show the same words.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from pghistory.models import Context

from registry.accounts import access
from registry.owners.models import Owner

from .models import Occupancy, Unit
from .vacancy import Status

@dataclass
class Viewer:
    """What one user may see and do on one unit's timeline."""

    private: bool  # owner data, notes, who changed it
    restore: bool  # „Rückgängig“


def viewer(user, unit):
    """The user's rights on this unit's timeline, or None when they may not see it (→ 404)."""
    if not access.reads_timeline_of(user, unit.municipality_id):
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


# Day first in every language, as the list, the popup, the imports and the walk list write dates: Django's English
# SHORT_DATE_FORMAT (12/02/2026) would read as 12 February beside the popup's 02/12/2026.
def date_text(value):
    return formats.date_format(value, "d.m.Y") if value else "–"


def datetime_text(value):
    return formats.date_format(timezone.localtime(value), "d.m.Y H:i")


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


@dataclass(frozen=True)
class _Interval:
    id: int
    status: str
    valid_from: datetime.date


def _taken_back_entries(unit, rights, events):
    """Status intervals that were deleted — an import's undo deletes the intervals its status changes opened (and
    reopens the ones they closed) — each as two entries: the change as it was made („… (zurückgenommen)“, with
    its channel, who and note) and its reversal, dated when it was taken back. Neither can be undone: the change
    is gone already, and the reversal is undone by making the change again. Returns {interval id: the change's
    entry} (its insert event gives it who and how, as for the current intervals) and the reversals' entries by
    delete event id."""
    deleted = [e for e in events if e.model == "units.Occupancy" and e.label == "delete"]
    if not deleted:
        return {}, {}
    intervals = [_Interval(pk, status, valid_from) for pk, status, valid_from
                 in Occupancy.objects.filter(unit=unit).values_list("id", "status", "valid_from")]
    intervals += [_Interval(e.object_id, e.data["status"], datetime.date.fromisoformat(e.data["valid_from"]))
                  for e in deleted]
    recorded = {e.object_id: e.at for e in events if e.model == "units.Occupancy" and e.label == "insert"}
    changes, reversals = {}, {}
    for event in deleted:
        data, day = event.data, datetime.date.fromisoformat(event.data["valid_from"])
        # the status it replaced: the newest recorded before it that had begun by its day
        previous = max((i for i in intervals if i.id < event.object_id and i.valid_from <= day),
                       key=lambda i: (i.valid_from, i.id), default=None)
        change = (_("Status: %(old)s → %(new)s") % {"old": status_text(previous.status),
                                                    "new": status_text(data["status"])}) if previous else \
            _("Erfasst: %(status)s") % {"status": status_text(data["status"])}
        number = _event_number(event)
        entry = Entry(key=f"taken-back-{event.object_id}", kind="status", day=day,
                      at=recorded.get(event.object_id, event.at),
                      order=event.object_id, title=_("%(change)s (zurückgenommen)") % {"change": change})
        if data.get("category"):
            entry.changes.append({"label": _("Nutzung"), "old": "",
                                  "new": str(dict(Occupancy._meta.get_field("category").flatchoices)
                                             .get(data["category"], data["category"]))})
        if rights.private:
            entry.note = data.get("note") or ""
        changes[event.object_id] = entry
        reversals[event.id] = Entry(key=f"reversal-{number}", kind="restore", day=timezone.localdate(event.at),
                                    at=event.at, order=number,
                                    title=_("Zurückgenommen – %(change)s") % {"change": change})
    return changes, reversals


# Channels (registry.history.CHANNELS) as people call them.
CHANNELS = {"map": _l("Karte"), "admin": _l("Verwaltung"), "walk": _l("Begehungsliste"),
            "owner": _l("Eigentümerbereich"), "account": _l("Konto"), "seekers": _l("Flächengesuche"),
            "web": _l("Web"), "api": _l("API"), "demo": _l("Demodaten"),
            "housekeeping": _l("Aufbewahrungsregeln")}
# Written by triggers along with another change (status, location) and shown with it, or not a person's edit.
DERIVED = frozenset({"status", "vacant_since", "municipality_id", "centre_id", "id", "unit_id", "listing_id",
                     "consent_recorded_by_id", "consent_recorded_at", "recorded_at", "recorded_by_id", "user_id"})
NOTE_FIELDS = frozenset({"internal_note", "note"})


def _channel(event, metadata):
    if event.channel == "import" and event.import_batch:
        text = _("Rücknahme von Import Nr. %(n)s") if event.undo else _("Import Nr. %(n)s")
        return text % {"n": event.import_batch}
    return str(CHANNELS.get(event.channel, event.channel or ""))


def _value(model, name, value):
    """A recorded value (JSON) as the register shows it, in the request's language."""
    if value is None or value == "":
        return "–"
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    internal = model_field.get_internal_type()
    if internal == "DateField":
        return date_text(datetime.date.fromisoformat(value))
    if internal == "DateTimeField":
        return datetime_text(datetime.datetime.fromisoformat(value))
    if internal in ("DecimalField", "FloatField"):
        places = getattr(model_field, "decimal_places", None) or 1
        text = formats.number_format(Decimal(str(value)), places, use_l10n=True)
        return text.rstrip("0").rstrip(formats.get_format("DECIMAL_SEPARATOR")) if places > 1 else text
    if internal in ("IntegerField", "PositiveIntegerField", "BigIntegerField"):
        return formats.number_format(value, use_l10n=True)
    return str(value)


def _label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _owner_names(ids):
    from registry.owners.models import Owner

    return {pk: (name or organisation or _("Eigentümer Nr. %(n)s") % {"n": pk})
            for pk, name, organisation in Owner.objects.filter(pk__in=ids).values_list("id", "name", "organisation")}


def _moves(unit):
    """Each recorded move of the unit: {unit event id: metres}, measured in PostGIS (ETRS89 / UTM 32N, the metric
    CRS of Thuringia's own files) between the location before and after the event."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT pgh_id, ST_Distance(ST_Transform(previous, 25832), ST_Transform(location, 25832))
              FROM (SELECT pgh_id, location, lag(location) OVER (ORDER BY pgh_id) AS previous
                      FROM units_unitevent WHERE pgh_obj_id = %s) AS events
             WHERE previous IS NOT NULL AND NOT ST_Equals(previous, location)""", [unit.pk])
        return dict(cursor.fetchall())


def _event_number(event):
    return int(event.id.rpartition(":")[2])


def _unit_entry(unit, event, rights, moves, owners, undo_plans, creation):
    number = _event_number(event)
    changes = {name: pair for name, pair in event.changes.items() if name not in DERIVED}
    if not changes:
        return None
    lines = []
    for name, (old, new) in changes.items():
        if name == "location":
            continue
        if name == "owner_id":
            lines.append({"label": _("Eigentümer"), "old": owners.get(old, _("gelöscht")) if old else "–",
                          "new": owners.get(new, _("gelöscht")) if new else "–"})
        elif name == "footprint":
            lines.append({"label": _label(Unit, name), "old": "", "new": _("geändert")})
        else:
            lines.append({"label": _label(Unit, name), "old": _value(Unit, name, old), "new": _value(Unit, name, new)})
    if "location" in changes:
        kind = "move"
        title = _("Verschoben um %(metres)s m") % {
            "metres": formats.number_format(round(moves.get(number, 0)), 0, use_l10n=True, force_grouping=True)}
    elif set(changes) == {"last_checked"}:
        kind, title, lines = "check", _("Geprüft"), []
    elif set(changes) == {"owner_id"}:
        kind, title = "owner", _("Eigentümer geändert")
    else:
        kind, title = "edit", _("Angaben geändert")
    if creation is not None and event.context_id == creation:
        # written with the unit's creation (services.edit_undo_values): part of it, not an edit to undo
        kind, title = "created", _("Angelegt")
    day = timezone.localdate(event.at)
    if kind == "check" and changes["last_checked"][1]:
        day = datetime.date.fromisoformat(changes["last_checked"][1])
    return Entry(key=f"unit-{number}", kind=kind, day=day, at=event.at, order=number, title=title,
                 changes=lines, restorable=rights.restore and number in undo_plans)


def _owner_entry(event):
    from registry.owners.models import Owner

    number = _event_number(event)
    if event.label == "delete":
        return Entry(key=f"owner-{number}", kind="owner", day=timezone.localdate(event.at), at=event.at, order=number,
                     title=_("Eigentümer gelöscht"))
    changes = {name: pair for name, pair in event.changes.items() if name not in DERIVED}
    if not changes:
        return None
    kind = "consent" if {"consent", "consent_date"} & set(changes) else "owner"
    name = event.data.get("name") or event.data.get("organisation") or _("Eigentümer Nr. %(n)s") % {
        "n": event.object_id}
    title = (_("Einwilligung von %(name)s") if kind == "consent" else _("Angaben zu %(name)s")) % {"name": name}
    lines = [{"label": _label(Owner, field_name), "old": _value(Owner, field_name, old),
              "new": _value(Owner, field_name, new)} for field_name, (old, new) in changes.items()]
    return Entry(key=f"owner-{number}", kind=kind, day=timezone.localdate(event.at), at=event.at, order=number,
                 title=title, changes=lines)


def _other_entry(event):
    """Listings and their photos: what changed, by field."""
    model = apps.get_model(event.model)
    number = _event_number(event)
    verbs = {"insert": _("%(what)s angelegt"), "delete": _("%(what)s gelöscht"), "update": _("%(what)s geändert")}
    if event.label not in verbs:
        return None
    changes = {name: pair for name, pair in event.changes.items() if name not in DERIVED}
    if event.label == "update" and not changes:
        return None
    lines = [{"label": _label(model, name), "old": _value(model, name, old), "new": _value(model, name, new)}
             for name, (old, new) in changes.items()
             if name not in ("image", "thumbnail", "position", "slug", "published_at", "created_at")]
    return Entry(key=f"{event.model}-{number}", kind="listing", day=timezone.localdate(event.at), at=event.at,
                 order=number, title=verbs[event.label] % {"what": model._meta.verbose_name}, changes=lines)


def _undo_plans(unit):
    """The unit events whose undo would work today (services.edit_undo_values on each consecutive pair)."""
    from . import services
    from .models import UnitEvent

    events = list(UnitEvent.objects.filter(pgh_obj_id=unit.pk).select_related("pgh_context").order_by("pgh_id"))
    plans = set()
    for previous, event in zip(events, events[1:], strict=False):
        if event.pgh_label != "update":
            continue
        try:
            services.edit_undo_values(unit, event, previous)
        except ValidationError:
            continue
        plans.add(event.pgh_id)
    return plans


def entries_for(user, unit, rights=None):
    """The timeline, newest first; [] for someone who may not see it (callers answer 404 before)."""
    from . import history

    rights = rights or viewer(user, unit)
    if rights is None:
        return []
    events = history.unit_events(unit, private=rights.private)
    contexts = dict(Context.objects.filter(id__in={e.context_id for e in events if e.context_id})
                    .values_list("id", "metadata"))
    users = dict(get_user_model().objects.filter(id__in={e.user_id for e in events if e.user_id})
                 .values_list("id", "username")) if rights.private else {}
    owners = _owner_names({pk for e in events if e.model == "units.Unit"
                           for pair in [e.changes.get("owner_id", [None, None])] for pk in pair if pk}) \
        if rights.private else {}
    owner_ids = {e.object_id for e in events if e.model == "owners.Owner"}
    visible_owners = set(access.owners_visible_to(user, Owner.objects.filter(pk__in=owner_ids)).values_list("pk", flat=True)) \
        if owner_ids else set()
    moves = _moves(unit)
    undo_plans = _undo_plans(unit) if rights.restore else set()
    creation = next((e.context_id for e in events if e.model == "units.Unit" and e.label == "insert"), None)
    # imports taken back since („Letzten Import zurücknehmen“): their edits and the take-back's are shown as the
    # status changes such an undo deletes are (_taken_back_entries), and neither can be undone
    undone_imports = {e.import_batch for e in events if e.channel == "import" and e.undo and e.import_batch}

    entries = _status_entries(unit, rights)
    by_interval = {int(e.key.partition("-")[2]): e for e in entries}
    taken_back, reversals = _taken_back_entries(unit, rights, events)
    by_interval.update(taken_back)
    entries += taken_back.values()
    for event in events:
        metadata = contexts.get(event.context_id) or {}
        entry = None
        if event.model == "units.Occupancy":
            # the interval's own entry gets who/how from its insert event, a taken-back one's reversal from its
            # delete event
            entry = by_interval.get(event.object_id) if event.label == "insert" else reversals.get(event.id)
            if entry is None:
                continue
            if event.label == "delete":
                entries.append(entry)
        elif event.model == "units.Unit":
            entry = event.label == "update" and _unit_entry(unit, event, rights, moves, owners, undo_plans,
                                                            creation)
        elif event.model == "owners.Owner":
            # an owner's own record only while the user may see that owner: a former owner of this unit who now
            # owns only another town's units keeps their new phone number to themselves
            entry = (rights.private and event.label in ("update", "delete") and event.object_id in visible_owners
                     and _owner_entry(event))
        else:
            entry = _other_entry(event)
        if not entry:
            continue
        entry.channel = _channel(event, metadata)
        if rights.private and event.user_id:
            entry.actor = users.get(event.user_id, "")
        if event.label == "update" and event.channel == "import" and event.import_batch in undone_imports:
            if event.undo:
                entry.kind, entry.title = "restore", _("Zurückgenommen – %(change)s") % {"change": entry.title}
            else:
                entry.title = _("%(change)s (zurückgenommen)") % {"change": entry.title}
            entry.restorable = False
        if metadata.get("restore_of"):
            entry.kind = "restore"
            entry.title = _("Rückgängig gemacht – %(title)s") % {"title": entry.title}
            entry.restorable = False
        if event.model != "units.Occupancy":
            entries.append(entry)
    entries.sort(key=lambda e: (e.day, e.at or timezone.now(), e.order), reverse=True)
    return entries
