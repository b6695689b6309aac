"""Public pages render in both languages."""

import pytest

from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_home_and_search_pages_are_in_chinese_by_default(client):
    home = client.get("/")
    assert home.status_code == 200
    assert "查询用人单位或中介机构" in home.content.decode()
    search = client.get("/search/")
    assert "用人单位和中介机构信用记录" in search.content.decode()
    assert 'lang="zh-Hans"' in search.content.decode()


def test_pages_follow_the_browser_language_to_english(client):
    page = client.get("/search/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Credit records of employers and intermediary agencies" in page.content.decode()
    assert 'lang="en"' in page.content.decode()


def test_the_language_switch_sets_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/search/"})
    assert response.status_code == 302
    assert "Credit records of employers" in client.get("/search/").content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_results_count_from_the_first_hit_of_the_page(client, search_index, run_tasks):
    OrganisationFactory.create_batch(12, name="南山测试软件有限公司")
    run_tasks()
    page = client.get("/search/", {"q": "南山测试", "page": 2}).content.decode()
    assert 'start="11"' in page
    assert "共找到 12 家单位" in page


def test_the_search_box_offers_suggestions_from_the_api(client):
    page = client.get("/").content.decode()
    assert 'list="organisation-suggestions"' in page
    assert 'data-suggest="/api/suggest"' in page
    assert "/static/js/suggest.js" in page
    assert client.get("/static/js/suggest.js").status_code == 200
