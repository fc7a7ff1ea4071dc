"""Web import for city managers: upload → column mapping → dry-run preview → commit (or undo)."""

import csv
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from registry.accounts import access
from registry.places.models import Municipality

from . import engine, values
from .models import ImportBatch, MappingPreset
from .readers import ImportFileError, read

UPLOADS = Path(settings.BASE_DIR) / "var" / "imports"  # private: not under MEDIA_ROOT
FIELD_LABELS = {
    "": "– ignorieren –", "external_id": "Externe ID", "name": "Bezeichnung", "street": "Straße",
    "house_number": "Hausnummer", "postcode": "PLZ", "town": "Ort", "floor": "Geschoss", "floor_area": "Nutzfläche",
    "sales_area": "Verkaufsfläche", "frontage": "Schaufensterfront", "step_free": "barrierefrei",
    "listed_building": "Denkmalschutz", "category": "Nutzung", "status": "Status", "vacant_since": "leer seit",
    "asking_rent": "Kaltmiete", "last_checked": "zuletzt geprüft", "owner_name": "Eigentümer",
    "owner_phone": "Telefon (Eigentümer)", "owner_email": "E-Mail (Eigentümer)",
    "x": "Rechtswert / Länge (x)", "y": "Hochwert / Breite (y)",
}


def _municipalities(user):
    if access.role_of(user) == access.ADMIN:
        return Municipality.objects.filter(centres__isnull=False).distinct().order_by("name")
    return Municipality.objects.filter(pk__in=access.managed_municipality_ids(user)).order_by("name")


def _pending(request):
    state = request.session.get("import")
    if not state:
        return None, None, None
    municipality = get_object_or_404(_municipalities(request.user), pk=state["municipality"])
    return state, municipality, read(state["path"])


@login_required
def upload(request):
    municipalities = _municipalities(request.user)
    if not municipalities:
        raise PermissionDenied("Importieren dürfen Citymanager für ihre Gemeinden.")
    error = None
    if request.method == "POST" and request.FILES.get("file"):
        municipality = get_object_or_404(municipalities, pk=request.POST.get("municipality"))
        incoming = request.FILES["file"]
        folder = UPLOADS / uuid.uuid4().hex
        folder.mkdir(parents=True)
        path = folder / Path(incoming.name).name
        with open(path, "wb") as target:
            for chunk in incoming.chunks():
                target.write(chunk)
        try:
            table = read(path)
        except ImportFileError as refused:
            error = str(refused)
        else:
            preset = MappingPreset.objects.filter(municipality=municipality).first()
            suggested = values.suggest_mapping(table.columns)
            if preset:
                suggested.update({c: f for c, f in preset.mapping.items() if c in table.columns})
            request.session["import"] = {"path": str(path), "name": incoming.name, "municipality": municipality.pk,
                                         "mapping": suggested}
            return redirect("imports:mapping")
    batches = ImportBatch.objects.filter(municipality__in=municipalities).select_related("municipality")[:10]
    return render(request, "imports/upload.html", {"municipalities": municipalities, "error": error,
                                                   "batches": batches}, status=400 if error else 200)


@login_required
def mapping(request):
    state, municipality, table = _pending(request)
    if state is None:
        return redirect("imports:upload")
    if request.method == "POST":
        chosen = {column: request.POST.get(f"map-{index}", "") for index, column in enumerate(table.columns)}
        state["mapping"] = {column: field for column, field in chosen.items() if field}
        request.session["import"] = state
        return redirect("imports:preview")
    columns = [(index, column, state["mapping"].get(column, ""), [row.get(column, "") for row in table.rows[:3]])
               for index, column in enumerate(table.columns)]
    return render(request, "imports/mapping.html", {"columns": columns, "fields": FIELD_LABELS, "state": state,
                                                    "municipality": municipality, "rows": len(table.rows)})


@login_required
def preview(request):
    state, municipality, table = _pending(request)
    if state is None:
        return redirect("imports:upload")
    result = engine.analyse(table, municipality, state["mapping"])
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="importfehler.csv"'
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["Zeile", "Spalte", "Fehler"])
        writer.writerows(sorted(result.errors, key=lambda e: (e[0], e[1])))
        return response
    if request.method == "POST" and not result.errors:
        batch = engine.commit(result, request.user, municipality, state["name"])
        MappingPreset.objects.update_or_create(municipality=municipality, defaults={"mapping": state["mapping"]})
        del request.session["import"]
        messages.success(request, f"Importiert: {batch.created} neu, {batch.changed} geändert, "
                                  f"{batch.unchanged} unverändert.")
        return redirect("imports:upload")
    return render(request, "imports/preview.html", {"result": result, "state": state, "municipality": municipality,
                                                    "errors": result.error_lines()[:500]},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def undo(request, municipality_id):
    municipality = get_object_or_404(_municipalities(request.user), pk=municipality_id)
    try:
        batch = engine.undo_last(request.user, municipality)
        messages.success(request, f"Import „{batch.file_name}“ zurückgenommen.")
    except engine.UndoRefused as refused:
        messages.error(request, str(refused))
    return redirect("imports:upload")
