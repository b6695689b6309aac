"""The search page's "Pages" tab: live, public pages in the current language, found by a
Chinese or an English word, beside the credit records tab on the same page."""

import re

import pytest
from django.core.management import call_command

from cms.models import NewsPage
from cms.selectors import pages_search
from tests.cms.conftest import translate

pytestmark = pytest.mark.django_db


def index_pages() -> None:
    """Bring Wagtail's search index up to date. In production the worker does this: Wagtail
    queues a task per saved page; the worker's own transaction handling cannot run inside the
    test's transaction on SQLite, so the tests rebuild the (small) index instead."""
    call_command("update_index", verbosity=0)


@pytest.fixture
def guidance(make_news):
    page = make_news(
        title="外国人来华工作许可办理指南",
        introduction="用人单位申请外国人工作许可须提交的材料和办理时限。",
    )
    english = translate(
        page,
        title="Guidance on work permits for foreigners",
        introduction="What employers submit when they apply for a foreigner's work permit.",
    )
    index_pages()
    return page, english


def _pages_tab(client, q, language=None):
    if language:
        client.cookies["django_language"] = language
    return client.get("/search/", {"q": q, "tab": "pages"})


def test_a_chinese_word_finds_the_chinese_page_only(client, guidance):
    chinese, english = guidance

    response = _pages_tab(client, "办理时限")

    assert response.status_code == 200
    assert chinese.url in response.text
    assert english.url not in response.text
    assert "外国人来华工作许可办理指南" in response.text
    assert [page.pk for page in pages_search("工作许可 材料")] == [chinese.pk]


def test_an_english_word_finds_the_english_page_only(client, guidance):
    chinese, english = guidance

    response = _pages_tab(client, "employers", language="en")

    assert response.status_code == 200
    assert "Guidance on work permits for foreigners" in response.text
    assert english.url in response.text
    assert f'href="{chinese.url}"' not in response.text
    # Every word is required.
    assert "Guidance on work permits" not in _pages_tab(client, "employers zebra").text


def test_drafts_and_unpublished_pages_are_not_found(client, news_index, guidance):
    draft = NewsPage(title="尚未发布的外国人工作许可草稿", slug="draft-news", live=False)
    news_index.add_child(instance=draft)
    draft.save_revision()
    chinese, _english = guidance
    chinese.title = "外国人工作许可修订草稿标题"
    chinese.save_revision()  # a draft of a live page: the live title stays
    index_pages()

    response = _pages_tab(client, "草稿")

    assert "尚未发布" not in response.text
    assert "修订草稿标题" not in response.text
    chinese.unpublish()
    index_pages()
    assert "办理指南" not in _pages_tab(client, "办理时限").text


def test_the_tabs_keep_the_query_and_show_both_counts(client, guidance, search_index):
    pages = _pages_tab(client, "工作许可")

    tabs = pages.text.split('class="search-tabs"')[1].split("</nav>")[0]
    assert 'href="?q=%E5%B7%A5%E4%BD%9C%E8%AE%B8%E5%8F%AF"' in tabs  # back to credit, same q
    assert re.search(r'aria-current="page"[^>]*>Pages <span class="count">\(1\)', tabs) or (
        'aria-current="page"' in tabs and "(1)" in tabs
    )
    assert "(0)" in tabs  # no organisation in the empty index

    credit = client.get("/search/", {"q": "工作许可"})
    assert credit.status_code == 200
    credit_tabs = credit.text.split('class="search-tabs"')[1].split("</nav>")[0]
    assert "tab=pages" in credit_tabs
    assert "(1)" in credit_tabs and "(0)" in credit_tabs
    assert credit_tabs.count('aria-current="page"') == 1


def test_the_pages_tab_without_a_query_asks_for_one_and_refuses_a_bad_page(client, guidance):
    client.cookies["django_language"] = "en"
    empty = client.get("/search/", {"tab": "pages"})
    assert empty.status_code == 200
    assert "Type a word to search" in empty.text
    assert "pages found" not in empty.text

    bad = client.get("/search/", {"tab": "pages", "q": "许可", "page": "x"})
    assert bad.status_code == 400
