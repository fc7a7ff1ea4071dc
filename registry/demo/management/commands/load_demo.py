import time

from django.core.management.base import BaseCommand

from registry.demo.loader import load_demo


class Command(BaseCommand):
    help = "Lädt die Thüringer Demodaten (Gemeinden, 28 Innenstädte, Einheiten, Angebote, Demo-Konten)."

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = load_demo()
        self.stdout.write(
            f"Demodaten geladen: {counts['centres']} Innenstädte, {counts['units']} Einheiten, "
            f"{counts['listings']} Angebote, {counts['requests']} Flächengesuche in {time.monotonic() - started:.1f} s."
        )
