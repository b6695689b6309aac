"""The site chrome (home link and menu) is kept per process under the page cache's generation
(cms/templatetags/cms_tags.py): a publication shows in the menu of every page at once."""

import re
from html import unescape
from urllib.parse import unquote

import pytest

from cms.models import StandardPage
from tests.cms.conftest import publish

pytestmark = pytest.mark.django_db

# A view outside the page tree with the site's layout.
TRACK_URL = "/complaints/track/"


def test_a_page_published_in_the_menu_shows_on_the_next_request(client, home):
    assert "办事指南" not in client.get(TRACK_URL).content.decode()

    page = publish(home, StandardPage(title="办事指南", slug="guide", show_in_menus=True))

    html = client.get(TRACK_URL).content.decode()
    assert f'<li><a href="{page.url}">办事指南</a></li>' in html

    page.unpublish()

    assert "办事指南" not in client.get(TRACK_URL).content.decode()


def test_the_chrome_is_worked_out_once_per_generation(client, home, django_assert_num_queries):
    publish(home, StandardPage(title="办事指南", slug="guide", show_in_menus=True))
    client.get(TRACK_URL)

    # Only the page cache's generation is read; the menu and the home link are kept.
    with django_assert_num_queries(1):
        html = client.get(TRACK_URL).content.decode()
    assert "办事指南" in html


def test_the_language_switch_returns_to_each_requests_own_address(client, home):
    client.get(TRACK_URL)  # the header is kept from here on
    html = client.get("/search/", {"q": '"><b>星河</b>', "kind": "employer"}).content.decode()
    switch = re.search(r'<input name="next" type="hidden" value="([^"]*)">', html)
    assert switch is not None
    assert unquote(unescape(switch.group(1))) == '/search/?q="><b>星河</b>&kind=employer'
    assert "<b>" not in html.split("</header>", 1)[0]
    html = client.get(TRACK_URL).content.decode()
    assert f'<input name="next" type="hidden" value="{TRACK_URL}">' in html


def test_each_language_keeps_its_own_header(client, home):
    chinese = client.get(TRACK_URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get(TRACK_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "File a complaint" in english.split("</header>", 1)[0]
    assert "File a complaint" not in chinese.split("</header>", 1)[0]
    assert '<option value="en" selected lang="en">' in english
    assert '<option value="zh-hans" selected lang="zh-hans">' in chinese
