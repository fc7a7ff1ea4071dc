import logging
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection

from registry import history

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
        """One round: each app that keeps data with a retention rule cleans up its own (its AppConfig's
        `housekeeping(days, keep_days)` → a German summary). Asking the app registry, not importing the apps:
        ops sits below them all (throttling, health, database), the apps know their own rules."""
        with history.context(channel="housekeeping"):  # what it deletes is recorded as its doing
            reports = [config.housekeeping(days=days, keep_days=keep_days) for config in apps.get_app_configs()
                       if callable(getattr(config, "housekeeping", None))]
        return "; ".join(report for report in reports if report) + "."
