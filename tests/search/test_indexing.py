"""Index management against the live node: rebuild behind the alias, ensure, counts."""

import pytest
from django.core.management import call_command
from elasticsearch import BadRequestError

from search.client import get_client
from search.indexing import (
    alias_name,
    index_document_count,
    index_rebuild,
    index_refresh,
    index_schema_is_current,
    indices_behind_alias,
    organisations_sync,
)
from tests.factories import CreditEventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_rebuild_fills_a_new_index_and_swaps_the_alias_to_it(search_index, client):
    organisations = OrganisationFactory.create_batch(25)
    old = indices_behind_alias()

    call_command("search_index", "rebuild", "--no-progress")

    new = indices_behind_alias()
    assert len(new) == 1 and new != old
    assert not get_client().indices.exists(index=old[0])
    assert index_document_count() == 25
    settings = get_client().indices.get_settings(index=new[0])[new[0]]["settings"]["index"]
    assert settings["refresh_interval"] == "1s"
    found = client.get("/api/organisations", {"q": organisations[3].uscc}).json()
    assert [hit["uscc"] for hit in found["results"]] == [organisations[3].uscc]


def test_ensure_fills_an_index_that_lacks_documents_and_leaves_a_complete_one(search_index):
    OrganisationFactory.create_batch(5)  # no worker ran: the index is still empty
    assert index_document_count() == 0

    call_command("search_index", "ensure", "--no-progress")
    filled = indices_behind_alias()
    assert index_document_count() == 5

    call_command("search_index", "ensure", "--no-progress")
    assert indices_behind_alias() == filled
    assert alias_name().startswith("test-")


def test_ensure_rebuilds_an_index_built_with_an_older_mapping(search_index):
    OrganisationFactory.create_batch(2)
    call_command("search_index", "ensure", "--no-progress")
    current = indices_behind_alias()
    assert index_schema_is_current()
    # Pretend older code built it: its recorded schema differs from today's.
    get_client().indices.put_mapping(index=current[0], meta={"schema": "older"})
    assert not index_schema_is_current()

    call_command("search_index", "ensure", "--no-progress")

    assert indices_behind_alias() != current
    assert index_schema_is_current()
    assert index_document_count() == 2


def test_the_mapping_is_strict_so_undeclared_fields_are_refused(search_index):
    with pytest.raises(BadRequestError, match="strict_dynamic_mapping_exception"):
        get_client().index(index=search_index, id="x", document={"undeclared": 1})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rebuild_split_over_processes_indexes_every_organisation(search_index):
    organisations = OrganisationFactory.create_batch(40)

    call_command("search_index", "rebuild", "--no-progress", "--workers", "3")

    assert index_document_count() == 40
    codes = {
        hit["_id"]
        for hit in get_client().search(index=alias_name(), size=100, source=False)["hits"]["hits"]
    }
    assert codes == {organisation.uscc for organisation in organisations}


def test_a_rebuild_reads_only_what_documents_show_in_a_few_queries(
    search_index, django_assert_max_num_queries
):
    organisations = OrganisationFactory.create_batch(30)
    CreditEventFactory(organisation=organisations[0])
    organisations_sync(uscc_by_id={item.pk: item.uscc for item in organisations})
    index_refresh()
    synced = _sources()

    # A field that documents read but the rebuild did not load would cost a query per row.
    with django_assert_max_num_queries(8):
        index_rebuild()

    assert _sources() == synced
    assert len(synced) == 30


def _sources() -> dict[str, dict]:
    hits = get_client().search(index=alias_name(), size=100, query={"match_all": {}})
    return {hit["_id"]: hit["_source"] for hit in hits["hits"]["hits"]}
