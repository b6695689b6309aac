"""CSV export of a search: every matching row, streamed, public fields only, bounded."""

import csv
import io

import pytest

import search.export
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_export_holds_every_match_across_pages(client, index_now, settings, monkeypatch):
    monkeypatch.setattr(search.export, "PAGE", 7)  # several pages with a small data set
    made = OrganisationFactory.create_batch(23, name="宁波导出测试贸易有限公司")
    others = OrganisationFactory.create_batch(3, name="温州其他实业有限公司")
    index_now(*made, *others)

    response = client.get("/api/organisations.csv", {"q": "导出测试"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Total-Count"] == "23"
    rows = _csv(response)
    assert sorted(row["uscc"] for row in rows) == sorted(o.uscc for o in made)
    assert rows[0]["name"] == "宁波导出测试贸易有限公司"
    assert rows[0]["credit_rating"] == "B"
    assert "legal_representative" not in rows[0]  # only what the public record shows


def test_an_export_larger_than_the_limit_is_refused_with_a_message(client, index_now, settings):
    settings.SEARCH_EXPORT_LIMIT = 2
    index_now(*OrganisationFactory.create_batch(3))
    response = client.get("/api/organisations.csv")
    assert response.status_code == 400
    assert "at most 2" in response.json()["detail"]


def test_export_validates_parameters_like_the_search(client, search_index):
    assert client.get("/api/organisations.csv", {"rating": "Z"}).status_code == 400
