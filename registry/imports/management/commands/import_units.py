from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from registry.imports import engine, values
from registry.imports.models import MappingPreset
from registry.imports.readers import ImportFileError, read
from registry.places.models import Municipality



class Command(BaseCommand):
    help = ("Importiert eine Erhebung (CSV, XLSX, GeoJSON, GeoPackage, ZIP mit Shapefile) in eine Gemeinde – "
            "ganz oder gar nicht. Exit-Status 1, wenn etwas abgelehnt wird.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--municipality", required=True, help="AGS der Gemeinde")
        parser.add_argument("--user", required=True, help="wer importiert (Citymanager der Gemeinde oder Admin)")
        parser.add_argument("--mapping", help="gespeicherte Spaltenzuordnung dieser Gemeinde (Name)")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts schreiben")
        parser.add_argument("--undo", action="store_true", help="den letzten Import dieses Benutzers zurücknehmen")

    def handle(self, *args, file, municipality, user, mapping, dry_run, undo, **options):
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
            if not file:
                raise CommandError("Bitte eine Datei angeben.")
            columns = self._preset(place, mapping)
            table = read(file)
            with tqdm(total=table.count, unit=" Zeilen", disable=options["verbosity"] == 0) as bar:
                if dry_run:
                    preview = engine.analyse(table, place, columns, progress=bar.update)
                else:
                    batch = engine.commit(table, place, account, Path(file).name, columns, progress=bar.update)
        except (ImportFileError, engine.UndoRefused, PermissionDenied) as refused:
            raise CommandError(str(refused)) from None
        except engine.ImportRefused as refused:
            self._report(refused.preview)
            raise CommandError(str(refused)) from None
        if dry_run:
            self._report(preview)
            if preview.errors:
                raise CommandError(f"{len(preview.errors)} Fehler: nichts importiert.")
            self.stdout.write("Probelauf: nichts geschrieben.")
            return
        for notice in batch.notices:
            self.stdout.write(notice)
        self.stdout.write(f"Importiert (Import Nr. {batch.pk}): {batch.created} neu, {batch.changed} geändert, "
                          f"{batch.unchanged} unverändert.")

    @staticmethod
    def _preset(place, name):
        if not name:
            return None
        preset = MappingPreset.objects.filter(municipality=place, name=name).first()
        if preset is None:
            known = ", ".join(place.mapping_presets.values_list("name", flat=True)) or "keine"
            raise CommandError(f"Keine Spaltenzuordnung „{name}“ für {place.name} (gespeichert: {known}).")
        return preset.mapping

    def _report(self, preview):
        for notice in preview.notices:
            self.stdout.write(notice)
        if preview.crs:
            self.stdout.write("Koordinaten erkannt als " + values.CRS_NAMES[preview.crs])
        counts = preview.counts
        self.stdout.write(f"{counts['new']} neu, {counts['changed']} geändert, {counts['unchanged']} unverändert.")
        for line in preview.error_lines():
            self.stderr.write(line)
