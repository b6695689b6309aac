"""The production web server (granian, started by portal/web_server.py with the options the
README gives for deployment) serving the portal with production settings, in processes of its
own, against this test's database and Elasticsearch index: it answers the health check, the
JSON API and its rate limit, streams a CSV export, and replaces a worker that dies.

Pages are left to the rest of the suite: with production settings they need the collected
static files (a minute and a half to collect), and the WSGI application under them is the same.
"""

import csv
import io
import json
import os
import signal
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message

import pytest
from django.conf import settings
from django.db import connection

from portal.web_server import web_server
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _database_url(tmp_path) -> str:
    """This test's database as a URL the server's processes can open: PostgreSQL's test
    database as it is (the test's writes are committed), SQLite's in-memory one copied to a file."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        copy = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        return f"sqlite:///{copy}"
    password = urllib.parse.quote(database["PASSWORD"] or "", safe="")
    return (
        f"postgres://{database['USER']}:{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


@pytest.fixture
def served(tmp_path, index_now):
    """Two organisations in the index, then the server over this database; yields its base
    URL."""
    organisations = [
        OrganisationFactory(name="深圳市生产服务器测试科技有限公司"),
        OrganisationFactory(name="深圳市生产服务器验证贸易有限公司"),
    ]
    index_now(*organisations)
    static_root = tmp_path / "static"
    static_root.mkdir()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "test-only-not-secret",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_LOG_LEVEL": "ERROR",
        "DATABASE_URL": _database_url(tmp_path),
        "ELASTICSEARCH_URL": settings.ELASTICSEARCH_URL,
        "SEARCH_INDEX_PREFIX": settings.SEARCH_INDEX_PREFIX,
        "API_RATE_ORGANISATION": "3/m",
    }
    with web_server(environment, workers=2, threads=2, ready_path="/healthz") as server:
        yield server, organisations


def _get(url: str) -> tuple[int, Message, bytes]:
    """Status, headers (looked up without regard to case) and body."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - our own server
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_production_server_answers_health_api_and_rate_limits(served):
    server, organisations = served
    base = server.base_url
    status, _, body = _get(base + "/healthz")
    assert status == 200
    assert json.loads(body)["database"]["ok"] is True

    query = urllib.parse.urlencode({"q": "生产服务器"})
    status, headers, body = _get(f"{base}/api/organisations?{query}")
    assert status == 200, body
    assert headers["Content-Type"].startswith("application/json")
    found = json.loads(body)
    assert found["_meta"]["total"] == 2
    assert {item["uscc"] for item in found["results"]} == {item.uscc for item in organisations}

    # The rate limit is counted in the database, shared by both worker processes: three
    # answers for the organisation, then 429 with Retry-After, whichever worker answers.
    answers = [_get(f"{base}/api/organisations/{organisations[0].uscc}") for _ in range(4)]
    assert [status for status, _, _ in answers] == [200, 200, 200, 429]
    assert json.loads(answers[0][2])["name"] == organisations[0].name
    assert int(answers[3][1]["Retry-After"]) > 0


def test_the_production_server_streams_a_csv_export(served):
    server, organisations = served
    base = server.base_url
    query = urllib.parse.urlencode({"q": "生产服务器"})
    status, headers, body = _get(f"{base}/api/organisations.csv?{query}")
    assert status == 200, body
    assert headers["Transfer-Encoding"] == "chunked"  # streamed, not built whole
    assert headers["X-Total-Count"] == "2"
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert sorted(row["uscc"] for row in rows) == sorted(item.uscc for item in organisations)


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    text = stat.read()
            except OSError:  # ended meanwhile
                continue
            if int(text[text.rindex(")") + 2 :].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Whether `pid` is alive (an exited child that its parent has not reaped yet is not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return False
    return text[text.rindex(")") + 2] != "Z"


def _get_while_replacing(url: str) -> int:
    """The status of a GET made while a worker is being replaced. granian (2.8, Linux) gives
    each worker a listening socket of its own: a connection that reaches one as it opens or
    closes may be refused or reset (fewer with net.ipv4.tcp_migrate_req=1, as the README asks
    of a deployment). Such a connection is tried again, for up to 5 s, as a browser would."""
    deadline = time.monotonic() + 5
    while True:
        try:
            return _get(url)[0]
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_worker_that_dies_is_replaced_and_the_server_keeps_answering(served):
    server, _organisations = served
    workers = _children(server.pid)
    assert len(workers) == 2, workers
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)  # as the kernel's OOM killer would

    def wait_for(condition, what: str) -> set[int]:
        deadline = time.monotonic() + 30
        while not condition(current := _children(server.pid)):
            assert time.monotonic() < deadline, f"{what}: {current}"
            time.sleep(0.1)
        return current

    # Once it is gone (a connection it had taken dies with it, under any server), the other
    # worker answers alone until the replacement has started.
    wait_for(lambda current: victim not in current, f"worker {victim} still there")
    assert _get_while_replacing(server.base_url + "/healthz") == 200
    wait_for(lambda current: len(current) == 2, f"no replacement for worker {victim}")
    statuses = {_get_while_replacing(server.base_url + "/healthz") for _ in range(6)}
    assert statuses == {200}

    # Told to stop now, while the replacement may still be starting, it exits by itself: the
    # worker that does not stop is killed after --workers-kill-timeout (5 s).
    os.kill(server.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while _running(server.pid):
        assert time.monotonic() < deadline, "the server did not stop within 15 s"
        time.sleep(0.1)
