"""A token's "zuletzt benutzt" is kept to the minute: a QGIS session's many API reads are not many writes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.accounts.models import ApiToken
from registry.accounts.tokens import create_token

pytestmark = pytest.mark.django_db


def token_writes(queries):
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "accounts_apitoken" in q["sql"]]


def test_last_used_is_written_at_most_once_a_minute(client, users):
    token = create_token(users["analyst"], "QGIS")
    headers = {"Authorization": f"Bearer {token}"}
    record = ApiToken.objects.get(user=users["analyst"], name="QGIS")
    assert record.last_used_at is None

    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/units.geojson?centre=jena-innenstadt", headers=headers).status_code == 200
    record.refresh_from_db()
    used = record.last_used_at
    assert used is not None and len(token_writes(first.captured_queries)) == 1

    with CaptureQueriesContext(connection) as again:
        for _ in range(3):
            assert client.get("/ogc/collections/units/items?limit=1", headers=headers).status_code == 200
    assert token_writes(again.captured_queries) == []
    record.refresh_from_db()
    assert record.last_used_at == used

    ApiToken.objects.filter(pk=record.pk).update(last_used_at=used - datetime.timedelta(seconds=61))
    with CaptureQueriesContext(connection) as later:
        client.get("/ogc/collections/units/items?limit=1", headers=headers)
    record.refresh_from_db()
    assert len(token_writes(later.captured_queries)) == 1 and record.last_used_at > used
