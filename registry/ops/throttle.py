"""Counting rate-limited actions per client or per address, shared by all server processes."""

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .clients import client_ip
from .models import Attempt


def keyed(value):
    """A keyed hash: enough to count, useless as personal data."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()


def client_key(request):
    return keyed(client_ip(request))


def allow(scope, keys, limit, window=datetime.timedelta(hours=1)):
    """Records one attempt under each key and says whether every key is still within `limit` per `window`.
    A refused attempt is not recorded, so waiting always helps."""
    since = timezone.now() - window
    with transaction.atomic():
        for key in keys:
            if Attempt.objects.filter(scope=scope, key=key, created_at__gte=since).count() >= limit:
                return False
        Attempt.objects.bulk_create([Attempt(scope=scope, key=key) for key in keys])
    return True


def prune(older_than=datetime.timedelta(days=1)):
    return Attempt.objects.filter(created_at__lt=timezone.now() - older_than).delete()[0]
