"""The production web server (granian, started by portal/web_server.py with the options the
README gives for deployment) serving the portal with production settings, in processes of its
own, against this test's database and Elasticsearch index: it answers the health check, the
JSON API and its rate limit, and streams a CSV export.

Pages are left to the rest of the suite: with production settings they need the collected
static files (a minute and a half to collect), and the WSGI application under them is the same.
"""

import csv
import io
import json
import os
import sqlite3
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
        yield server.base_url, organisations


def _get(url: str) -> tuple[int, Message, bytes]:
    """Status, headers (looked up without regard to case) and body."""
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - our own server
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_the_production_server_answers_health_api_and_rate_limits(served):
    base, organisations = served
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
    base, organisations = served
    query = urllib.parse.urlencode({"q": "生产服务器"})
    status, headers, body = _get(f"{base}/api/organisations.csv?{query}")
    assert status == 200, body
    assert headers["Transfer-Encoding"] == "chunked"  # streamed, not built whole
    assert headers["X-Total-Count"] == "2"
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert sorted(row["uscc"] for row in rows) == sorted(item.uscc for item in organisations)
