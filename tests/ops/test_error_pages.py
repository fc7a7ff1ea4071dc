"""An address that doesn't exist gets the register's own page in the reader's language, not Django's English
stub; nothing of the request or the server shows."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_a_german_page_with_a_way_back(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Seite nicht gefunden" in page and 'href="/"' in page
    assert "Traceback" not in page and "gibt-es-nicht" not in page


def test_in_english_too(client):
    page = client.get("/gibt-es-nicht/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page not found" in page and "Seite nicht gefunden" not in page
