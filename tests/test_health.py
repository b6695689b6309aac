"""`/healthz` reports each part: 200 when all are up, 503 naming the part that is down."""

import socket

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_is_200_when_database_and_elasticsearch_are_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert body["database"]["ok"] is True
    assert body["elasticsearch"]["cluster_status"] in ("green", "yellow")
    assert body["tasks"]["pending"] >= 0


def test_healthz_counts_pending_background_work(
    client, search_index, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory()
    body = client.get("/healthz").json()
    assert body["tasks"]["pending"] == 1
    assert body["tasks"]["due"] == 1


def test_healthz_is_503_naming_elasticsearch_when_it_is_unreachable(client, settings):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_closed_port()}"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["elasticsearch"]
    assert body["elasticsearch"]["ok"] is False
    assert body["database"]["ok"] is True


def test_search_page_says_search_is_unavailable_with_a_503_not_a_500(client, settings):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_closed_port()}"
    response = client.get("/search/", {"q": "科技"})
    assert response.status_code == 503
    assert "查询服务暂时不可用" in response.content.decode()
    api = client.get("/api/organisations", {"q": "科技"})
    assert api.status_code == 503
    assert "temporarily unavailable" in api.json()["detail"]
