"""Business rules of the public side: inquiries, consent, owner invitations, photos."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.owners import services as owner_services
from registry.owners.models import Owner

from registry.accounts import access
from registry.ops import throttle

from . import photos
from .models import Inquiry, ListingPhoto

INQUIRIES_PER_HOUR = 5


def client_key(request):
    """A keyed hash of the client address (behind a proxy: the real client's, TRUSTED_PROXY_COUNT)."""
    return throttle.client_key(request)


def refuse_flood(queryset, key, limit=INQUIRIES_PER_HOUR):
    """Refuse a client's next public submission (inquiry, space request) after `limit` in the last hour.

    Counts the client's stored rows of `queryset` (its model has `client_key` and `created_at`), so it
    holds across server processes without a shared cache.
    """
    since = timezone.now() - datetime.timedelta(hours=1)
    if queryset.filter(client_key=key, created_at__gte=since).count() >= limit:
        raise ValidationError(_("Zu viele Anfragen in kurzer Zeit. Bitte versuchen Sie es in einer Stunde erneut."))


def recipients(listing):
    """The city managers of the listing's municipality (their account e-mails)."""
    return sorted(set(get_user_model().objects.filter(access.city_managers_q(listing.unit.municipality_id))
                      .exclude(email="").values_list("email", flat=True)))


def send_inquiry(listing, data, key):
    """Store the inquiry and mail it to the municipality's city managers; rate-limited per client."""
    refuse_flood(Inquiry.objects.all(), key)
    to = recipients(listing)
    inquiry = Inquiry.objects.create(listing=listing, client_key=key, sent_to=", ".join(to), **data)
    if to:
        send_mail(
            subject=_("Anfrage zu „%(title)s“") % {"title": listing.title},
            message=_("Neue Anfrage über das Leerstandsregister\n\nAngebot: %(title)s (%(address)s)\n"
                      "Name: %(name)s\nE-Mail: %(email)s\nTelefon: %(phone)s\nGeplante Nutzung: %(use)s\n\n"
                      "%(message)s\n") % {
                "title": listing.title, "address": f"{listing.unit.street} {listing.unit.house_number}",
                "name": inquiry.name, "email": inquiry.email, "phone": inquiry.phone or "–",
                "use": inquiry.intended_use, "message": inquiry.message},
            from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=to,
        )
    return inquiry


def owner_of(user):
    owner = Owner.objects.filter(user=user).first() if user.is_authenticated else None
    if owner is None:
        raise PermissionDenied(_("Dieses Konto ist keinem Eigentümer zugeordnet."))
    return owner


@transaction.atomic
def set_consent(owner, user, consented):
    """The owner's own declaration in the owner area."""
    owner_services.record_consent(owner, user, Owner.Consent.CONSENTED if consented else Owner.Consent.REFUSED,
                   _("Vom Eigentümer selbst im Eigentümerbereich erklärt."))


def add_photo(listing, upload):
    large, thumbnail = photos.process(upload)
    photo = ListingPhoto(listing=listing, position=listing.photos.count())
    photo.image.save(large.name, large, save=False)
    photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
    photo.save()
    return photo
