"""The dry run lists what a new unit will be, not just how many: its address and each value the file gives it
(status with the day it begins, Nutzfläche …) in the web's diff table, on the command line and in the diff CSV;
its owner only for those who may see owners."""

import csv
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.imports import diff
from registry.imports.models import ImportBatch
from registry.places.models import Municipality
from registry.units.models import Unit

from .test_diff_and_confirmation import command, first_import, second_survey, uploads  # noqa: F401 (fixtures)
from .test_survey_files import OFFICE_HEADER, write_csv

pytestmark = pytest.mark.django_db


def test_dry_run_prints_and_writes_the_new_unit(tmp_path, first_import):  # noqa: F811
    path, target = second_survey(tmp_path), tmp_path / "aenderungen.csv"
    output = command(str(path), "--dry-run", "--diff-csv", str(target))
    assert "1 neu, 1 geändert" in output and "1 mit neuem Status" in output  # the new unit's status is no change
    assert "Zeile 4 · neue Einheit · Neuer Weg 1:" in output, output
    assert "    Nutzfläche: – → 50 m²" in output and "    Status: – → leer ab 01.10.2026" in output, output
    assert not Unit.objects.filter(street="Neuer Weg").exists()
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert ["4", "neu", "Neuer Weg 1", "Nutzfläche", "–", "50 m²", ""] in rows
    assert ["4", "neu", "Neuer Weg 1", "Status", "–", "leer ab 01.10.2026", ""] in rows


def test_web_preview_lists_the_new_unit(tmp_path, client, users, first_import, work_off_queue):  # noqa: F811
    client.force_login(users["stadt-erfurt"])
    erfurt = Municipality.objects.get(ags="16051000")
    path = second_survey(tmp_path)
    batch_url = client.post("/import/", {"municipality": erfurt.pk,
                                         "file": SimpleUploadedFile(path.name, path.read_bytes())}).url
    work_off_queue()
    page = client.get(batch_url + "?art=neu").content.decode()
    assert "1 mit neuem Status" in page
    rows = re.findall(r'<tr data-field="(\w+)" class="new-unit"><td>4</td><td>Neuer Weg 1 <small>\(neue Einheit\)'
                      r'</small></td><td>([^<]+)</td><td class="num"></td><td>–</td><td>([^<]+)</td>', page)
    assert ("floor_area", "Nutzfläche", "50 m²") in rows and ("status", "Status", "leer ab 01.10.2026") in rows, page
    assert "Erhebungsgasse" not in page.split('id="diff-table"')[1]  # only new units with ?art=neu
    found = client.get(batch_url + "?q=Neuer+Weg").content.decode()
    assert "Neuer Weg 1" in found and "Erhebungsgasse 99" not in found.split('id="diff-table"')[1]
    changed = client.get(batch_url + "?art=geaendert").content.decode()
    assert "Neuer Weg" not in changed.split('id="diff-table"')[1]


def test_a_file_of_only_new_units_shows_them(tmp_path, client, users, work_off_queue):
    client.force_login(users["stadt-erfurt"])
    erfurt = Municipality.objects.get(ags="16051000")
    new = ["Anger", "7", "80,5", "", "", "Einzelhandel", "genutzt", "", "Erika Neu", "", "", "", "", "", "642500",
           "5649300"]
    path = write_csv(tmp_path / "neu.csv", OFFICE_HEADER, [new])
    batch_url = client.post("/import/", {"municipality": erfurt.pk,
                                         "file": SimpleUploadedFile(path.name, path.read_bytes())}).url
    work_off_queue()
    assert ImportBatch.objects.get(file_name="neu.csv").state == "checked"
    page = client.get(batch_url).content.decode()
    assert 'id="diff-table"' in page and "Anger 7" in page and "80,5 m²" in page and "Einzelhandel" in page
    assert "Erika Neu" in page  # the town's own staff may see owners


def test_a_new_units_owner_is_hidden_from_those_not_allowed():
    hidden = diff.describe(4, None, "Anger 7", "owner_name", None, "Erika Neu", None, None, None, False)
    shown = diff.describe(4, None, "Anger 7", "owner_name", None, "Erika Neu", None, None, None, True)
    assert "Erika" not in str(hidden) and hidden["new"] == diff.HIDDEN_NEW and hidden["new_unit"]
    assert shown["new"] == "Erika Neu"
