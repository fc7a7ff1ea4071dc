from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "registry.listings"
    verbose_name = _("Angebote")

    def ready(self):
        from . import signals  # noqa: F401  (consent withdrawn → listings offline)

    def housekeeping(self, days, keep_days):
        """Inquiries after INQUIRY_RETENTION_MONTHS (manage.py housekeeping)."""
        from django.conf import settings

        from .retention import prune_inquiries

        return (f"{prune_inquiries()} Anfrage(n) älter als {settings.INQUIRY_RETENTION_MONTHS} Monate "
                "gelöscht")
