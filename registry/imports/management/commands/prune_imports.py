from django.core.management import call_command
from django.core.management.base import BaseCommand

from registry.imports.retention import prune


class Command(BaseCommand):
    help = ("Räumt Importe auf (täglich ausführen): löscht nie importierte Dateien nach --days Tagen, "
            "archiviert Importe nach --keep-days Tagen (dann nicht mehr rücknehmbar) und alte Job-Einträge.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--keep-days", type=int, default=90)

    def handle(self, *args, days, keep_days, **options):
        files, archived = prune(days, keep_days)
        call_command("prune_db_task_results", "--min-age-days", str(days), verbosity=0)
        self.stdout.write(f"{files} Upload(s) gelöscht, {archived} Import(e) archiviert.")
