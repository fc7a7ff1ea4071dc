from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from registry.accounts import access
from registry.imports import diff, engine, values
from registry.imports.models import MappingPreset
from registry.imports.readers import ImportFileError, read
from registry.places.models import Municipality

MAX_LINES = 2000  # of the diff printed to the terminal


class Command(BaseCommand):
    help = ("Importiert eine Erhebung (CSV, XLSX, GeoJSON, GeoPackage, ZIP mit Shapefile) in eine Gemeinde – "
            "ganz oder gar nicht. Exit-Status 1, wenn etwas abgelehnt wird. Spalten, die weder erkannt noch "
            "mit --ignore ausdrücklich ignoriert sind, halten den Import an.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--municipality", required=True, help="AGS der Gemeinde")
        parser.add_argument("--user", required=True, help="wer importiert (Citymanager der Gemeinde oder Admin)")
        parser.add_argument("--mapping", help="gespeicherte Spaltenzuordnung dieser Gemeinde (Name)")
        parser.add_argument("--ignore", action="append", default=[], metavar="SPALTE",
                            help="diese Spalte der Datei ausdrücklich nicht übernehmen (mehrfach möglich)")
        parser.add_argument("--ignore-unmapped", action="store_true",
                            help="alle nicht erkannten Spalten ausdrücklich nicht übernehmen")
        parser.add_argument("--save-mapping", metavar="NAME",
                            help="die Zuordnung samt ignorierter Spalten unter diesem Namen für die Gemeinde "
                                 "speichern (wie im Web; danach --mapping NAME)")
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen und die Änderungen zeigen")
        parser.add_argument("--diff-csv", metavar="DATEI", help="die Änderungen (alt → neu) als CSV schreiben")
        parser.add_argument("--undo", action="store_true", help="den letzten Import dieses Benutzers zurücknehmen")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive",
                            help="nicht nachfragen (Import und Rücknahme ohne Bestätigung)")

    def handle(self, *args, file, municipality, user, mapping, dry_run, undo, interactive, **options):
        try:
            place = Municipality.objects.get(ags=municipality)
            account = get_user_model().objects.get(username=user)
        except (Municipality.DoesNotExist, get_user_model().DoesNotExist) as missing:
            raise CommandError(f"Unbekannt: {missing}") from None
        try:
            if undo:
                return self._undo(account, place, interactive)
            if not file:
                raise CommandError("Bitte eine Datei angeben.")
            access.require_edit(account, place.pk)
            table = read(file)
            columns = self._mapping(table.columns, self._preset(place, mapping), options["ignore"],
                                    options["ignore_unmapped"])
            if options["save_mapping"]:  # ignoring is a recorded choice, as in the web's mapping step
                MappingPreset.objects.update_or_create(municipality=place, name=options["save_mapping"][:80],
                                                       defaults={"mapping": columns})
            quiet = options["verbosity"] == 0
            ask = interactive and not dry_run
            if dry_run or ask or options["diff_csv"]:
                with tqdm(total=table.count, unit=" Zeilen", disable=quiet) as bar:
                    preview = engine.analyse(table, place, columns, progress=bar.update, keep_changes=True)
                self._report(preview, account, place, options["diff_csv"])
                if preview.errors:
                    raise CommandError(f"{len(preview.errors)} Fehler: nichts importiert.")
                if dry_run:
                    self.stdout.write("Probelauf: nichts geschrieben.")
                    return
                if ask and not self._confirm(f"Importieren: {preview.sentence()}. Fortfahren? [j/N] "):
                    raise CommandError("Abgebrochen: nichts importiert.")
            with tqdm(total=table.count, unit=" Zeilen", disable=quiet) as bar:
                batch = engine.commit(table, place, account, Path(file).name, columns, progress=bar.update)
        except (ImportFileError, engine.UndoRefused, PermissionDenied) as refused:
            raise CommandError(str(refused)) from None
        except engine.ImportRefused as refused:
            self._report(refused.preview, account, place)
            raise CommandError(str(refused)) from None
        for notice in batch.notices:
            self.stdout.write(notice)
        self.stdout.write(f"Importiert (Import Nr. {batch.pk}): {batch.created} neu, {batch.changed} geändert, "
                          f"{batch.unchanged} unverändert.")

    def _undo(self, account, place, interactive):
        batch = engine.last_undoable(account, place)
        if batch is None:
            raise engine.UndoRefused("Es gibt keinen Import, der rückgängig gemacht werden kann.")
        if interactive and not self._confirm(f"Zurücknehmen: {engine.undo_sentence(batch)}. Fortfahren? [j/N] "):
            raise CommandError("Abgebrochen: nichts zurückgenommen.")
        batch = engine.undo_last(account, place)
        # the same local time as the question before it (engine.undo_sentence), not UTC
        self.stdout.write(f"Import „{batch.file_name}“ vom {timezone.localtime(batch.finished_at):%d.%m.%Y %H:%M} "
                          "zurückgenommen.")

    def _confirm(self, question):
        try:
            return input(question).strip().lower() in ("j", "ja", "y", "yes")
        except EOFError:  # run from a script without input: no yes, so nothing happens
            raise CommandError("Keine Bestätigung erhalten (keine Eingabe); ohne Nachfrage mit --no-input.") from None

    @staticmethod
    def _preset(place, name):
        if not name:
            return None
        preset = MappingPreset.objects.filter(municipality=place, name=name).first()
        if preset is None:
            known = ", ".join(place.mapping_presets.values_list("name", flat=True)) or "keine"
            raise CommandError(f"Keine Spaltenzuordnung „{name}“ für {place.name} (gespeichert: {known}).")
        return preset.mapping

    @staticmethod
    def _mapping(columns, preset, ignore, ignore_unmapped):
        """The preset's or the recognised mapping, with --ignore'd columns; stops on any column that is
        neither: nothing in a file is dropped without someone deciding so."""
        if unknown := [column for column in ignore if column not in columns]:
            raise CommandError("--ignore nennt Spalten, die es in der Datei nicht gibt: " + ", ".join(unknown)
                               + ". Spalten der Datei: " + ", ".join(columns))
        mapping = values.suggest_mapping(columns, preset) | dict.fromkeys(ignore, "")
        if not any(mapping.values()):
            raise CommandError(engine.no_headers_message(columns))
        missing = values.unmapped(columns, mapping)
        if missing and not ignore_unmapped:
            recognised = values.recognise(columns, mapping)
            lines = [f"  „{column}“: {engine.unmapped_message(recognised[column])}" for column in missing]
            raise CommandError(f"{len(missing)} Spalte(n) weder zugeordnet noch ignoriert – nichts importiert:\n"
                               + "\n".join(lines) + "\nMit --ignore SPALTE (mehrfach) oder --ignore-unmapped "
                               "ausdrücklich weglassen, oder mit --mapping NAME eine im Web gespeicherte "
                               "Zuordnung nehmen.")
        return mapping | dict.fromkeys(missing, "")

    def _report(self, preview, account, place, diff_csv=None):
        for notice in preview.notices:
            self.stdout.write(notice)
        if preview.crs:
            self.stdout.write("Koordinaten erkannt als " + values.CRS_NAMES[preview.crs])
        if not preview.errors:
            self.stdout.write(preview.sentence() + ".")
            owners = access.can_see_private(account, place.pk)
            rows = [diff.describe_row(row, owners) for row in preview.changes]
            lines = diff.text_lines(rows)
            for line in lines[:MAX_LINES]:
                self.stdout.write(line)
            if len(lines) > MAX_LINES:  # a terminal is no place for 100,000 changes; the CSV has them all
                self.stdout.write(f"… und {len(lines) - MAX_LINES} weitere Zeilen der Änderungsliste; vollständig "
                                  "mit --diff-csv DATEI.")
            if diff_csv:
                with open(diff_csv, "w", encoding="utf-8-sig", newline="") as target:
                    diff.write_csv(target, rows)
                self.stdout.write(f"Änderungen geschrieben: {diff_csv}")
        for line in preview.error_lines():
            self.stderr.write(line)
