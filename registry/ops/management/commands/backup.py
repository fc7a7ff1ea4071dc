from django.core.management.base import BaseCommand, CommandError

from registry.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Sichert Datenbank (pg_dump) und Fotos (MEDIA_ROOT) in einen neuen Ordner VERZEICHNIS/<Datum_Uhrzeit>/. "
            "Zurückspielen mit `manage.py restore ORDNER`.")

    def add_arguments(self, parser):
        parser.add_argument("verzeichnis")
        parser.add_argument("--behalten", "--keep", dest="keep", type=int, default=None, metavar="N",
                            help="danach nur die neuesten N Sicherungen in VERZEICHNIS behalten")

    def handle(self, *args, verzeichnis, keep, **options):
        if keep is not None and keep < 1:
            raise CommandError("--behalten braucht mindestens 1.")
        try:
            folder = backup(verzeichnis, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Sicherung geschrieben: {folder}")
