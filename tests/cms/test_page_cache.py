"""The anonymous page cache (cms/page_cache.py): hits for anonymous visitors, never for editors,
and no visitor sees a page older than the last publication."""

import pytest
from django.core.cache import cache

from cms.models import NewsPage, StandardPage
from cms.page_cache import HEADER
from tests.cms.conftest import publish
from tests.factories import AuthorityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


def test_an_anonymous_visitor_gets_the_second_request_from_the_cache(client):
    first = client.get("/faq/")
    second = client.get("/faq/")
    assert first[HEADER] == "miss"
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["X-Frame-Options"] == first["X-Frame-Options"]


def test_each_language_and_each_query_has_its_own_entry(client):
    assert client.get("/faq/")[HEADER] == "miss"
    english = client.get("/en/faq/")
    assert english[HEADER] == "miss"
    assert "Frequently asked questions" in english.content.decode()
    assert client.get("/news/?category=notice")[HEADER] == "miss"
    assert client.get("/news/?category=notice")[HEADER] == "hit"


def test_publishing_any_page_shows_at_once(client, news_index):
    assert client.get("/news/")[HEADER] == "miss"
    assert client.get("/news/")[HEADER] == "hit"
    publish(news_index, NewsPage(title="缓存之后发布的新闻", slug="after-cache"))
    fresh = client.get("/news/")
    assert fresh[HEADER] == "miss"
    assert "缓存之后发布的新闻" in fresh.content.decode()


def test_unpublishing_a_page_takes_it_away_at_once(client):
    faq = StandardPage.objects.get(locale__language_code="zh-hans", slug="faq")
    assert client.get("/faq/")[HEADER] == "miss"
    assert client.get("/faq/")[HEADER] == "hit"
    faq.unpublish()
    assert client.get("/faq/").status_code == 404


def test_editors_and_non_pages_are_never_served_from_the_cache(client, admin_client):
    client.get("/faq/")
    assert client.get("/faq/")[HEADER] == "hit"
    assert HEADER not in admin_client.get("/faq/")  # a logged-in editor: own render, own bar
    assert HEADER not in client.get("/search/?q=x")  # outside the page tree, not listed
    assert HEADER not in client.get("/no-such-page/")


def test_authorities_are_cached_and_a_published_change_shows_at_once(client):
    authority = AuthorityFactory(complaint_phone="0755-12333")
    address = f"/authorities/{authority.region_id}/"
    assert client.get(address)[HEADER] == "miss"
    assert client.get(address)[HEADER] == "hit"
    assert client.get("/authorities/")[HEADER] == "miss"
    assert client.get("/authorities/")[HEADER] == "hit"
    english = client.get(address, HTTP_ACCEPT_LANGUAGE="en")
    assert english[HEADER] == "miss"  # its own entry per language
    assert "Human Resources" in english.content.decode()

    authority.complaint_phone = "0755-88886666"
    authority.save_revision().publish()
    fresh = client.get(address)
    assert fresh[HEADER] == "miss"
    assert "0755-88886666" in fresh.content.decode()


def test_the_inspection_item_list_is_cached(client):
    assert client.get("/inspection-items/")[HEADER] == "miss"
    assert client.get("/inspection-items/")[HEADER] == "hit"
    assert client.get("/inspection-items/history/")[HEADER] == "miss"


def test_a_zero_lifetime_turns_the_cache_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/faq/")
    assert HEADER not in client.get("/faq/")
