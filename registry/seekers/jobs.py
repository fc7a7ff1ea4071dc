"""Alerts as background jobs (django-tasks-db, `manage.py db_worker`, as registry.imports.jobs).

`match_listing` runs after a listing is published or its rent/area changes: one INSERT … SELECT records an
alert for every confirmed, active request the listing fits (once per listing and request: a unique pair).
Seekers who chose „sofort“ are mailed at once; the daily and weekly digests are jobs queued to run at
07:00 the next morning / next Monday. Sending is idempotent (an alert is sent once, under a row lock), so a
digest job queued twice mails nothing twice.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from registry.listings.models import Listing

from . import matching
from .models import Alert, Frequency, SpaceRequest
from .services import link, listing_line

log = logging.getLogger(__name__)
DIGEST_HOUR = 7


def site_url():
    return settings.SITE_URL.rstrip("/")


def next_run(frequency, now=None):
    now = timezone.localtime(now)
    day = now.date() + datetime.timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        day = now.date() + datetime.timedelta(days=7 - now.weekday())  # next Monday
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(DIGEST_HOUR)))


def record_alerts(listing):
    """The new alerts for this listing, as {request id: frequency}; nothing when it is not public."""
    sql, params = matching.alert_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, "unit": listing.unit_id})
        ids = [row[0] for row in cursor.fetchall()]
    return dict(SpaceRequest.objects.filter(pk__in=ids).values_list("pk", "frequency"))


@task()
def match_listing(listing_id):
    listing = Listing.objects.filter(pk=listing_id).first()
    if listing is None:
        return 0
    new = record_alerts(listing)
    immediate = [pk for pk, frequency in new.items() if frequency == Frequency.IMMEDIATE]
    if immediate:
        send_alerts(immediate)
    for frequency in {Frequency.DAILY, Frequency.WEEKLY} & set(new.values()):
        send_digest.using(run_after=next_run(frequency)).enqueue(frequency)
    return len(new)


@task()
def send_digest(frequency):
    ids = list(SpaceRequest.objects.filter(frequency=frequency, alert_records__sent_at__isnull=True)
               .values_list("pk", flat=True).distinct())
    return send_alerts(ids)


def send_alerts(request_ids):
    """One e-mail per request with its unsent alerts; only listings that are public now, to that seeker alone."""
    sent = 0
    for pk in sorted(request_ids):
        sent += _send_one(pk)
    return sent


@transaction.atomic
def _send_one(pk):
    space_request = SpaceRequest.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
    if space_request is None:
        return 0
    alerts = list(Alert.objects.select_for_update(skip_locked=True).filter(request=space_request, sent_at__isnull=True))
    if not alerts:
        return 0
    Alert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(sent_at=timezone.now())
    wants_mail = (space_request.state == SpaceRequest.State.ACTIVE and space_request.alerts
                  and space_request.consent_matches and space_request.email and space_request.confirmed_at)
    listings = list(Listing.objects.public().filter(pk__in=[a.listing_id for a in alerts], unit__status="vacant")
                    .select_related("unit").order_by("-published_at"))
    if not wants_mail or not listings:
        return 0
    base = site_url()
    with translation.override(settings.LANGUAGE_CODE):
        lines = [listing_line(base, title=listing.title, street=listing.unit.street,
                              house_number=listing.unit.house_number, town=listing.unit.town,
                              floor_area=listing.unit.floor_area, rent=listing.rent, slug=listing.slug)
                 for listing in listings]
        send_mail(
            subject=_("Neue passende Angebote zu Ihrem Flächengesuch") if len(listings) > 1
            else _("Ein neues passendes Angebot zu Ihrem Flächengesuch"),
            message=_("Guten Tag,\n\nzu Ihrem Flächengesuch (%(request)s) passen diese öffentlichen Angebote:\n\n"
                      "%(lines)s\n\nIhr Gesuch verwalten: %(manage)s\n"
                      "Keine E-Mails mehr zu diesem Gesuch: %(unsubscribe)s\n") % {
                "request": space_request, "lines": "\n\n".join(lines),
                "manage": link(space_request, "manage", base), "unsubscribe": link(space_request, "unsubscribe", base)},
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[space_request.email])
    log.info("request %s: %s listings mailed", pk, len(listings))
    return 1
