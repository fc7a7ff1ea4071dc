"""Every write to a unit goes through here: scope check, validation, optimistic
locking, who/when. Views, the admin and the API call these functions."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import history
from registry.accounts import access
from registry.owners.models import Owner

from .categories import Category
from .models import Occupancy, Unit, UnitEvent
from .vacancy import Status

# Fields a city manager edits directly; status and history go through change_status.
EDITABLE_FIELDS = (
    "external_id", "name", "street", "house_number", "postcode", "town", "location", "footprint",
    "floor", "floor_area", "sales_area", "frontage", "step_free", "listed_building", "category",
    "subcategory", "wz_code", "asking_rent", "last_checked", "owner", "internal_note",
)


class StaleEdit(Exception):
    """Someone else saved the unit after the user loaded it."""

    def __init__(self):
        super().__init__(
            _("Diese Einheit wurde inzwischen von jemand anderem geändert. "
              "Bitte laden Sie sie neu und wiederholen Sie Ihre Änderung.")
        )


def _check_owner(user, fields):
    """An owner record is linked only by someone who may see it (else: a way to read others' contacts)."""
    owner = fields.get("owner")
    if owner is not None and not access.owners_visible_to(user, Owner.objects.all()).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Diesen Eigentümer gibt es in Ihren Gemeinden nicht.")})


def _validated(unit, exclude=()):
    unit.full_clean(exclude=["municipality", "centre", *exclude], validate_constraints=False)
    return unit


def _check_date(value, field):
    if value > timezone.localdate():
        raise ValidationError({field: _("Das Datum darf nicht in der Zukunft liegen.")})


@transaction.atomic
def create_unit(user, *, status=Status.OCCUPIED, since=None, note="", **fields):
    """A new unit with its first occupancy interval (status since `since`, default today)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unbekannte Felder: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if status not in Status.values:
        raise ValidationError({"status": _("Unbekannter Status „%(status)s“.") % {"status": status}})
    since = since or timezone.localdate()
    _check_date(since, "since")
    _check_owner(user, fields)
    unit = _validated(Unit(**fields))
    access.require_edit(user, unit.municipality.id)
    unit.created_by = unit.updated_by = user
    unit.save()
    Occupancy.objects.create(
        unit=unit, status=status, category=unit.category if status == Status.OCCUPIED else "",
        valid_from=since, note=note, recorded_by=user,
    )
    unit.refresh_from_db()
    return unit


def _lock(user, unit_id, version):
    """Bump the version if it is still the one the user saw; raise StaleEdit otherwise."""
    unit = Unit.objects.select_for_update().get(pk=unit_id)
    access.require_edit(user, unit.municipality_id)
    if unit.version != version:
        raise StaleEdit()
    return unit


def _save(unit, user, fields):
    unit.version = F("version") + 1
    unit.updated_by = user
    unit.updated_at = timezone.now()
    unit.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    unit.refresh_from_db()
    return unit


@transaction.atomic
def update_unit(user, unit_id, version, **changes):
    """Change attributes (incl. moving the point). The new municipality must be the user's too."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Unbekannte Felder: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    _check_owner(user, changes)
    unit = _lock(user, unit_id, version)
    for field, value in changes.items():
        setattr(unit, field, value)
    _validated(unit)
    access.require_edit(user, unit.municipality.id)
    return _save(unit, user, list(changes))


@transaction.atomic
def change_status(user, unit_id, version, status, on_date=None, note="", category=None):
    """Close the open interval on `on_date` and open one with the new status.

    `on_date` may lie back, but not before the open interval starts (that would rewrite a
    closed part of the history) and not after Berlin's today. A change on the open
    interval's first day closes it as a zero-length interval [d, d): nothing is overwritten,
    its note stays, and the order within the day is the order of the rows (see
    Occupancy.Meta.ordering). Zero-length intervals cover no day, so the statistics, which
    ask for the interval covering a day, never count them.

    Without a `category` the new interval keeps the use: the unit's Nutzungsart, else the
    open interval's use.
    """
    if status not in Status.values:
        raise ValidationError({"status": _("Unbekannter Status „%(status)s“.") % {"status": status}})
    if category and category not in Category.values:
        raise ValidationError({"category": _("Unbekannte Nutzungsart „%(category)s“.") % {"category": category}})
    on_date = on_date or timezone.localdate()
    if not isinstance(on_date, datetime.date):
        raise ValidationError({"on_date": _("Bitte ein gültiges Datum angeben.")})
    _check_date(on_date, "on_date")
    unit = _lock(user, unit_id, version)
    current = unit.intervals.get(valid_to__isnull=True)
    if on_date < current.valid_from:
        raise ValidationError({"on_date": _(
            "Das Datum liegt vor dem Beginn des aktuellen Status (%(date)s)."
        ) % {"date": current.valid_from.strftime("%d.%m.%Y")}})
    if not category:
        category = unit.category or current.category
    try:
        with transaction.atomic():
            current.valid_to = on_date
            current.save(update_fields=["valid_to"])
            Occupancy.objects.create(
                unit=unit, status=status, category=category, valid_from=on_date,
                note=note, recorded_by=user,
            )
    except IntegrityError as error:
        raise ValidationError({"on_date": _("Der Zeitraum überschneidet sich mit der Historie.")}) from error
    return _save(unit, user, [])


@transaction.atomic
def mark_checked(user, unit_id, version, on_date=None):
    on_date = on_date or timezone.localdate()
    _check_date(on_date, "last_checked")
    unit = _lock(user, unit_id, version)
    unit.last_checked = on_date
    return _save(unit, user, ["last_checked"])


@transaction.atomic
def undo_status_change(user, unit_id, version, interval_id):
    """Undo the newest status change from the timeline: a new change back to the previous status (and use),
    dated on the day the undone status began. The undone status stays in the history as a zero-length interval
    (it lasted no day, so no statistic counts it and a vacancy spell goes on); the undo is itself a status change
    with its own row, who and when — nothing is deleted or overwritten.

    Same checks as every status change (own municipality, version, the date rules), and only the newest status:
    an older one is followed by later statuses that an undo would have to rewrite."""
    unit = _lock(user, unit_id, version)
    current = unit.intervals.get(valid_to__isnull=True)
    if current.pk != interval_id:
        raise ValidationError(_("Nur der letzte Statuswechsel kann rückgängig gemacht werden; dieser wurde "
                                "inzwischen von einem späteren abgelöst."))
    previous = unit.intervals.exclude(pk=current.pk).order_by("-valid_from", "-valid_to", "-id").first()
    if previous is None:
        raise ValidationError(_("Der erste Status einer Einheit kann nicht rückgängig gemacht werden."))
    # No note of its own: the timeline names it („Rückgängig gemacht – Status: …“, in the reader's language, from
    # the history context), and a generated sentence stored as a note would stay German for every reader.
    with history.context(restore_of=f"status-{interval_id}"):
        return change_status(user, unit_id, version, previous.status, current.valid_from,
                             category=previous.category or None)


def _same(a, b):
    if hasattr(a, "equals_exact") and hasattr(b, "equals_exact"):
        return a.equals_exact(b, 1e-9)
    return a == b


def _taken_back_import(event):
    """Why `event` cannot be undone because an import's undo („Letzten Import zurücknehmen“) was involved, or None.
    Its edits are taken back already — undoing one would put the import's values back behind the import's
    back, with the batch still marked as taken back — and the take-back itself is undone by importing again, not
    field by field: the same rule as for the status changes an import's undo deleted (timeline._taken_back_entries)."""
    metadata = (event.pgh_context.metadata if event.pgh_context_id else None) or {}
    batch = metadata.get("import_batch")
    if metadata.get("channel") != "import" or not batch:
        return None
    if metadata.get("undo"):
        return _("Diese Änderung hat Import Nr. %(n)s zurückgenommen; eine Rücknahme lässt sich nicht rückgängig "
                 "machen. Bitte ändern Sie die Angaben direkt oder importieren Sie die Datei erneut.") % {"n": batch}
    if UnitEvent.objects.filter(pgh_obj_id=event.pgh_obj_id, pgh_context__metadata__import_batch=batch,
                                pgh_context__metadata__undo=True).exists():
        return _("Diese Änderung aus Import Nr. %(n)s wurde mit dem Import schon zurückgenommen.") % {"n": batch}
    return None


def edit_undo_values(unit, event, previous):
    """What undoing the recorded edit `event` (a units.UnitEvent, with `previous` the event before it) writes:
    {field: old value} for each editable field it changed. Refused (German, naming the field) when a field has
    been changed again since — the undo would silently throw away the later change — or when the old owner no
    longer exists. The timeline asks this too, to offer „Rückgängig“ only where it will work.

    Not what was written with the unit's creation (in the history context of its insert: a loader or import that
    writes a new unit in two steps): the values a unit was created with are no wrong edit, and „undoing“ them
    would only empty fields (remove the owner). A later change, also one from nothing („– → Erika Beispiel“),
    is an edit like any other.

    Nor an import's edit once that import was taken back, nor the take-back itself (see _taken_back_import)."""
    refused = _taken_back_import(event)
    if refused:
        raise ValidationError(refused)
    if event.pgh_context_id is not None and UnitEvent.objects.filter(
            pgh_obj_id=event.pgh_obj_id, pgh_label="insert", pgh_context_id=event.pgh_context_id).exists():
        raise ValidationError(_("Angaben, mit denen die Einheit angelegt wurde, lassen sich nicht rückgängig "
                                "machen."))
    changes = {}
    for name in EDITABLE_FIELDS:
        model_field = Unit._meta.get_field(name)
        old, new = getattr(previous, model_field.attname), getattr(event, model_field.attname)
        if _same(old, new):
            continue
        if not _same(getattr(unit, model_field.attname), new):
            raise ValidationError({name: _(
                "%(label)s wurde seitdem erneut geändert; bitte zuerst die spätere Änderung rückgängig machen."
            ) % {"label": model_field.verbose_name}})
        changes[name] = old
    if not changes:
        raise ValidationError(_("Diese Änderung kann nicht rückgängig gemacht werden."))
    if "owner" in changes and changes["owner"] is not None:
        owner = Owner.objects.filter(pk=changes["owner"]).first()
        if owner is None:
            raise ValidationError({"owner": _("Den früheren Eigentümer gibt es nicht mehr.")})
        changes["owner"] = owner
    return changes


@transaction.atomic
def undo_edit(user, unit_id, version, event_id):
    """Undo a recorded change of a unit's attributes (incl. a move, a check, the owner) from the timeline: a new
    change that writes the old values back through update_unit, with all of today's checks (own municipality —
    also where the old location lies —, version, validation such as sales area within floor area). Recorded
    like any change, its history context marked `restore_of`, so the timeline shows it as an undo."""
    unit = _lock(user, unit_id, version)
    event, previous = (list(UnitEvent.objects.filter(pgh_obj_id=unit_id, pgh_id__lte=event_id)
                            .select_related("pgh_context")
                            .order_by("-pgh_id")[:2]) + [None, None])[:2]
    if event is None or event.pgh_id != event_id or event.pgh_label != "update" or previous is None:
        raise ValidationError(_("Diese Änderung kann nicht rückgängig gemacht werden."))
    changes = edit_undo_values(unit, event, previous)
    with history.context(restore_of=f"unit-{event_id}"):
        return update_unit(user, unit_id, version, **changes)
