from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "registry.imports"
    verbose_name = _("Import von Erhebungen")

    def housekeeping(self, days, keep_days):
        """Never imported uploads after `days`, imports archived after `keep_days` (manage.py housekeeping)."""
        from .retention import prune

        files, archived = prune(days, keep_days)
        return f"{files} Upload(s) gelöscht, {archived} Import(e) archiviert"
