"""German first, English complete: every UI string has its English translation."""

import re
from pathlib import Path

from django.test import Client

PO = Path(__file__).resolve().parents[2] / "registry" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_none_is_fuzzy():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""\n?$', e, re.M) and "msgid_plural" not in e
                    and not re.search(r'^msgstr ""\n"', e, re.M)]
    assert untranslated == []


def test_pages_switch_language_with_the_browser(db):
    german = Client(HTTP_ACCEPT_LANGUAGE="de").get("/statistik/").content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/statistik/").content.decode()
    assert "Leerstand in Thüringer Innenstädten" in german and "Methodik" in german
    assert "Vacancy in Thuringian town centres" in english and "Method" in english
