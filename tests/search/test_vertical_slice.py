"""The wiring from database to index to public pages, against the live Elasticsearch node."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from portal.records.models import Organisation
from tests.factories import OrganisationFactory

# Real commits (not a test transaction) so on-commit hooks fire as in production; the serialized
# rollback restores the reference data (regions, the home page) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _search_page_uscc_list(client, text: str) -> str:
    response = client.get("/search/", {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def test_employer_is_indexed_after_commit_and_found_by_its_chinese_name(
    client, search_index, run_tasks
):
    employer = OrganisationFactory(name="深圳市星河国际人才科技有限公司")
    run_tasks()

    page = _search_page_uscc_list(client, "星河国际人才")
    assert f"/organisations/{employer.uscc}/" in page
    assert "<mark>" in page

    api = client.get("/api/organisations", {"q": "星河国际人才"})
    assert api.status_code == 200
    body = api.json()
    assert body["_meta"]["total"] == 1
    assert body["_meta"]["licence"]
    assert body["results"][0]["uscc"] == employer.uscc
    assert body["results"][0]["name"] == "深圳市星河国际人才科技有限公司"
    assert body["results"][0]["region"].endswith("南山区")


def test_deleting_an_organisation_removes_it_from_the_index(client, search_index, run_tasks):
    employer = OrganisationFactory(name="广州白云劳务派遣有限公司")
    run_tasks()
    assert client.get("/api/organisations", {"q": "白云劳务"}).json()["_meta"]["total"] == 1

    employer.delete()
    run_tasks()

    assert client.get("/api/organisations", {"q": "白云劳务"}).json()["_meta"]["total"] == 0
    assert "广州白云劳务派遣有限公司" not in _search_page_uscc_list(client, "白云劳务")


def test_a_rolled_back_change_enqueues_nothing(search_index):
    before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        OrganisationFactory()
        raise RuntimeError("abort")
    assert DBTaskResult.objects.count() == before
    assert not Organisation.objects.exists()


def test_exact_uscc_in_any_spelling_finds_the_organisation(client, search_index, run_tasks):
    employer = OrganisationFactory(name="上海浦江外服人力资源有限公司")
    run_tasks()
    spaced = " ".join([employer.uscc[:2], employer.uscc[2:8], employer.uscc[8:].lower()])
    body = client.get("/api/organisations", {"q": spaced}).json()
    assert [hit["uscc"] for hit in body["results"]] == [employer.uscc]


def test_a_uscc_with_a_wrong_check_character_is_refused_by_the_model():
    good = OrganisationFactory.build().uscc
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    organisation = OrganisationFactory.build(uscc=wrong)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "uscc" in error.value.message_dict
