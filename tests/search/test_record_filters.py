"""Filters on the public credit record: rating, event type, penalised within N years, event date
range, ordering by latest event; and what the index holds of events (public ones only)."""

import datetime

import pytest
from django.utils import timezone

from portal.records import services
from portal.records.models import CreditEvent
from search.client import get_client
from search.indexing import alias_name
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _penalty(organisation, *, reference, decided_on, severity="ordinary"):
    return services.credit_event_create(
        organisation=organisation,
        kind=CreditEvent.Kind.PENALTY,
        severity=severity,
        reference=reference,
        title="未按规定办理外国人工作许可",
        decision_number=f"人社罚字〔{decided_on.year}〕{reference}号",
        decided_on=decided_on,
        published_on=decided_on,
    )


@pytest.fixture
def record(index_now):
    today = timezone.localdate()
    clean = OrganisationFactory(name="甲清白科技有限公司")
    recent = OrganisationFactory(name="乙近期处罚科技有限公司")
    older = OrganisationFactory(name="丙旧处罚科技有限公司")
    commended = OrganisationFactory(name="丁表彰科技有限公司")
    _penalty(recent, reference="R1", decided_on=today - datetime.timedelta(days=30))
    _penalty(
        older,
        reference="O1",
        decided_on=today - datetime.timedelta(days=700),
        severity="serious",
    )
    services.credit_event_create(
        organisation=commended,
        kind=CreditEvent.Kind.COMMENDATION,
        reference="C1",
        title="诚信用人单位",
        decided_on=today - datetime.timedelta(days=10),
        published_on=today - datetime.timedelta(days=10),
    )
    organisations = {"clean": clean, "recent": recent, "older": older, "commended": commended}
    for organisation in organisations.values():
        organisation.refresh_from_db()
    index_now(*organisations.values())
    return organisations


def _codes(client, **params) -> set[str]:
    response = client.get("/api/organisations", {"size": 100, **params})
    assert response.status_code == 200, response.content
    return {hit["uscc"] for hit in response.json()["results"]}


def test_the_document_carries_the_public_events_and_the_rating(record):
    source = get_client().get(index=alias_name(), id=record["recent"].uscc)["_source"]
    assert source["credit_rating"] == "C"
    assert source["event_kinds"] == ["penalty"]
    assert source["event_counts"] == {"penalty": 1}
    assert source["events"][0]["decision_number"].startswith("人社罚字")
    assert (
        get_client().get(index=alias_name(), id=record["clean"].uscc)["_source"]["event_kinds"]
        == []
    )


def test_rating_and_event_type_filters(client, record):
    assert _codes(client, rating="C") == {record["recent"].uscc}
    assert _codes(client, rating="D") == {record["older"].uscc}
    assert _codes(client, rating="A") == {record["commended"].uscc}
    assert _codes(client, event="penalty") == {record["recent"].uscc, record["older"].uscc}
    assert _codes(client, event="commendation") == {record["commended"].uscc}
    facets = client.get("/api/organisations?facets=true").json()["_meta"]["facets"]
    assert facets["rating"] == {"A": 1, "B": 1, "C": 1, "D": 1}
    assert facets["event"] == {"penalty": 2, "commendation": 1}


def test_penalised_within_years(client, record):
    assert _codes(client, penalised_within=1) == {record["recent"].uscc}
    assert _codes(client, penalised_within=2) == {record["recent"].uscc, record["older"].uscc}


def test_event_date_range(client, record):
    today = timezone.localdate()
    last_60_days = {"event_from": (today - datetime.timedelta(days=60)).isoformat()}
    assert _codes(client, **last_60_days) == {record["recent"].uscc, record["commended"].uscc}
    window = {
        "event_from": (today - datetime.timedelta(days=800)).isoformat(),
        "event_to": (today - datetime.timedelta(days=600)).isoformat(),
    }
    assert _codes(client, **window) == {record["older"].uscc}


def test_latest_event_first(client, record):
    results = client.get("/api/organisations", {"sort": "latest", "size": 10}).json()["results"]
    order = [hit["uscc"] for hit in results]
    expected = [record[key].uscc for key in ("commended", "recent", "older", "clean")]
    assert order == expected


@pytest.mark.parametrize(
    "params",
    [
        {"rating": "E"},
        {"event": "lottery"},
        {"penalised_within": "4"},
        {"event_from": "2024-13-01"},
        {"event_from": "2025-01-02", "event_to": "2025-01-01"},
        {"sort": "oldest"},
    ],
)
def test_bad_values_get_400(client, record, params):
    assert client.get("/api/organisations", params).status_code == 400
    assert client.get("/search/", {"q": "科技", **params}).status_code == 400


def test_the_search_page_offers_the_record_filters(client, record):
    page = client.get("/search/", {"q": "科技", "rating": "C"}).content.decode()
    assert "rating=D" in page or "rating=C" in page
    assert 'name="penalised_within"' in page
    assert 'type="hidden" name="rating" value="C"' in page
