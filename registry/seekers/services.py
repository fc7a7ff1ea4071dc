"""Writes for space requests: entry with double opt-in, the private link's actions, staff entry, proposals.

Links (confirm, manage, unsubscribe, renew) are signed with the request's id and its `link_nonce`; a new nonce
(after deletion) voids every link sent before. Nothing is matched or mailed before the e-mail is confirmed.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registry.accounts import access
from registry.listings.models import Listing
from registry.listings.services import refuse_flood
from registry.units import services as unit_services
from registry.units.vacancy import Status

from .models import Proposal, ProposalStep, SpaceRequest

CONFIRM_DAYS = 7  # an unconfirmed request is deleted after this (see `seekers_housekeeping`)
LINK_DAYS = 400  # the management link lives as long as a request may (with one renewal), then some
PURPOSES = {"confirm": CONFIRM_DAYS, "manage": LINK_DAYS, "unsubscribe": LINK_DAYS, "renew": LINK_DAYS}
REQUEST_FIELDS = ["name", "organisation", "email", "phone", "category", "subcategory", "concept", "min_area",
                  "max_area", "min_frontage", "floors", "step_free", "max_rent", "max_rent_total", "wanted_from",
                  "frequency", "area"]
PERSONAL_FIELDS = {"name": "", "organisation": "", "email": "", "phone": "", "concept": "", "client_key": ""}


class LinkError(Exception):
    """An expired, forged or voided link; the message says which, in German."""


def make_token(space_request, purpose):
    return signing.dumps([space_request.pk, space_request.link_nonce], salt=f"seekers.{purpose}", compress=True)


def link(space_request, purpose, base=""):
    return base + reverse(f"seekers:{purpose}", args=[make_token(space_request, purpose)])


def request_for_token(token, purpose):
    """The request a link points to, or LinkError (expired, forged, or the request is gone)."""
    try:
        pk, nonce = signing.loads(token, salt=f"seekers.{purpose}", max_age=datetime.timedelta(days=PURPOSES[purpose]))
    except signing.SignatureExpired:
        raise LinkError(_("Dieser Link ist abgelaufen. Bitte geben Sie Ihr Gesuch neu auf.")) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkError(_("Dieser Link ist ungültig. Bitte prüfen Sie, ob er vollständig kopiert wurde.")) from None
    space_request = SpaceRequest.objects.filter(pk=pk, link_nonce=nonce, personal_data_deleted_at__isnull=True).first()
    if space_request is None:
        raise LinkError(_("Dieses Gesuch gibt es nicht mehr; der Link ist ungültig."))
    return space_request


def _save_regions(space_request, municipalities, centres):
    space_request.municipalities.set(municipalities)
    space_request.centres.set(centres)


def _data(cleaned):
    return {key: cleaned[key] for key in REQUEST_FIELDS if key in cleaned}


def _mail(to, subject, body):
    send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[to])


@transaction.atomic
def submit_public(cleaned, key, base_url):
    """The public form: store the request unconfirmed (rate-limited per client) and mail the confirmation link."""
    refuse_flood(SpaceRequest.objects.all(), key)
    now = timezone.now()
    space_request = SpaceRequest.objects.create(
        **_data(cleaned), state=SpaceRequest.State.UNCONFIRMED, source=SpaceRequest.Source.PUBLIC,
        consent_contact=cleaned["consent_contact"], consent_matches=cleaned["consent_matches"], consent_at=now,
        client_key=key)
    _save_regions(space_request, cleaned["municipalities"], cleaned["centres"])
    _mail(space_request.email, _("Bitte bestätigen Sie Ihr Flächengesuch"), _(
        "Guten Tag,\n\nSie haben im Leerstandsregister Thüringen ein Flächengesuch aufgegeben "
        "(%(request)s).\nErst mit Ihrer Bestätigung wird es aktiv. Bitte bestätigen Sie innerhalb von "
        "%(days)s Tagen über diesen Link:\n\n%(link)s\n\nWenn Sie das nicht waren, ignorieren Sie diese E-Mail; "
        "das Gesuch wird dann gelöscht.\n") % {
        "request": space_request, "days": CONFIRM_DAYS, "link": link(space_request, "confirm", base_url)})
    return space_request


def listing_line(base, *, title, street, house_number, town, floor_area, rent, slug):
    """One public listing in an e-mail to a seeker: its title, address, area, rent and page — the listing's own
    public data, never its owner or notes."""
    from . import matching

    address = " ".join(part for part in (street, house_number) if part)
    return (f"• {title}\n  {address}, {town} – {matching._n(floor_area)} m²"
            + (f", {matching._n(rent, 2)} €/m²" if rent is not None else "")
            + f"\n  {base}{reverse('listings:detail', args=[slug])}")


def record_current_alerts(space_request):
    """Alerts, marked as sent, for every published listing that fits the request now; their number.
    Set-based in SQL (matching.current_alerts_sql); a listing alerted once is never alerted again."""
    from django.db import connection

    from . import matching

    sql, params = matching.current_alerts_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "request": space_request.pk})
        return len(cursor.fetchall())


MAIL_MATCHES = 10  # listings named in the confirmation e-mail; the private page shows the rest


@transaction.atomic
def confirm(space_request, base_url):
    """Double opt-in, second step: the request becomes active and the seeker gets the private management link,
    together with the published listings that already fit (a seeker should not wait for the next new listing to
    hear of those). They are recorded as alerts, so none of them is mailed again later."""
    from . import matching

    if space_request.state != SpaceRequest.State.UNCONFIRMED:
        return None
    space_request.state = SpaceRequest.State.ACTIVE
    space_request.confirmed_at = timezone.now()
    space_request.renew_dates()
    space_request.save(update_fields=["state", "confirmed_at", "expires_on"])
    body = _(
        "Guten Tag,\n\nIhr Flächengesuch (%(request)s) ist jetzt aktiv und gilt bis %(until)s.\n"
        "Über Ihren persönlichen Link können Sie es ändern, pausieren, zurückziehen oder löschen "
        "(bitte nicht weitergeben):\n\n%(link)s\n") % {
        "request": space_request, "until": space_request.expires_on.strftime("%d.%m.%Y"),
        "link": link(space_request, "manage", base_url)}
    count = 0
    if space_request.consent_matches and space_request.alerts and space_request.email:
        count = record_current_alerts(space_request)
        current = matching.units_for_request(space_request, public=True, limit=MAIL_MATCHES) if count else []
        if current:
            body += "\n" + ngettext(
                "Schon jetzt passt dieses öffentliche Angebot zu Ihrem Gesuch:",
                "Schon jetzt passen %(count)s öffentliche Angebote zu Ihrem Gesuch:", count) % {"count": count}
            body += "\n\n" + "\n\n".join(listing_line(
                base_url, title=m.listing_title, street=m.street, house_number=m.house_number, town=m.town,
                floor_area=m.floor_area, rent=m.rent, slug=m.listing_slug) for m in current) + "\n"
            if count > len(current):
                body += "\n" + _("Alle %(count)s sehen Sie über Ihren persönlichen Link.") % {"count": count} + "\n"
        else:
            body += "\n" + _("Zurzeit passt kein veröffentlichtes Angebot.") + " "
        body += _("Über neue passende Angebote informieren wir Sie per E-Mail (%(frequency)s).") % {
            "frequency": space_request.get_frequency_display()} + "\n"
        body += _("Keine E-Mails mehr zu diesem Gesuch: %(unsubscribe)s") % {
            "unsubscribe": link(space_request, "unsubscribe", base_url)} + "\n"
    _mail(space_request.email, _("Ihr Flächengesuch ist aktiv"), body)
    return count


@transaction.atomic
def update(space_request, cleaned):
    for key, value in _data(cleaned).items():
        setattr(space_request, key, value)
    space_request.updated_at = timezone.now()
    space_request.full_clean(exclude=["municipalities", "centres"])
    space_request.save()
    _save_regions(space_request, cleaned["municipalities"], cleaned["centres"])
    return space_request


def set_paused(space_request, paused):
    source, target = ((SpaceRequest.State.ACTIVE, SpaceRequest.State.PAUSED) if paused
                      else (SpaceRequest.State.PAUSED, SpaceRequest.State.ACTIVE))
    return bool(SpaceRequest.objects.filter(pk=space_request.pk, state=source).update(
        state=target, updated_at=timezone.now()))


def withdraw(space_request):
    return bool(SpaceRequest.objects.filter(pk=space_request.pk, state__in=[
        SpaceRequest.State.UNCONFIRMED, SpaceRequest.State.ACTIVE, SpaceRequest.State.PAUSED]).update(
        state=SpaceRequest.State.WITHDRAWN, closed_at=timezone.now(), updated_at=timezone.now()))


def renew(space_request):
    if space_request.state not in (SpaceRequest.State.ACTIVE, SpaceRequest.State.PAUSED,
                                   SpaceRequest.State.EXPIRED):
        return False
    space_request.renew_dates()
    if space_request.state == SpaceRequest.State.EXPIRED:
        space_request.state = SpaceRequest.State.ACTIVE
    space_request.reminded_at = None
    space_request.save(update_fields=["expires_on", "state", "reminded_at"])
    return True


def unsubscribe(space_request):
    SpaceRequest.objects.filter(pk=space_request.pk).update(alerts=False, updated_at=timezone.now())


CLOSED_STATES = [SpaceRequest.State.WITHDRAWN, SpaceRequest.State.EXPIRED, SpaceRequest.State.FULFILLED]


def _anonymise(queryset):
    """Blank who is looking and what they wrote, for every request in the queryset, set-based: the anonymous
    search profile (use, size, region, state, proposals and their outcomes) stays for the figures, every link
    is void (a fresh random nonce per row), alerts are gone, and the city managers' notes on proposals — which
    name the seeker as often as not — are emptied. The number of requests anonymised."""
    from django.db.models import Case, F, Value, When
    from django.db.models.expressions import RawSQL
    from django.db.models.functions import Coalesce

    from .models import Alert

    now = timezone.now()
    # a subquery, not a list: the related rows first, the requests last (after that they no longer match)
    ids = queryset.filter(personal_data_deleted_at__isnull=True).values("pk")
    Alert.objects.filter(request_id__in=ids).delete()
    Proposal.objects.filter(request_id__in=ids).exclude(notes="").update(notes="")
    ProposalStep.objects.filter(proposal__request_id__in=ids).exclude(note="").update(note="")
    return SpaceRequest.objects.filter(pk__in=ids).update(
        **PERSONAL_FIELDS, link_nonce=RawSQL("left(md5(random()::text || clock_timestamp()::text), 24)", []),
        alerts=False, personal_data_deleted_at=now,
        state=Case(When(state__in=[SpaceRequest.State.UNCONFIRMED, SpaceRequest.State.ACTIVE,
                                   SpaceRequest.State.PAUSED], then=Value(SpaceRequest.State.WITHDRAWN)),
                   default=F("state")),
        closed_at=Coalesce("closed_at", Value(now)), updated_at=now)


@transaction.atomic
def delete_personal_data(space_request):
    """Deletion by the seeker (any time, from the private link): who they are and what they wrote is gone."""
    _anonymise(SpaceRequest.objects.filter(pk=space_request.pk))


def due_for_anonymisation(months=None):
    """Closed requests (withdrawn, expired, fulfilled) whose personal data has been kept SEEKER_RETENTION_MONTHS
    (default 6) since they closed. An open request must be renewed every VALID_DAYS (180), so nothing is kept
    longer than about a year after the seeker last confirmed or renewed; the city manager still has half a year
    after a let or a withdrawal to follow up."""
    from django.db.models import F, Q
    from django.db.models.expressions import RawSQL
    from django.db.models.functions import Coalesce

    months = settings.SEEKER_RETENTION_MONTHS if months is None else months
    cutoff = RawSQL("now() - make_interval(months => %s)", [months])  # calendar months, by PostgreSQL
    # an expired request counts from the day it lapsed, even when housekeeping noticed that only later
    lapsed = RawSQL("(now() AT TIME ZONE 'Europe/Berlin' - make_interval(months => %s))::date", [months])
    return SpaceRequest.objects.filter(state__in=CLOSED_STATES, personal_data_deleted_at__isnull=True).alias(
        closed=Coalesce("closed_at", F("updated_at"))).filter(
        Q(closed__lt=cutoff) | Q(state=SpaceRequest.State.EXPIRED, expires_on__lt=lapsed))


@transaction.atomic
def anonymise_due(months=None):
    return _anonymise(due_for_anonymisation(months))


# --- staff ---

def requests_visible_to(user, queryset=None):
    """Confirmed requests whose region touches the user's municipalities (city manager), all (admin), none (others).
    Unconfirmed ones are nobody's business yet: the seeker has not opted in (they go after 7 days)."""
    from django.db.models import Exists, OuterRef, Q

    from registry.places.models import Municipality

    queryset = (SpaceRequest.objects.all() if queryset is None else queryset).exclude(
        state=SpaceRequest.State.UNCONFIRMED)
    ids = access.editable_municipality_ids(user)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    through_m = SpaceRequest.municipalities.through.objects.filter(spacerequest_id=OuterRef("pk"),
                                                                   municipality_id__in=ids)
    through_c = SpaceRequest.centres.through.objects.filter(spacerequest_id=OuterRef("pk"),
                                                            towncentre__municipality_id__in=ids)
    drawn = Municipality.objects.filter(id__in=ids, boundary__intersects=OuterRef("area"))
    return queryset.filter(Q(Exists(through_m)) | Q(Exists(through_c)) | Q(area__isnull=False, pk__in=queryset.filter(
        Exists(drawn)).values("pk")))


