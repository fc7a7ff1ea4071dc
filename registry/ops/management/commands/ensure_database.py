import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.ops.database import ensure_database


class Command(BaseCommand):
    help = "Legt die konfigurierte Datenbank mit PostGIS an, falls sie fehlt."

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        try:
            for step in ensure_database(db):
                self.stdout.write(step)
        except psycopg.Error as error:
            raise CommandError(
                f"Datenbank {db['NAME']} auf {db.get('HOST') or 'localhost'} nicht erreichbar "
                f"oder PostGIS fehlt: {error}"
            ) from error
