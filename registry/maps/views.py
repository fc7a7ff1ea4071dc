from django.db.models import Count, Q
from django.shortcuts import render

from registry.places.models import TownCentre
from registry.units.vacancy import vacant_q


def home(request):
    centres = TownCentre.objects.select_related("municipality").annotate(
        total=Count("units"), vacant=Count("units", filter=vacant_q("units__"))
    )
    return render(request, "maps/home.html", {"centres": centres})
