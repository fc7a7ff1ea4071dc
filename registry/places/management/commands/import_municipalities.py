from django.core.management.base import BaseCommand, CommandError

from registry.places.services import BoundaryFileError, import_municipalities


class Command(BaseCommand):
    help = (
        "Aktualisiert die Thüringer Gemeinden aus einer VG250-Datei (GeoPackage, Shapefile, GeoJSON; "
        "beliebiges Koordinatensystem, z. B. EPSG:25832), abgeglichen über den AGS."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            created, updated = import_municipalities(file)
        except BoundaryFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{created} Gemeinden neu, {updated} aktualisiert.")
