from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeekersConfig(AppConfig):
    name = "registry.seekers"
    label = "seekers"
    verbose_name = _("Flächengesuche")

    def ready(self):
        from . import signals  # noqa: F401  (listing published / changed → matching job)
