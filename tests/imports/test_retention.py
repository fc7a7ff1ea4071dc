"""What an import keeps, and for how long: uploads hold owners' data, batch records make undo possible."""

import datetime
import os
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from registry.imports import engine
from registry.imports.models import ImportBatch, ImportChange
from registry.places.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploads(settings, tmp_path):
    settings.IMPORT_UPLOADS = tmp_path / "uploads"
    settings.IMPORT_UPLOADS.mkdir()
    return settings.IMPORT_UPLOADS


@pytest.fixture
def erfurt():
    return Municipality.objects.get(ags="16051000")


def upload_folder(uploads, name, days_old):
    folder = uploads / name
    folder.mkdir()
    (folder / "erhebung.csv").write_text("Straße;Eigentümer\nAnger;Max Muster\n", encoding="utf-8")
    old = (timezone.now() - datetime.timedelta(days=days_old)).timestamp()
    os.utime(folder, (old, old))
    return folder


def test_files_of_imports_never_carried_out_are_deleted_after_a_week(uploads, erfurt):
    stale, fresh, abandoned = (upload_folder(uploads, n, d) for n, d in (("a", 10), ("b", 10), ("c", 10)))
    recent = upload_folder(uploads, "d", 1)
    waiting = ImportBatch.objects.create(municipality=erfurt, file_name="a.csv", state="checked",
                                         path=str(stale / "erhebung.csv"))
    ImportBatch.objects.filter(pk=waiting.pk).update(touched_at=timezone.now() - datetime.timedelta(days=10))
    ImportBatch.objects.create(municipality=erfurt, file_name="b.csv", state="checked",
                               path=str(fresh / "erhebung.csv"))
    call_command("prune_imports", verbosity=0)
    assert not stale.exists() and not abandoned.exists()  # abandoned: uploaded, mapping never confirmed
    assert fresh.exists() and recent.exists()  # still needed / too young
    waiting.refresh_from_db()
    assert waiting.state == "failed" and waiting.path == "" and "nicht importiert" in waiting.errors[0][2]


def test_a_refused_file_kept_for_another_mapping_is_deleted_after_a_week(uploads, erfurt):
    old, recent = upload_folder(uploads, "alt", 8), upload_folder(uploads, "neu", 1)
    errors = [[2, "Fläche", "„ca. 80“ ist keine Zahl."]]
    week_old = ImportBatch.objects.create(municipality=erfurt, file_name="a.csv", state="refused", errors=errors,
                                          path=str(old / "erhebung.csv"))
    ImportBatch.objects.filter(pk=week_old.pk).update(touched_at=timezone.now() - datetime.timedelta(days=8))
    ImportBatch.objects.create(municipality=erfurt, file_name="b.csv", state="refused", errors=errors,
                               path=str(recent / "erhebung.csv"))
    call_command("prune_imports", verbosity=0)
    week_old.refresh_from_db()
    assert not old.exists() and recent.exists()
    assert week_old.state == "refused" and week_old.path == "" and week_old.errors == errors  # the list stays


def test_after_ninety_days_a_batch_is_archived_and_cannot_be_undone(erfurt, users):
    batch = ImportBatch.objects.create(municipality=erfurt, file_name="alt.csv", created_by=users["stadt-erfurt"],
                                       state="done", created=1, created_unit_ids=[1],
                                       owner_changes={"before": {"1": {"phone": "0361 1"}}},
                                       finished_at=timezone.now() - datetime.timedelta(days=91))
    call_command("prune_imports", verbosity=0)
    batch.refresh_from_db()
    assert batch.state == "archived" and batch.created == 1
    assert batch.owner_changes == {} and batch.created_unit_ids == []
    with pytest.raises(engine.UndoRefused, match="keinen Import"):
        engine.undo_last(users["stadt-erfurt"], erfurt)


def test_a_refused_upload_is_not_kept(client, users, uploads, erfurt):
    client.force_login(users["stadt-erfurt"])
    response = client.post("/import/", {"municipality": erfurt.pk,
                                        "file": SimpleUploadedFile("kopf.csv", b"Strasse;Eigentuemer\n")})
    assert response.status_code == 400 and "keine Datenzeilen" in response.content.decode()
    assert not any(uploads.iterdir())


def test_the_error_list_defuses_formulas_from_the_file(client, users, erfurt):
    client.force_login(users["stadt-erfurt"])
    batch = ImportBatch.objects.create(municipality=erfurt, file_name="x.csv", state="refused",
                                       errors=[[2, "=HYPERLINK(\"http://evil\")", "„-5“ ist negativ."]])
    text = client.get(f"/import/{batch.pk}/fehler.csv").content.decode("utf-8-sig")
    assert "2;\"'=HYPERLINK" in text and ";„-5“" in text


def test_a_job_whose_worker_died_is_given_up_after_hours_but_a_live_one_is_not(uploads, erfurt):
    dead, alive = upload_folder(uploads, "tot", 1), upload_folder(uploads, "lebt", 1)
    hours_ago = timezone.now() - datetime.timedelta(hours=7)
    stuck = ImportBatch.objects.create(municipality=erfurt, file_name="a.csv", state="importing",
                                       path=str(dead / "erhebung.csv"), touched_at=hours_ago)
    running = ImportBatch.objects.create(municipality=erfurt, file_name="b.csv", state="importing",
                                         path=str(alive / "erhebung.csv"), created_at=hours_ago)
    call_command("prune_imports", verbosity=0)
    stuck.refresh_from_db()
    running.refresh_from_db()
    assert stuck.state == "failed" and not dead.exists() and "nicht beendet" in stuck.errors[0][2]
    assert running.state == "importing" and alive.exists()  # uploaded long ago, but its job reports progress


