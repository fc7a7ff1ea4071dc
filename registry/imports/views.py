"""Web import for city managers: upload → column mapping → dry run (a background job) → import (another) → undo."""

import csv
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from registry.accounts import access
from registry.formats import spreadsheet_text
from registry.places.models import Municipality

from . import engine, jobs, values
from .models import ImportBatch, MappingPreset
from .readers import ImportFileError, check_size, read

SAMPLE_ROWS = 3
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


def _batch(request, pk):
    return get_object_or_404(ImportBatch.objects.select_related("municipality"), pk=pk,
                             municipality__in=_municipalities(request.user))


@login_required
def upload(request):
    municipalities = _municipalities(request.user)
    if not municipalities:
        raise PermissionDenied("Importieren dürfen Citymanager für ihre Gemeinden.")
    error = None
    if request.method == "POST" and request.FILES.get("file"):
        municipality = get_object_or_404(municipalities, pk=request.POST.get("municipality"))
        incoming = request.FILES["file"]
        folder = Path(settings.IMPORT_UPLOADS) / uuid.uuid4().hex
        path = folder / Path(incoming.name).name
        try:
            check_size(incoming.size)
            folder.mkdir(parents=True)
            with open(path, "wb") as target:
                for chunk in incoming.chunks():
                    target.write(chunk)
            table = read(path)
        except ImportFileError as refused:
            error = str(refused)
            shutil.rmtree(folder, ignore_errors=True)  # holds owners' data: not kept for a refused file
        else:
            preset = municipality.mapping_presets.first()  # the latest confirmed one
            suggested = values.suggest_mapping(table.columns, preset.mapping if preset else {})
            request.session["import"] = {"path": str(path), "name": incoming.name, "municipality": municipality.pk,
                                         "mapping": suggested, "preset": preset.name if preset else "Standard"}
            return redirect("imports:mapping")
    batches = ImportBatch.objects.filter(municipality__in=municipalities).select_related(
        "municipality", "created_by")[:10]
    undoable = {batch.pk for batch in (
        ImportBatch.objects.filter(municipality=m, created_by=request.user, state=ImportBatch.State.DONE,
                                   undone_at__isnull=True).order_by("-finished_at").first()
        for m in {b.municipality for b in batches}) if batch}  # what "undo the last import" would take back
    return render(request, "imports/upload.html", {"municipalities": municipalities, "error": error,
                                                   "batches": batches, "undoable": undoable,
                                                   "max_mb": settings.IMPORT_MAX_MB},
                  status=400 if error else 200)


@login_required
def mapping(request):
    state = request.session.get("import")
    if not state:
        return redirect("imports:upload")
    municipality = get_object_or_404(_municipalities(request.user), pk=state["municipality"])
    if not Path(state["path"]).exists():  # pruned after days without a confirmed mapping
        del request.session["import"]
        messages.error(request, "Die hochgeladene Datei ist nicht mehr vorhanden; bitte erneut hochladen.")
        return redirect("imports:upload")
    table = read(state["path"])
    if request.method == "POST":
        chosen = {column: request.POST.get(f"map-{index}", "") for index, column in enumerate(table.columns)}
        chosen = {column: field for column, field in chosen.items() if field in FIELD_LABELS and field}
        name = request.POST.get("preset", "").strip()[:80] or "Standard"
        # ignored columns are kept as "" so the next suggestion does not map them again
        every = {column: field if field in FIELD_LABELS else "" for column, field in (
            (column, request.POST.get(f"map-{index}", "")) for index, column in enumerate(table.columns))}
        MappingPreset.objects.update_or_create(municipality=municipality, name=name, defaults={"mapping": every})
        request.session.pop("import", None)
        if "batch" in state:  # a file already checked, checked again with this mapping
            batch = _batch(request, state["batch"])
            if not jobs.start(batch, ImportBatch.State.CHECKING, request.user, mapping=chosen):
                messages.error(request, "Dieser Import läuft schon oder ist fertig.")
            return redirect("imports:batch", batch.pk)
        try:
            with transaction.atomic():
                batch = ImportBatch.objects.create(municipality=municipality, file_name=state["name"],
                                                   created_by=request.user, path=state["path"], mapping=chosen)
                jobs.start(batch, ImportBatch.State.CHECKING, request.user)
        except IntegrityError:  # the same upload confirmed twice (double click, two tabs)
            batch = ImportBatch.objects.get(path=state["path"])
        return redirect("imports:batch", batch.pk)
    samples = table.sample(SAMPLE_ROWS)
    columns = [(index, column, state["mapping"].get(column, ""), [row.get(column, "") for row in samples])
               for index, column in enumerate(table.columns)]
    return render(request, "imports/mapping.html", {"columns": columns, "fields": FIELD_LABELS, "state": state,
                                                    "municipality": municipality})


@login_required
def batch(request, pk):
    batch = _batch(request, pk)
    errors = [f"Zeile {row}, Spalte {column}: {message}" for row, column, message in batch.errors[:500]]
    return render(request, "imports/batch.html", {"batch": batch, "errors": errors})


@login_required
def remap(request, pk):
    """Back to the mapping with the file of a checked or refused batch: a wrongly mapped column needs
    no new upload."""
    batch = _batch(request, pk)
    access.require_edit(request.user, batch.municipality_id)
    can_check = ImportBatch.objects.filter(jobs.STARTS_FROM[ImportBatch.State.CHECKING], pk=batch.pk).exists()
    if not can_check or not Path(batch.path).is_file():
        messages.error(request, "Die Zuordnung dieses Imports lässt sich nicht mehr ändern (läuft gerade, ist "
                                "fertig oder die Datei wurde gelöscht).")
        return redirect("imports:batch", batch.pk)
    preset = batch.municipality.mapping_presets.first()
    request.session["import"] = {"path": batch.path, "name": batch.file_name, "municipality": batch.municipality_id,
                                 "mapping": batch.mapping, "preset": preset.name if preset else "Standard",
                                 "batch": batch.pk}
    return redirect("imports:mapping")


@login_required
@require_POST
def discard(request, pk):
    """Delete the file of a refused import now rather than after a week: it holds owners' data."""
    batch = _batch(request, pk)
    if ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.REFUSED).exclude(path="").update(path=""):
        jobs.forget_file(batch)
        messages.success(request, "Die Datei wurde gelöscht.")
    return redirect("imports:upload")


@login_required
def status(request, pk):
    batch = _batch(request, pk)
    return JsonResponse({"state": batch.state, "label": batch.get_state_display(), "rows_done": batch.rows_done,
                         "rows_total": batch.rows_total, "percent": batch.percent})


@login_required
@require_POST
def commit(request, pk):
    batch = _batch(request, pk)
    if batch.state != ImportBatch.State.CHECKED:
        messages.error(request, "Nur eine fehlerfrei geprüfte Datei kann importiert werden.")
        return redirect("imports:batch", batch.pk)
    access.require_edit(request.user, batch.municipality_id)
    if not jobs.start(batch, ImportBatch.State.IMPORTING, request.user):
        messages.error(request, "Dieser Import läuft schon oder ist fertig.")
    return redirect("imports:batch", batch.pk)


@login_required
def error_list(request, pk):
    batch = _batch(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="importfehler.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(["Zeile", "Spalte", "Fehler"])
    # column names come from the uploaded file
    writer.writerows([row, spreadsheet_text(column), spreadsheet_text(message)]
                     for row, column, message in batch.errors)
    return response


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