def require_staff_region(user, municipalities, centres, area):
    """A city manager records requests for their own municipalities only."""
    ids = access.editable_municipality_ids(user)
    if ids is None:
        return
    touching = {m.pk for m in municipalities} | {c.municipality_id for c in centres}
    if area is not None:
        from registry.places.models import Municipality

        touching |= set(Municipality.objects.filter(boundary__intersects=area).values_list("pk", flat=True))
    if not touching or not touching <= ids:
        raise PermissionDenied(_("Sie dürfen nur Gesuche für Ihre eigenen Gemeinden erfassen."))


@transaction.atomic
def create_by_staff(user, cleaned):
    """A request taken by phone or from a chamber: active at once, consent recorded by the city manager."""
    require_staff_region(user, cleaned["municipalities"], cleaned["centres"], cleaned.get("area"))
    now = timezone.now()
    space_request = SpaceRequest(
        **_data(cleaned), state=SpaceRequest.State.ACTIVE, source=SpaceRequest.Source.STAFF, created_by=user,
        consent_contact=cleaned["consent_contact"], consent_matches=cleaned["consent_matches"], consent_at=now,
        confirmed_at=now if cleaned.get("email") else None)
    space_request.renew_dates()
    space_request.save()
    _save_regions(space_request, cleaned["municipalities"], cleaned["centres"])
    return space_request


