import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "registry.ops"
    verbose_name = _("Betrieb")

    def housekeeping(self, days, keep_days):
        """Old job results and the counters of login and password-reset throttling (after a day)."""
        from axes.models import AccessAttempt
        from django.core.management import call_command
        from django.utils import timezone

        from . import throttle

        call_command("prune_db_task_results", "--min-age-days", str(days), verbosity=0)
        day_ago = timezone.now() - datetime.timedelta(days=1)
        counters = throttle.prune() + AccessAttempt.objects.filter(attempt_time__lt=day_ago).delete()[0]
        return f"{counters} alte Sperrzähler entfernt"
