import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from registry.imports.retention import prune

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Räumt Importe auf (täglich ausführen, oder dauerhaft mit --every): löscht nie importierte Dateien "
            "nach --days Tagen, archiviert Importe nach --keep-days Tagen (dann nicht mehr rücknehmbar; von "
            "ihnen ersetzte, nicht mehr genutzte Eigentümer werden gelöscht) und alte Job-Einträge.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--keep-days", type=int, default=90)
        parser.add_argument("--every", type=float, metavar="STUNDEN",
                            help="läuft weiter und räumt alle STUNDEN Stunden auf (für docker compose und "
                                 "setup.sh run, wo kein cron läuft)")

    def handle(self, *args, days, keep_days, every, **options):
        while True:
            try:
                files, archived = prune(days, keep_days)
                call_command("prune_db_task_results", "--min-age-days", str(days), verbosity=0)
                self.stdout.write(f"{files} Upload(s) gelöscht, {archived} Import(e) archiviert.")
            except Exception:
                if not every:
                    raise
                # a database restart must not end the housekeeping for good: the next round tries again
                log.exception("prune_imports: Runde fehlgeschlagen")
            if not every:
                return
            connection.close()  # no idle connection held between rounds
            time.sleep(every * 3600)
