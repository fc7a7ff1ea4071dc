from registry.ops.management.commands.housekeeping import Command as Housekeeping


class Command(Housekeeping):
    """The former name, kept so that existing cron jobs and compose files go on working."""

    help = "Alter Name von `manage.py housekeeping` (macht dasselbe). " + Housekeeping.help
