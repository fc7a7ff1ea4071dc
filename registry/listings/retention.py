"""How long inquiries are kept: they hold seekers' names, e-mails and phone numbers, which have done
their job once the city manager has answered. `manage.py housekeeping` (hourly) deletes them
INQUIRY_RETENTION_MONTHS (default 12) after they arrived."""

from django.conf import settings
from django.db.models.expressions import RawSQL

from .models import Inquiry


def prune_inquiries(months=None):
    months = settings.INQUIRY_RETENTION_MONTHS if months is None else months
    # calendar months, as the setting says, computed by PostgreSQL
    cutoff = RawSQL("now() - make_interval(months => %s)", [months])
    return Inquiry.objects.filter(created_at__lt=cutoff).delete()[1].get(Inquiry._meta.label, 0)
