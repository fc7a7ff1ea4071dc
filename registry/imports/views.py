"""Web import for city managers: upload → column mapping → dry run (a background job) → import (another) → undo."""

import csv
import os
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.accounts import access
from registry.formats import spreadsheet_text
from registry.places.models import Municipality

from . import diff, engine, jobs, template, values
from .models import ImportBatch, MappingPreset
from .readers import ImportFileError, check_size, read

SAMPLE_ROWS = 3
IGNORE = "-"  # the mapping form's value for a column left out on purpose


def _municipalities(user):
    ids = access.editable_municipality_ids(user)
    if ids is None:  # an admin imports for any municipality; offered are those with a town centre
        return Municipality.objects.filter(centres__isnull=False).distinct().order_by("name")
    return Municipality.objects.filter(pk__in=ids).order_by("name")


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
            folder.mkdir(parents=True, mode=0o700)  # owners' data: readable by the app's user only
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as target:
                for chunk in incoming.chunks():
                    target.write(chunk)
            table = read(path)
        except ImportFileError as refused:
            error = str(refused)
            shutil.rmtree(folder, ignore_errors=True)  # holds owners' data: not kept for a refused file
        else:
            preset = municipality.mapping_presets.first()  # the latest confirmed one
            suggested = values.suggest_mapping(table.columns, preset.mapping if preset else {})
            if not any(suggested.values()):
                error = engine.no_headers_message(table.columns)
                shutil.rmtree(folder, ignore_errors=True)
            elif not values.unmapped(table.columns, suggested) and _certain(table.columns,
                                                                            preset.mapping if preset else {}):
                # every column known for certain (the template, a town's usual file): no mapping step
                return _start_check(request, municipality, str(path), incoming.name, suggested)
            else:
                request.session["import"] = {"path": str(path), "name": incoming.name,
                                             "municipality": municipality.pk, "mapping": suggested,
                                             "preset": preset.name if preset else "Standard"}
                return redirect("imports:mapping")
    batches = ImportBatch.objects.filter(municipality__in=municipalities).select_related(
        "municipality", "created_by")[:10]
    undoable = {batch.pk for batch in (
        ImportBatch.objects.filter(municipality=m, created_by=request.user, state=ImportBatch.State.DONE,
                                   undone_at__isnull=True).order_by("-finished_at").first()
        for m in {b.municipality for b in batches}) if batch}  # what "undo the last import" would take back
    return render(request, "imports/upload.html", {"municipalities": municipalities, "error": error,
                                                   "batches": batches, "undoable": undoable,
                                                   "max_mb": settings.IMPORT_MAX_MB,
                                                   "template_url": engine.TEMPLATE_URL},
                  status=400 if error else 200)


def _certain(columns, preset):
    """True when the town's preset or the rules recognised every column; a fuzzy guess is shown first."""
    return all(column in preset or column in values.REGISTER_OUTPUTS or values.recognise_header(column).score == 100
               for column in columns)


def _start_check(request, municipality, path, name, mapping):
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(municipality=municipality, file_name=name, created_by=request.user,
                                               path=path, mapping=mapping)
            jobs.start(batch, ImportBatch.State.CHECKING, request.user)
    except IntegrityError:  # the same upload confirmed twice (double click, two tabs)
        batch = ImportBatch.objects.get(path=path)
    return redirect("imports:batch", batch.pk)


