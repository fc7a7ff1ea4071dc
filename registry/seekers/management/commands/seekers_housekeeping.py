from django.conf import settings
from django.core.management.base import BaseCommand

from registry.seekers.services import housekeeping


class Command(BaseCommand):
    help = ("Flächengesuche täglich pflegen: unbestätigte nach 7 Tagen löschen, vor Ablauf erinnern "
            "(mit Verlängerungslink), abgelaufene beenden, persönliche Daten abgeschlossener Gesuche nach "
            "SEEKER_RETENTION_MONTHS Monaten löschen. Einmal täglich per cron/systemd-Timer starten.")

    def handle(self, *args, **options):
        counts = housekeeping(settings.SITE_URL.rstrip("/"))
        self.stdout.write(f"Gesuche: {counts['deleted']} unbestätigte gelöscht, {counts['expired']} abgelaufen, "
                          f"{counts['reminded']} erinnert, {counts['anonymised']} anonymisiert.")
