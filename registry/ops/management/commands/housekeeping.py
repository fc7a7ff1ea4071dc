import datetime
import logging
import time

from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from registry import history
from registry.imports.retention import prune
from registry.listings.retention import prune_inquiries
from registry.ops import throttle
from registry.seekers.services import housekeeping as seekers_housekeeping

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Aufräumen nach den Aufbewahrungsregeln (README, „Betrieb“), täglich ausführen oder dauerhaft mit "
            "--every: Anfragen nach INQUIRY_RETENTION_MONTHS Monaten (Standard 12) löschen; nie importierte "
            "Dateien nach --days Tagen löschen, Importe nach --keep-days Tagen archivieren (dann nicht mehr "
            "rücknehmbar; von ihnen ersetzte, nicht mehr genutzte Eigentümer werden gelöscht), alte Job-Einträge; "
            "Zähler der Anmelde- und Passwort-Sperren nach einem Tag; Flächengesuche: unbestätigte nach 7 Tagen "
            "löschen, erinnern, ablaufen lassen, persönliche Daten abgeschlossener Gesuche nach "
            "SEEKER_RETENTION_MONTHS Monaten (Standard 6) löschen.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--keep-days", type=int, default=90)
        parser.add_argument("--every", type=float, metavar="STUNDEN",
                            help="läuft weiter und räumt alle STUNDEN Stunden auf (für docker compose und "
                                 "setup.sh run, wo kein cron läuft)")

    def handle(self, *args, days, keep_days, every, **options):
        while True:
            try:
                self.stdout.write(self.round(days, keep_days))
            except Exception:
                if not every:
                    raise
                # a database restart must not end the housekeeping for good: the next round tries again
                log.exception("housekeeping: Runde fehlgeschlagen")
            if not every:
                return
            connection.close()  # no idle connection held between rounds
            time.sleep(every * 3600)

    def round(self, days, keep_days):
        with history.context(channel="housekeeping"):  # what it deletes is recorded as its doing
            files, archived = prune(days, keep_days)
        call_command("prune_db_task_results", "--min-age-days", str(days), verbosity=0)
        inquiries = prune_inquiries()
        day_ago = timezone.now() - datetime.timedelta(days=1)
        counters = throttle.prune() + AccessAttempt.objects.filter(attempt_time__lt=day_ago).delete()[0]
        requests = seekers_housekeeping(settings.SITE_URL.rstrip("/"))  # idempotent: reminds once, expires once
        return (f"{files} Upload(s) gelöscht, {archived} Import(e) archiviert, {inquiries} Anfrage(n) älter als "
                f"{settings.INQUIRY_RETENTION_MONTHS} Monate gelöscht, {counters} alte Sperrzähler entfernt; "
                f"Flächengesuche: {requests['deleted']} unbestätigte gelöscht, {requests['expired']} abgelaufen, "
                f"{requests['reminded']} erinnert, {requests['anonymised']} nach "
                f"{settings.SEEKER_RETENTION_MONTHS} Monaten anonymisiert.")
