import base64

import pytest
from django.core.signals import request_started


@pytest.fixture
def basic(users):
    """HTTP Basic headers for a demo user with a fresh API token as the password (test client only)."""
    from registry.accounts.tokens import create_token

    def headers(username):
        token = create_token(users[username], "test")
        value = base64.b64encode(f"{username}:{token}".encode()).decode()
        return {"HTTP_AUTHORIZATION": f"Basic {value}"}
    return headers


@pytest.fixture
def server_log():
    """The query strings the (live) server received while the test ran: evidence of what clients pushed down."""
    seen = []

    def record(sender, environ=None, **kwargs):
        if environ is not None:
            seen.append((environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")))

    request_started.connect(record, weak=False)
    yield seen
    request_started.disconnect(record)


@pytest.fixture
def committed_token(committed, users):
    """A token the live server thread can see (committed), removed afterwards."""
    from registry.accounts.tokens import PREFIX, _digest

    token = PREFIX + "ogc-test-token-" + "x" * 20
    committed("INSERT INTO accounts_apitoken (user_id, name, prefix, digest, created_at) "
              "VALUES (%s, 'GDAL', %s, %s, now())", [users["analyst"].pk, token[:10], _digest(token)])
    yield token
    committed("DELETE FROM accounts_apitoken WHERE digest = %s", [_digest(token)])


@pytest.fixture
def committed_token_for(committed, users):
    """Committed tokens for any demo user (the live server sees them), removed afterwards."""
    from registry.accounts.tokens import PREFIX, _digest

    made = []

    def make(username):
        token = f"{PREFIX}ogc-test-{username}-" + "y" * 20
        committed("INSERT INTO accounts_apitoken (user_id, name, prefix, digest, created_at) "
                  "VALUES (%s, 'GDAL', %s, %s, now())", [users[username].pk, token[:10], _digest(token)])
        made.append(token)
        return token
    yield make
    for token in made:
        committed("DELETE FROM accounts_apitoken WHERE digest = %s", [_digest(token)])
