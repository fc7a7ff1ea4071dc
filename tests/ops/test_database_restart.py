"""A database restart under load: no request answers 500 (while the server is down: 503 with
Retry-After), every request after it succeeds, and no inquiry that was answered as received is lost.

The app runs under gunicorn (Dockerfile CMD, production settings) against a PostgreSQL cluster of
this test's own, which the test restarts twice: once with the workers idle on their persistent connections,
once while four clients keep reading and writing. 40–70 s, most of it copying the demo database over."""

import threading
import time

import psycopg
import pytest

from .production import Cluster, Server, copy_database, csrf_post, get, production_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db]  # django_db: the test database to copy must exist


@pytest.fixture
def cluster(tmp_path):
    cluster = Cluster(tmp_path)
    try:
        cluster.psql("postgres", "CREATE DATABASE leerstand")
        copy_database(cluster.url("leerstand"))
        yield cluster
    finally:
        cluster.stop()


def test_a_database_restart_costs_no_500_and_no_acknowledged_write(tmp_path, cluster, static_root):
    # behind "our" proxy each request claims its own client, so the inquiry limit does not interfere
    server = Server(production_env(tmp_path, cluster.url("leerstand"), static_root, TRUSTED_PROXY_COUNT="1"))
    with psycopg.connect(cluster.url("leerstand")) as conn:
        listing = conn.execute(
            "SELECT l.slug FROM listings_listing l JOIN units_unit u ON u.id = l.unit_id "
            "JOIN owners_owner o ON o.id = u.owner_id WHERE l.published AND o.consent = 'consented' LIMIT 1").fetchone()[0]
    answers = []  # (started, finished, kind, status, message)
    stop, running = threading.Event(), threading.Event()
    lock = threading.Lock()

    def client(number, kind):
        n = 0
        while not stop.is_set():
            running.wait()
            n += 1
            started = time.monotonic()
            message = f"Lasttest {number}-{n}"
            try:
                if kind == "write":
                    status = csrf_post(f"{server.url}/angebote/{listing}/", {
                        "name": "Last Test", "email": "last@example.net", "phone": "", "intended_use": "Café",
                        "message": message}, headers={"X-Forwarded-For": f"10.{number}.{n // 250}.{n % 250}"})[0]
                else:
                    status = get(f"{server.url}/angebote/" if number % 2 else f"{server.url}/health/")[0]
            except OSError as error:  # the server itself must always answer
                status = f"keine Antwort: {error}"
            with lock:
                answers.append((started, time.monotonic(), kind, status, message))

    threads = [threading.Thread(target=client, args=(number, kind))
               for number, kind in enumerate(["write", "write", "read", "read"])]
    def wait_for(count, since):
        deadline = time.monotonic() + 25
        while len([a for a in answers if a[0] > since]) < count and time.monotonic() < deadline:
            time.sleep(0.2)

    for path in ["/angebote/", f"/angebote/{listing}/"]:  # warm both workers before measuring
        get(server.url + path), get(server.url + path)
    try:
        running.set()
        for thread in threads:
            thread.start()
        wait_for(20, 0)
        # 1. a restart while the workers sit idle with their persistent connections: the next
        #    requests must not be served on the dead ones (CONN_HEALTH_CHECKS)
        running.clear()
        time.sleep(1)
        cluster.restart()
        idle_restart_done = time.monotonic()
        running.set()
        wait_for(20, idle_restart_done)
        # 2. a restart under load
        restart_began = time.monotonic()
        cluster.restart()
        restart_done = time.monotonic()
        wait_for(30, restart_done + 0.5)
        stop.set()
        for thread in threads:
            thread.join(30)
    finally:
        stop.set()
        server.stop()

    statuses = [status for *_, status, _ in answers]
    assert len(answers) > 40, len(answers)
    assert 500 not in statuses and not any(isinstance(status, str) for status in statuses), (
        [a for a in answers if a[3] not in (200, 302, 503)], server.output())
    # 503 only for requests that overlapped the restart
    late = [a for a in answers if a[3] == 503 and not (a[0] < restart_done and a[1] > restart_began)]
    assert late == []
    after_idle = [a for a in answers if idle_restart_done < a[0] and a[1] < restart_began]
    assert len(after_idle) >= 20 and {a[3] for a in after_idle} <= {200, 302}, after_idle
    after = [a for a in answers if a[0] > restart_done + 0.5]
    assert len(after) >= 20 and {status for _, _, _, status, _ in after} <= {200, 302}

    acknowledged = {message for _, _, kind, status, message in answers if kind == "write" and status == 302}
    with psycopg.connect(cluster.url("leerstand")) as conn:
        stored = {row[0] for row in conn.execute("SELECT message FROM listings_inquiry WHERE message LIKE 'Lasttest %%'")}
    assert acknowledged and acknowledged <= stored
