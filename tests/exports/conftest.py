import csv
import io
import json

import pytest

from registry.accounts.tokens import create_token


@pytest.fixture
def token_for(users):
    return lambda username: create_token(users[username], "Test")


def read(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def geojson(client):
    def fetch(query="", **headers):
        response = client.get(f"/api/units.geojson{query}", headers=headers)
        assert response.status_code == 200, read(response)
        return json.loads(read(response))
    return fetch


@pytest.fixture
def csv_rows(client):
    def fetch(query="", **headers):
        response = client.get(f"/api/units.csv{query}", headers=headers)
        assert response.status_code == 200, read(response)
        text = read(response).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text), delimiter=";"))
    return fetch
