"""Bad search input gets a clear message and a 4xx, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params",
    [
        {"q": "科" * 10_000},
        {"q": "x", "page": "abc"},
        {"q": "x", "page": "0"},
        {"q": "x", "page": "999999"},
        {"q": "x", "size": "7"},
        {"q": "x", "kind": "bank"},
        {"q": "a\x00b"},
    ],
)
def test_invalid_parameters_get_400_with_a_message(client, search_index, params):
    page = client.get("/search/", params)
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    api = client.get("/api/organisations", params)
    assert api.status_code == 400
    assert api.json()["detail"]


def test_a_null_character_is_named_as_such_in_both_languages(client, search_index):
    # Django's own Chinese for this check says "empty strings are not allowed".
    chinese = client.get("/search/", {"q": "北京\x00"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 400
    assert "不能包含空字符（U+0000）。" in chinese.content.decode()
    assert "空字符串" not in chinese.content.decode()
    english = client.get("/api/organisations", {"q": "北京\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"detail": "q: Null characters are not allowed."}


@pytest.mark.parametrize(
    "text",
    ['"unbalanced', "name:(x OR", "*:*", "科技 AND NOT", "😀🏭", "a\x07b\x1bc", "\\", "{}[]/"],
)
def test_query_syntax_and_odd_characters_are_searched_as_text(client, search_index, text):
    assert client.get("/search/", {"q": text}).status_code == 200
    response = client.get("/api/organisations", {"q": text})
    assert response.status_code == 200
    assert response.json()["_meta"]["total"] == 0


@pytest.mark.parametrize("text", ["深圳\x1e", "\x1fsz", "shen\x00zhen", "深\x90圳", "\x1e\x1f"])
def test_control_characters_in_suggestions_are_read_as_spaces(client, index_now, text):
    # The completion field refuses U+001E and U+001F (its separators): found by
    # tests/search/test_openapi.py as a 503 for a query that was merely odd.
    from tests.factories import OrganisationFactory

    index_now(OrganisationFactory(name="深圳\x1e市\x1f测试科技有限公司"))
    response = client.get("/api/suggest", {"q": text})
    assert response.status_code == 200
    if text.startswith(("深", "shen")):
        assert [hit["name"] for hit in response.json()] == ["深圳\x1e市\x1f测试科技有限公司"]


def test_unknown_organisation_is_a_404(client):
    assert client.get("/organisations/91110000600037341L/").status_code == 404
    assert client.get("/api/organisations/91110000600037341L").status_code == 404


def test_an_organisation_by_uscc_in_the_api(client):
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory()
    response = client.get(f"/api/organisations/{organisation.uscc.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert body["uscc"] == organisation.uscc
    assert body["region_code"] == "440305"
    assert body["credit_rating"] == "B"


def test_the_404_page_speaks_both_languages(client):
    chinese = client.get("/organisations/91110000600037341L/")
    assert chinese.status_code == 404
    assert "页面不存在" in chinese.content.decode()
    english = client.get("/organisations/91110000600037341L/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Page not found" in english.content.decode()