@login_required
def mapping(request):
    state = request.session.get("import")
    if not state:
        return redirect("imports:upload")
    municipality = get_object_or_404(_municipalities(request.user), pk=state["municipality"])
    if not Path(state["path"]).exists():  # pruned after days without a confirmed mapping
        del request.session["import"]
        messages.error(request, _("Die hochgeladene Datei ist nicht mehr vorhanden; bitte erneut hochladen."))
        return redirect("imports:upload")
    table = read(state["path"])
    missing = []
    if request.method == "POST":
        # "" = not chosen yet (refused), IGNORE = left out on purpose (recorded in the preset as "")
        posted = {column: request.POST.get(f"map-{index}", "") for index, column in enumerate(table.columns)}
        missing = [column for column, field in posted.items() if field not in values.FIELDS and field != IGNORE]
        if not missing:
            chosen = {column: "" if field == IGNORE else field for column, field in posted.items()}
            name = request.POST.get("preset", "").strip()[:80] or "Standard"
            # ignored columns are kept as "" so the next suggestion does not map them again
            MappingPreset.objects.update_or_create(municipality=municipality, name=name, defaults={"mapping": chosen})
            request.session.pop("import", None)
            if "batch" in state:  # a file already checked, checked again with this mapping
                batch = _batch(request, state["batch"])
                if not jobs.start(batch, ImportBatch.State.CHECKING, request.user, mapping=chosen):
                    messages.error(request, _("Dieser Import läuft schon oder ist fertig."))
                return redirect("imports:batch", batch.pk)
            return _start_check(request, municipality, state["path"], state["name"], chosen)
        state = {**state, "mapping": {column: "" if field == IGNORE else field for column, field in posted.items()
                                      if field in values.FIELDS or field == IGNORE}}
    samples = table.sample(SAMPLE_ROWS)
    columns = []
    for index, column in enumerate(table.columns):
        chosen = state["mapping"].get(column)
        guess = values.recognise_header(column)  # what the header itself says, with its score
        columns.append({
            "index": index, "name": column, "samples": [row.get(column, "") for row in samples],
            "chosen": IGNORE if chosen == "" else (chosen or ""), "unmapped": chosen is None,
            "suggestion": _(values.LABELS[guess.field]) if guess.field in values.LABELS else "", "score": guess.score if guess.field else None,
            "problem": values.expected_unit_problem(column, chosen) if chosen else "",
        })
    unmapped = [c for c in columns if c["unmapped"]]
    return render(request, "imports/mapping.html", {
        "columns": columns, "fields": {key: _(name) for key, name in values.LABELS.items()}, "ignore": IGNORE, "state": state, "municipality": municipality,
        "unmapped": unmapped, "refused": missing, "template_url": engine.TEMPLATE_URL},
        status=400 if missing else 200)


DIFF_SORTS = {"zeile": ("n", "field"), "adresse": ("address", "unit__street", "unit__house_number", "n"),
              "feld": ("field", "n"), "abstand": ("metres", "n")}
DIFF_PAGE = 50
DIFF_KINDS = ("neu", "geaendert")


@login_required
def batch(request, pk):
    batch = _batch(request, pk)
    errors = [f"Zeile {row}, Spalte {column}: {message}" for row, column, message in batch.errors[:500]]
    context = {"batch": batch, "errors": errors}
    if batch.state in (ImportBatch.State.CHECKED, ImportBatch.State.DONE):
        context["sentence"] = batch.sentence()
        if batch.changed or batch.created:
            context.update(_diff(request, batch))
    return render(request, "imports/batch.html", context)


def _diff(request, batch):
    """The batch's diff, changed and new units, sorted (?sort=feld, -abstand …), filtered (?feld=status,
    ?q=Anger, ?art=neu|geaendert) and paginated."""
    changes = batch.diff.select_related("unit")
    field = request.GET.get("feld", "")
    if field:
        changes = changes.filter(field=field)
    kind = request.GET.get("art", "")
    if kind in DIFF_KINDS:
        # a new unit's lines have no unit and no old value (staging._new_units)
        new = Q(unit__isnull=True, old__isnull=True)
        changes = changes.filter(new if kind == "neu" else ~new)
    if query := request.GET.get("q", "").strip():
        new_id = Q(field="external_id", new=query, unit__isnull=True)
        changes = changes.filter(Q(unit__street__icontains=query) | Q(unit__external_id=query)
                                 | Q(address__icontains=query) | Q(n__in=batch.diff.filter(new_id).values("n")))
    sort = request.GET.get("sort", "zeile")
    order = DIFF_SORTS.get(sort.lstrip("-"), DIFF_SORTS["zeile"])
    changes = changes.order_by(*(f"-{key}" if sort.startswith("-") else key for key in order))
    page = Paginator(changes, DIFF_PAGE).get_page(request.GET.get("seite"))
    owners = access.can_see_private(request.user, batch.municipality_id)
    rows = [diff.describe(c.n, c.unit_id, c.address or (f"{c.unit.street} {c.unit.house_number}".strip()
                                                         if c.unit else "–"),
                          c.field, c.old, c.new, c.old_date, c.new_date, c.metres, owners) for c in page]
    present = batch.diff.values_list("field", flat=True).distinct().order_by("field")
    return {"diff_rows": rows, "diff_page": page, "diff_sort": sort, "diff_field": field, "diff_q": query,
            "diff_kind": kind if kind in DIFF_KINDS else "",
            "diff_kinds": [("neu", _("neue Einheiten")), ("geaendert", _("geänderte Einheiten"))],
            "diff_fields": [(f, diff.label(f)) for f in present],
            "diff_columns": [("zeile", _("Zeile")), ("adresse", _("Adresse")), ("feld", _("Feld")),
                             ("abstand", _("Abstand"))]}


