"""Business rules of the public side: inquiries, consent, owner invitations, photos."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from registry.accounts import access
from registry.accounts.models import Role
from registry.owners.models import Owner

from registry.ops import throttle

from . import photos
from .models import Inquiry, Listing, ListingPhoto

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
    return sorted(set(get_user_model().objects.filter(
        profile__municipalities=listing.unit.municipality_id, groups__name=Role.CITY_MANAGER, is_active=True,
    ).exclude(email="").values_list("email", flat=True)))


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
def record_consent(owner, user, consent, evidence, on_date=None):
    """Every change of an owner's consent: who, when, and how it is documented (the evidence note).

    Anything but "consented" unpublishes the owner's listings at once.
    """
    if consent not in Owner.Consent.values:
        raise ValidationError({"consent": _("Unbekannter Stand der Einwilligung.")})
    if not str(evidence or "").strip():
        raise ValidationError({"consent_evidence": _("Bitte angeben, wie die Einwilligung nachgewiesen ist.")})
    owner.consent = consent
    owner.consent_date = (on_date or timezone.localdate()) if consent == Owner.Consent.CONSENTED else None
    owner.consent_evidence = str(evidence).strip()
    owner.consent_recorded_by, owner.consent_recorded_at = user, timezone.now()
    owner.save()
    if consent != Owner.Consent.CONSENTED:
        Listing.objects.filter(unit__owner=owner).update(published=False)


def set_consent(owner, user, consented):
    """The owner's own declaration in the owner area."""
    record_consent(owner, user, Owner.Consent.CONSENTED if consented else Owner.Consent.REFUSED,
                   _("Vom Eigentümer selbst im Eigentümerbereich erklärt."))


def add_photo(listing, upload):
    large, thumbnail = photos.process(upload)
    photo = ListingPhoto(listing=listing, position=listing.photos.count())
    photo.image.save(large.name, large, save=False)
    photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
    photo.save()
    return photo


def _owner_wholly_within(owner, user):
    """True when the owner was recorded by, and has units only in, municipalities the user manages."""
    from registry.units.models import Unit

    ids = access.managed_municipality_ids(user)
    if owner.municipality_id is not None and owner.municipality_id not in ids:
        return False
    return not Unit.objects.filter(owner=owner).exclude(municipality_id__in=ids).exists()


def _invitable_account(owner):
    """The account an invitation may set a password for, or a German refusal.

    Only an owner account nobody has used yet: never a staff, admin or city manager account, never one
    found by the e-mail address a city manager typed, never one with a password already set (the owner
    resets that himself). Otherwise a city manager could mail himself a link for any account.
    """
    User = get_user_model()
    email = owner.email.strip()
    taken = User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
    user = owner.user
    if user is None:
        if taken.exists():
            raise ValidationError(_("Für %(email)s gibt es schon ein Konto; eine Einladung ist nicht möglich. "
                                    "Bitte wenden Sie sich an die Administration.") % {"email": email})
        user = User(username=email, email=email)
        user.set_unusable_password()
        user.save()
        return user
    if user.is_staff or user.is_superuser or user.groups.exclude(name=Role.OWNER).exists():
        raise ValidationError(_("Das Konto von %(owner)s ist kein Eigentümerkonto; eine Einladung ist nicht "
                                "möglich.") % {"owner": owner})
    if user.has_usable_password():
        raise ValidationError(_("%(owner)s hat bereits einen Zugang. Ein neues Passwort setzt der Eigentümer "
                                "selbst über „Passwort vergessen“.") % {"owner": owner})
    if taken.exclude(pk=user.pk).exists():
        raise ValidationError(_("Für %(email)s gibt es schon ein anderes Konto; eine Einladung ist nicht möglich.")
                              % {"email": email})
    user.username = user.email = email  # not used yet: the link goes to the address on file now
    user.save(update_fields=["username", "email"])
    return user


@transaction.atomic
def invite_owner(owner, request):
    """Create the owner's account (or reuse one never used) and mail a one-time link to set a password."""
    if not access.owners_visible_to(request.user).filter(pk=owner.pk).exists():
        raise PermissionDenied(_("Sie dürfen nur Eigentümer Ihrer eigenen Gemeinden einladen."))
    if access.role_of(request.user) != access.ADMIN and not _owner_wholly_within(owner, request.user):
        # An owner with units in several towns is shared: any one town could otherwise change the address and
        # mail itself the set-password link for an account that then acts in the other towns' areas.
        raise PermissionDenied(_("%(owner)s hat Einheiten auch in anderen Gemeinden; einladen kann dann nur die "
                                 "Administration.") % {"owner": owner})
    if not owner.email:
        raise ValidationError(_("Für %(owner)s ist keine E-Mail-Adresse hinterlegt.") % {"owner": owner})
    user = _invitable_account(owner)
    user.groups.add(Group.objects.get(name=Role.OWNER))
    owner.user = user
    owner.save(update_fields=["user"])
    link = request.build_absolute_uri(reverse("owner-invitation", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}))
    send_mail(
        subject=_("Ihr Zugang zum Leerstandsregister Thüringen"),
        message=_("Guten Tag,\n\nIhre Stadt lädt Sie ein, Ihre Angebote im Leerstandsregister selbst zu pflegen.\n"
                  "Über diesen Link legen Sie Ihr Passwort fest (er gilt einmal):\n\n%(link)s\n") % {"link": link},
        from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[owner.email],
    )
    return link
