"""The open data API limits requests per client address and endpoint, answering 429."""

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_search_endpoint_answers_429_past_its_rate(client, settings, search_index):
    settings.API_RATES = {**settings.API_RATES, "search": "3/h"}
    statuses = [client.get("/api/organisations", {"q": "科技"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/organisations", {"q": "科技"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"]


def test_limits_are_per_endpoint_and_per_address(client, settings, search_index):
    settings.API_RATES = {**settings.API_RATES, "search": "1/h"}
    assert client.get("/api/organisations").status_code == 200
    assert client.get("/api/organisations").status_code == 429
    assert client.get("/api/suggest", {"q": "北京"}).status_code == 200
    other = client.get("/api/organisations", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, settings, search_index):
    settings.API_RATES = {**settings.API_RATES, "search": "1/h"}
    assert client.get("/api/organisations").status_code == 200
    forged = client.get("/api/organisations", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert forged.status_code == 429


def test_credit_report_downloads_are_limited_per_address(client, settings):
    settings.API_RATES = {**settings.API_RATES, "report": "1/h"}
    organisation = OrganisationFactory()
    url = f"/organisations/{organisation.uscc}/report.pdf?lang=en"
    first = client.get(url)
    assert first.status_code == 200
    assert first.content.startswith(b"%PDF")
    second = client.get(url)
    assert second.status_code == 429
    assert int(second["Retry-After"]) > 0
    page = client.get(f"/organisations/{organisation.uscc}/").content.decode()
    assert f"/organisations/{organisation.uscc}/report.pdf?lang=en" in page
    assert 'rel="nofollow"' in page
