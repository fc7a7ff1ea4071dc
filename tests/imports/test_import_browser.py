"""A city manager moves a survey in through the browser: a file whose headers are all known skips the
mapping step, the background job checks it with visible progress, errors are shown by row; the fixed file
has a column nobody knows, which must be ignored on purpose; the import names what it will do and waits for
a confirmation before the real worker (manage.py db_worker) imports it."""

import pytest

from registry.units.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

CSV = ("Straße;Hausnr.;Nutzfläche;Status;Rechtswert;Hochwert\n"
       "Browsergasse;1;{area};leer;642200;5649400\n"
       "Browsergasse;2;70;genutzt;642210;5649410\n")


@pytest.fixture
def cleanup(committed):
    yield
    committed("""WITH gone AS (DELETE FROM units_occupancy o USING units_unit u
                  WHERE o.unit_id = u.id AND u.street = 'Browsergasse' RETURNING o.unit_id)
                 DELETE FROM units_unit WHERE id IN (SELECT unit_id FROM gone)""")
    # the diff lists the new units: its rows go first
    committed("DELETE FROM imports_importchange WHERE batch_id IN (SELECT id FROM imports_importbatch "
              "WHERE file_name LIKE 'erhebung%%')")
    committed("DELETE FROM imports_importbatch WHERE file_name LIKE 'erhebung%%'")
    committed("DELETE FROM django_tasks_database_dbtaskresult")
    committed("DELETE FROM imports_mappingpreset")


def test_upload_mapping_preview_with_errors_fix_commit(page, app_url, db_worker, log_in, cleanup, tmp_path,
                                                       screenshot):
    bad, good = tmp_path / "erhebung.csv", tmp_path / "erhebung-korrigiert.csv"
    bad.write_bytes(CSV.format(area="ca. 80").encode("cp1252"))
    good.write_bytes(CSV.format(area="80,5").encode("cp1252"))
    log_in("stadt-erfurt")
    page.goto(f"{app_url}/import/")
    page.set_input_files("#upload-form input[type=file]", str(bad))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#import-errors")  # every header known for certain: no mapping step
    assert "Zeile 2, Spalte Nutzfläche: „ca. 80“ ist keine Zahl." in page.inner_text("#import-errors")
    screenshot("import-fehler")
    assert not Unit.objects.filter(street="Browsergasse").exists()

    lines = CSV.format(area="80,5").splitlines()
    good.write_bytes("\n".join([lines[0] + ";Foto-Nr"] + [line + ";17" for line in lines[1:]]).encode("cp1252"))
    page.goto(f"{app_url}/import/")
    page.set_input_files("#upload-form input[type=file]", str(good))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#unmapped")
    assert "Foto-Nr" in page.inner_text("#unmapped")
    screenshot("import-nicht-zugeordnet")
    page.select_option("select[aria-label='Foto-Nr']", "-")  # ignored on purpose
    page.click("#mapping-form button[type=submit]")
    page.wait_for_selector("#commit")
    assert "2 neu" in page.inner_text("#counts")
    page.click("#commit")
    assert "2 neu, 0 geändert" in page.inner_text("#confirm-sentence")
    assert not Unit.objects.filter(street="Browsergasse").exists()
    page.click("#confirm")
    page.wait_for_selector("#import-done")
    assert Unit.objects.filter(street="Browsergasse").count() == 2


def test_import_list_fits_a_tablet_with_long_file_names(page, app_url, db_worker, log_in, cleanup, tmp_path,
                                                        screenshot):
    """Office file names have no break point („…_Erfurt_Innenstadt_2026.csv“): on a tablet (820 px) the list of
    recent imports once made the whole page scroll sideways, the undo button out of sight."""
    long_name = tmp_path / "erhebung_Leerstandserfassung_Erfurt_Innenstadt_2026_Stand_November.csv"
    long_name.write_bytes(CSV.format(area="ca. 80").encode("cp1252"))
    log_in("stadt-erfurt")
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{app_url}/import/")
    page.set_input_files("#upload-form input[type=file]", str(long_name))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#import-errors")
    page.goto(f"{app_url}/import/")
    assert "Leerstandserfassung" in page.inner_text("table.data")
    screenshot("import-liste-tablet")
    assert page.evaluate("document.documentElement.scrollWidth") <= 820  # no sideways scrolling of the page
    box = page.locator("table.data").bounding_box()
    assert box["x"] + box["width"] <= 820
