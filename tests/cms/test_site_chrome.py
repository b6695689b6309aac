"""The site chrome (home link and menu) is kept per process under the page cache's generation
(cms/templatetags/cms_tags.py): a publication shows in the menu of every page at once."""

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