@login_required
def remap(request, pk):
    """Back to the mapping with the file of a checked or refused batch: a wrongly mapped column needs
    no new upload."""
    batch = _batch(request, pk)
    access.require_edit(request.user, batch.municipality_id)
    can_check = ImportBatch.objects.filter(jobs.STARTS_FROM[ImportBatch.State.CHECKING], pk=batch.pk).exists()
    if not can_check or not Path(batch.path).is_file():
        messages.error(request, _("Die Zuordnung dieses Imports lässt sich nicht mehr ändern (läuft gerade, ist "
                                  "fertig oder die Datei wurde gelöscht)."))
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
        messages.success(request, _("Die Datei wurde gelöscht."))
    return redirect("imports:upload")


@login_required
def status(request, pk):
    batch = _batch(request, pk)
    return JsonResponse({"state": batch.state, "label": batch.get_state_display(), "rows_done": batch.rows_done,
                         "rows_total": batch.rows_total, "percent": batch.percent})


@login_required
@require_POST
def commit(request, pk):
    """First POST: the confirmation naming what will happen; the import starts only with `confirmed`."""
    batch = _batch(request, pk)
    if batch.state != ImportBatch.State.CHECKED:
        messages.error(request, _("Nur eine fehlerfrei geprüfte Datei kann importiert werden."))
        return redirect("imports:batch", batch.pk)
    access.require_edit(request.user, batch.municipality_id)
    if request.POST.get("confirmed") != "yes":
        return render(request, "imports/confirm.html", {
            "title": _("Import bestätigen"), "action": reverse("imports:commit", args=[batch.pk]),
            "back": reverse("imports:batch", args=[batch.pk]),
            "sentence": _("„%(file)s“ nach %(town)s importieren: %(sentence)s.") % {
                "file": batch.file_name, "town": batch.municipality.name, "sentence": batch.sentence()},
            "button": _("Ja, jetzt importieren")})
    if not jobs.start(batch, ImportBatch.State.IMPORTING, request.user):
        messages.error(request, _("Dieser Import läuft schon oder ist fertig."))
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
    """First POST: the confirmation naming what the undo will do; it runs only with `confirmed`."""
    municipality = get_object_or_404(_municipalities(request.user), pk=municipality_id)
    if request.POST.get("confirmed") != "yes":
        last = engine.last_undoable(request.user, municipality)
        if last is None:
            messages.error(request, _("Es gibt keinen Import, der rückgängig gemacht werden kann."))
            return redirect("imports:upload")
        return render(request, "imports/confirm.html", {
            "title": _("Import zurücknehmen"), "action": reverse("imports:undo", args=[municipality.pk]),
            "back": reverse("imports:upload"), "sentence": engine.undo_sentence(last) + ".",
            "button": _("Ja, zurücknehmen")})
    try:
        batch = engine.undo_last(request.user, municipality)
        messages.success(request, _("Import „%(file)s“ zurückgenommen.") % {"file": batch.file_name})
    except engine.UndoRefused as refused:
        messages.error(request, str(refused))
    return redirect("imports:upload")


def survey_template(request):
    """The survey template: a file filled from it imports without a mapping step. Public: it holds only
    headers and explanations, and survey staff without an account fill it in."""
    response = HttpResponse(template.workbook_bytes(), content_type=template.CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="vorlage.xlsx"'
    return response
