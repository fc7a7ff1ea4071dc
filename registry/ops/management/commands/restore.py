from django.core.management.base import BaseCommand, CommandError

from registry.ops.backup import MANIFEST, BackupError, newest, restore


class Command(BaseCommand):
    help = ("Spielt eine Sicherung von `manage.py backup` zurück: ORDNER (oder das Verzeichnis mit den "
            "Sicherungen: dann die neueste) in die konfigurierte Datenbank (DATABASE_URL; wird angelegt, wenn "
            "sie fehlt) und nach MEDIA_ROOT. Danach `manage.py migrate` (bei einer Sicherung einer älteren Version).")

    def add_arguments(self, parser):
        parser.add_argument("ordner")
        parser.add_argument("--ersetzen", "--replace", dest="replace", action="store_true",
                            help="eine Datenbank mit Daten überschreiben (sonst nur in eine leere)")

    def handle(self, *args, ordner, replace, **options):
        from pathlib import Path

        try:
            folder = Path(ordner) if (Path(ordner) / MANIFEST).exists() else newest(ordner)
            manifest = restore(folder, replace=replace)
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Sicherung vom {manifest['erstellt']} aus {folder} zurückgespielt.")