@transaction.atomic
def propose(user, space_request, unit, note=""):
    """A unit of the user's municipality proposed to a visible request."""
    access.require_edit(user, unit.municipality_id)
    if not requests_visible_to(user).filter(pk=space_request.pk).exists():
        raise PermissionDenied(_("Dieses Gesuch gehört nicht zu Ihren Gemeinden."))
    if not space_request.is_open or space_request.state == SpaceRequest.State.UNCONFIRMED:
        raise ValidationError(_("Einem unbestätigten oder abgeschlossenen Gesuch kann nichts vorgeschlagen werden."))
    if Proposal.objects.filter(request=space_request, unit=unit).exists():
        raise ValidationError(_("Diese Einheit wurde diesem Gesuch bereits vorgeschlagen."))
    proposal = Proposal.objects.create(request=space_request, unit=unit, created_by=user, notes=note)
    ProposalStep.objects.create(proposal=proposal, outcome=Proposal.Outcome.PROPOSED, on=proposal.proposed_on,
                                note=note, recorded_by=user)
    return proposal


@transaction.atomic
def record_outcome(user, proposal, outcome, on_date=None, reason="", note=""):
    """A step in the proposal's timeline. „vermietet“ closes the request as erfüllt with this unit and records the
    let in the unit's own history (status „vermietet, noch nicht eröffnet“), so the statistics count the re-let, and
    takes the unit's listing off the public pages."""
    access.require_edit(user, proposal.unit.municipality_id)
    on_date = on_date or timezone.localdate()
    if outcome not in Proposal.Outcome.values:
        raise ValidationError({"outcome": _("Unbekanntes Ergebnis.")})
    if outcome == Proposal.Outcome.DECLINED and not reason.strip():
        raise ValidationError({"reason": _("Grund der Absage: Bitte geben Sie einen Grund an.")})
    if on_date > timezone.localdate():
        raise ValidationError({"on": _("Datum: Das Datum darf nicht in der Zukunft liegen.")})
    if on_date < proposal.proposed_on:
        raise ValidationError({"on": _("Datum: Das Ergebnis kann nicht vor dem Vorschlag liegen.")})
    proposal.outcome, proposal.outcome_on, proposal.reason = outcome, on_date, reason.strip()
    if note:
        proposal.notes = (proposal.notes + "\n" + note).strip()
    proposal.updated_at = timezone.now()
    proposal.save()
    ProposalStep.objects.create(proposal=proposal, outcome=outcome, on=on_date, note=note or reason,
                                recorded_by=user)
    if outcome == Proposal.Outcome.LET:
        unit = proposal.unit
        if unit.status != Status.LET_NOT_OPEN:
            unit_services.change_status(user, unit.pk, unit.version, Status.LET_NOT_OPEN, on_date=on_date,
                                        note=_("vermietet über Vorschlag zu Gesuch %(id)s") % {"id": proposal.request_id})
        Listing.objects.filter(unit=unit).update(published=False)  # let: no longer on offer
        SpaceRequest.objects.filter(pk=proposal.request_id).update(
            state=SpaceRequest.State.FULFILLED, fulfilled_unit=unit, closed_at=timezone.now(),
            updated_at=timezone.now())
    return proposal


