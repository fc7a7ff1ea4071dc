"""API tokens: `Authorization: Bearer <token>`, or HTTP Basic with the token as password
(for GDAL_HTTP_USERPWD and QGIS basic auth, which know only Basic)."""

import base64
import datetime
import hashlib
import secrets

from django.db.models import Q
from django.utils import timezone

from registry import history

from .models import ApiToken

PREFIX = "lr_"
# "zuletzt benutzt" to the minute is enough; writing it on every request made every API read (each OGC page
# of a QGIS session) a write and a commit (issue 17).
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class InvalidToken(Exception):
    pass


def _digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user, name=""):
    """Returns the plain token; only its digest is stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=token[:10], digest=_digest(token))
    return token


def revoke(token_id, user):
    return ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_from_header(header):
    """The token in an Authorization header, or None when the header carries none."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip()).decode()
        except (ValueError, UnicodeDecodeError):
            raise InvalidToken from None
        return decoded.partition(":")[2]
    return None


def user_for_request(request):
    """The token's user, the session's user, or raise InvalidToken for a bad token."""
    token = token_from_header(request.headers.get("Authorization"))
    if token is None:
        return request.user
    record = ApiToken.objects.select_related("user").filter(
        digest=_digest(token), revoked_at__isnull=True, user__is_active=True).first()
    if record is None:
        raise InvalidToken
    history.context(channel="api", token=record.pk)  # a write request's history names the token (no-op for reads)
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        # the condition again in the UPDATE: of workers racing within the minute, one writes
        ApiToken.objects.filter(pk=record.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)).update(last_used_at=now)
    return record.user
