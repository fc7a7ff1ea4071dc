from django.db import models


class Attempt(models.Model):
    """One rate-limited action (e.g. a password-reset mail), kept for an hour or so by the housekeeping.

    In the database rather than a per-process cache, so that all gunicorn workers count together.
    `key` is a keyed hash of the client address or the e-mail typed, never the value itself."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "created_at"])]