def test_housekeeping_keeps_pruning_where_no_cron_runs(uploads):
    """`prune_imports --every HOURS`, as setup.sh run and docker compose start it, prunes round after round."""
    db = settings.DATABASES["default"]
    url = f"postgres://{quote(db['USER'])}:{quote(db['PASSWORD'])}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    def removed(folder):
        deadline = time.monotonic() + 30
        while folder.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        return not folder.exists()

    first = upload_folder(uploads, "erste", 8)
    housekeeping = subprocess.Popen([sys.executable, "manage.py", "prune_imports", "--every", "0.0003"],
                                    cwd=settings.BASE_DIR, stdout=subprocess.DEVNULL,
                                    env={**os.environ, "DATABASE_URL": url, "IMPORT_UPLOADS": str(uploads)})
    try:
        assert removed(first)
        assert removed(upload_folder(uploads, "zweite", 8))  # left after the first round, gone in a later one
        assert housekeeping.poll() is None
    finally:
        housekeeping.terminate()
        housekeeping.wait(timeout=10)


def test_an_owner_an_import_replaced_is_forgotten_once_the_import_can_no_longer_be_undone(tmp_path, erfurt):
    from registry.owners.models import Owner
    from registry.units.models import Unit

    from .conftest import GOOD, run, survey

    def sold(number, buyer, name):
        line = f"Domplatz;{number};120,5;80;leer;01.03.2024;Einzelhandel;{buyer};;642200;5649400"
        run(survey(tmp_path, [line], name))

    run(survey(tmp_path, [GOOD[0], GOOD[0].replace("Domplatz;99", "Domplatz;98").replace("Max Muster", "Karl Kauz")]))
    seller = Unit.objects.get(street="Domplatz", house_number="99").owner
    consented = Unit.objects.get(street="Domplatz", house_number="98").owner
    Owner.objects.filter(pk=consented.pk).update(consent="refused", consent_date="2026-02-01")
    sold(99, "Erika Beispiel", "verkauf.csv")
    sold(98, "Erika Beispiel", "verkauf2.csv")
    sales = ImportBatch.objects.filter(file_name__startswith="verkauf")
    # what the import changed, kept for the batch page; names the owners
    assert set(ImportChange.objects.filter(batch__in=sales, field="owner_name").values_list("old", "new")) == {
        ("Max Muster", "Erika Beispiel"), ("Karl Kauz", "Erika Beispiel")}
    sales.update(finished_at=timezone.now() - datetime.timedelta(91))
    call_command("prune_imports", verbosity=0)
    assert not ImportChange.objects.filter(batch__in=sales).exists()  # archived: its diff goes too
    assert not Owner.objects.filter(pk=seller.pk).exists()  # owns nothing, no consent, no account: gone
    assert Owner.objects.filter(pk=consented.pk).exists()  # their answer on consent is a record to keep
    # and gone from the history too (issue 19): the deletion is the housekeeping's, the name no longer there
    from registry.owners.models import OwnerEvent

    assert not OwnerEvent.objects.filter(name="Max Muster").exists()
    deleted = OwnerEvent.objects.select_related("pgh_context").get(pgh_obj=seller.pk, pgh_label="delete")
    assert deleted.pgh_context.metadata == {"channel": "housekeeping"}


def test_a_replaced_owner_stays_while_an_import_that_links_them_can_be_undone(tmp_path, erfurt, users):
    from registry.owners.models import Owner
    from registry.units.models import Unit

    from .conftest import GOOD, run, survey

    run(survey(tmp_path, [GOOD[0]]))
    first = Unit.objects.get(street="Domplatz", house_number="99").owner
    run(survey(tmp_path, [GOOD[0].replace("Max Muster", "Erika Beispiel")], "verkauf.csv"))
    second = Unit.objects.get(street="Domplatz", house_number="99").owner
    run(survey(tmp_path, [GOOD[0].replace("Max Muster", "Paul Kaufmann")], "weiterverkauf.csv"))
    ImportBatch.objects.exclude(file_name="weiterverkauf.csv").update(
        finished_at=timezone.now() - datetime.timedelta(91))
    call_command("prune_imports", verbosity=0)
    assert not Owner.objects.filter(pk=first.pk).exists()
    assert Owner.objects.filter(pk=second.pk).exists()  # the last import's undo brings Erika Beispiel back
    engine.undo_last(users["stadt-erfurt"], erfurt)
    assert Unit.objects.get(street="Domplatz", house_number="99").owner == second


def test_an_owner_an_import_did_not_replace_is_kept_after_it_is_archived(tmp_path, erfurt):
    from registry.owners.models import Owner
    from registry.units.models import Unit

    from .conftest import GOOD, run, survey

    run(survey(tmp_path, [GOOD[0]]))
    unit = Unit.objects.get(street="Domplatz", house_number="99")
    owner = unit.owner
    run(survey(tmp_path, [GOOD[0].replace("120,5", "130")], "flaeche.csv"))  # the area changes, the owner stays
    Unit.objects.filter(pk=unit.pk).update(owner=Owner.objects.create(name="Neue Eigentümerin"))  # by hand
    ImportBatch.objects.update(finished_at=timezone.now() - datetime.timedelta(91))
    call_command("prune_imports", verbosity=0)
    assert Owner.objects.filter(pk=owner.pk).exists()  # not the import's doing: the city manager decides
