from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.accounts.tokens import create_token


class Command(BaseCommand):
    help = "Erzeugt ein API-Token für USER und gibt es als letzte Zeile aus (es wird nur gehasht gespeichert)."

    def add_arguments(self, parser):
        parser.add_argument("user")
        parser.add_argument("--name", default="Kommandozeile")

    def handle(self, *args, user, name, **options):
        try:
            account = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Benutzer „{user}“ gibt es nicht.") from None
        token = create_token(account, name)
        self.stdout.write(f"API-Token für {account.username} (wird nicht noch einmal angezeigt):")
        self.stdout.write(token)
