from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeekersConfig(AppConfig):
    name = "registry.seekers"
    label = "seekers"
    verbose_name = _("Flächengesuche")

    def ready(self):
        from . import signals  # noqa: F401  (listing published / changed → matching job)

    def housekeeping(self, days, keep_days):
        """Unconfirmed requests deleted, expired ones ended, reminders sent, closed ones anonymised after
        SEEKER_RETENTION_MONTHS (manage.py housekeeping)."""
        from django.conf import settings

        from .services import housekeeping

        requests = housekeeping(settings.SITE_URL.rstrip("/"))  # idempotent: reminds once, expires once
        return (f"Flächengesuche: {requests['deleted']} unbestätigte gelöscht, {requests['expired']} abgelaufen, "
                f"{requests['reminded']} erinnert, {requests['anonymised']} nach "
                f"{settings.SEEKER_RETENTION_MONTHS} Monaten anonymisiert")
