from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from registry.imports import engine
from registry.imports.readers import ImportFileError, read
from registry.places.models import Municipality


class Command(BaseCommand):
    help = ("Importiert eine Erhebung (CSV, XLSX, GeoJSON, GeoPackage, ZIP mit Shapefile) in eine Gemeinde – "
            "ganz oder gar nicht. Exit-Status 1, wenn etwas abgelehnt wird.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--municipality", required=True, help="AGS der Gemeinde")
        parser.add_argument("--user", required=True, help="wer importiert (Citymanager der Gemeinde oder Admin)")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts schreiben")
        parser.add_argument("--undo", action="store_true", help="den letzten Import dieses Benutzers zurücknehmen")

    def handle(self, *args, file, municipality, user, dry_run, undo, **options):
        try:
            place = Municipality.objects.get(ags=municipality)
            account = get_user_model().objects.get(username=user)
        except (Municipality.DoesNotExist, get_user_model().DoesNotExist) as missing:
            raise CommandError(f"Unbekannt: {missing}") from None
        try:
            if undo:
                batch = engine.undo_last(account, place)
                self.stdout.write(f"Import „{batch.file_name}“ vom {batch.created_at:%d.%m.%Y %H:%M} zurückgenommen.")
                return
            table = read(file)
            with tqdm(total=len(table.rows), unit=" Zeilen", disable=options["verbosity"] == 0) as bar:
                preview = engine.analyse(table, place, progress=bar.update)
        except (ImportFileError, engine.UndoRefused) as refused:
            raise CommandError(str(refused)) from None
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from None
        for notice in preview.notices:
            self.stdout.write(notice)
        if preview.crs:
            self.stdout.write("Koordinaten erkannt als " + {"4326": "WGS84 (Länge/Breite)",
                                                            "25832": "ETRS89 / UTM 32N (Rechtswert/Hochwert)"}[preview.crs])
        counts = preview.counts
        self.stdout.write(f"{counts['new']} neu, {counts['changed']} geändert, {counts['unchanged']} unverändert.")
        if preview.errors:
            for line in preview.error_lines():
                self.stderr.write(line)
            raise CommandError(f"{len(preview.errors)} Fehler: nichts importiert.")
        if dry_run:
            self.stdout.write("Probelauf: nichts geschrieben.")
            return
        try:
            batch = engine.commit(preview, account, place, Path(file).name)
        except PermissionDenied as denied:
            raise CommandError(str(denied)) from None
        self.stdout.write(f"Importiert (Import Nr. {batch.pk}).")
