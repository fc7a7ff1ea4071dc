"""Writes about owners: consent (who, when, evidence) and the invitation to the owner area."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from registry.accounts import access
from registry.accounts.models import Role

from .models import Owner

# Sent (owner=…) inside the transaction that records a consent other than "consented". Owners sit below
# listings, so the listings app listens and unpublishes (a signal, not an import of a higher app).
consent_withdrawn = Signal()


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
        # listings (above owners) takes the owner's listings offline: registry/listings/signals.py
        consent_withdrawn.send(sender=Owner, owner=owner)


def _owner_wholly_within(owner, user):
    """True when the owner was recorded by, and has units only in, municipalities the user manages."""
    ids = access.editable_municipality_ids(user) or frozenset()
    if owner.municipality_id is not None and owner.municipality_id not in ids:
        return False
    return not owner.units.exclude(municipality_id__in=ids).exists()


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
    if not access.owners_visible_to(request.user, Owner.objects.all()).filter(pk=owner.pk).exists():
        raise PermissionDenied(_("Sie dürfen nur Eigentümer Ihrer eigenen Gemeinden einladen."))
    if not access.is_admin(request.user) and not _owner_wholly_within(owner, request.user):
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