# --- housekeeping (manage.py seekers_housekeeping, daily) ---

def housekeeping(base_url, today=None):
    """Delete unconfirmed requests after CONFIRM_DAYS (nothing kept without the opt-in), remind seekers
    REMIND_DAYS_BEFORE expiry with a one-click renewal link, let expired requests lapse, and anonymise closed
    requests SEEKER_RETENTION_MONTHS after they closed."""
    from .models import REMIND_DAYS_BEFORE

    today = today or timezone.localdate()
    stale = timezone.now() - datetime.timedelta(days=CONFIRM_DAYS)
    deleted, _per_model = SpaceRequest.objects.filter(state=SpaceRequest.State.UNCONFIRMED, created_at__lt=stale).delete()
    expired = SpaceRequest.objects.filter(state__in=[SpaceRequest.State.ACTIVE, SpaceRequest.State.PAUSED],
                                          expires_on__lt=today).update(state=SpaceRequest.State.EXPIRED,
                                                                       closed_at=timezone.now())
    reminded = 0
    due = SpaceRequest.objects.filter(
        state__in=[SpaceRequest.State.ACTIVE, SpaceRequest.State.PAUSED], reminded_at__isnull=True,
        expires_on__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE)).exclude(email="")
    for space_request in due:
        _mail(space_request.email, _("Ihr Flächengesuch läuft bald ab"), _(
            "Guten Tag,\n\nIhr Flächengesuch (%(request)s) läuft am %(until)s ab. Suchen Sie noch? "
            "Dann verlängern Sie es mit einem Klick:\n\n%(link)s\n\nSonst müssen Sie nichts tun; "
            "es endet dann von selbst.\n") % {
            "request": space_request, "until": space_request.expires_on.strftime("%d.%m.%Y"),
            "link": link(space_request, "renew", base_url)})
        SpaceRequest.objects.filter(pk=space_request.pk).update(reminded_at=timezone.now())
        reminded += 1
    anonymised = anonymise_due()  # after expiring, so a request that lapsed long ago is caught in the same run
    return {"deleted": deleted, "expired": expired, "reminded": reminded, "anonymised": anonymised}
