import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from registry.demo.synthetic import generate_units
from registry.places.models import TownCentre


class Command(BaseCommand):
    help = "Erzeugt N deterministische synthetische Einheiten (für Benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, seed, **options):
        if count < 1:
            raise CommandError("--count muss mindestens 1 sein.")
        if not TownCentre.objects.exists():
            raise CommandError("Keine Innenstädte vorhanden: zuerst `manage.py load_demo` ausführen.")
        started = time.monotonic()
        with tqdm(total=count, unit=" Einheiten", disable=options["verbosity"] == 0) as bar:
            added = generate_units(count, seed, progress=bar.update)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE units_unit; ANALYZE units_occupancy")
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('units_unit'))")
            size = cursor.fetchone()[0]
        self.stdout.write(
            f"{added} Einheiten in {time.monotonic() - started:.1f} s erzeugt; Tabelle units_unit: {size}."
        )
