"""The checks themselves: each one catches what it is there for, so a page that passes them has
passed something."""

import pytest

from tests.browser.checks import assert_accessible, assert_fits_a_phone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BAD_PAGE = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>bad</title>
<link rel="stylesheet" href="https://cdn.example.com/framework.css"></head>
<body>
<p><div>a block inside a paragraph</div></p>
<img src="/static/none.png">
<p style="color: #bbb; background: #fff">grey on white</p>
<input type="text">
</body>
</html>"""


def test_the_checks_catch_external_requests_inaccessible_markup_and_invalid_html(visit):
    site = visit()
    site.page.set_content(BAD_PAGE)

    with pytest.raises(AssertionError, match="cdn.example.com"):
        site.assert_self_contained()
    assert site.external_requests == ["https://cdn.example.com/framework.css"]

    with pytest.raises(AssertionError) as axe:
        assert_accessible(site.page)
    for rule in ("html-has-lang", "image-alt", "color-contrast", "label"):
        assert rule in str(axe.value), rule

    with pytest.raises(AssertionError) as nu:
        site.assert_valid_html(BAD_PAGE)
    assert "No “p” element in scope" in str(nu.value)

    site.external_requests.clear()  # seen and failed above; the test itself passes


def _public_page(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title>'
        '</head><body><header class="site-header"><nav><ul style="display: flex">'
        '<li><a href="/a">Credit records</a></li><li><a href="/b">Policies and news</a></li>'
        f"</ul></nav></header><main>{body}</main></body></html>"
    )


def test_the_phone_check_catches_what_reaches_past_the_screen_and_broken_menu_links(visit):
    site = visit()

    site.page.set_content(_public_page('<table style="width: 600px"><tr><td>x</td></tr></table>'))
    with pytest.raises(AssertionError, match=r"table reaches 6\d\dpx of 360"):
        assert_fits_a_phone(site.page)

    wide_code = "<p><code>" + "9" * 80 + "</code></p>"
    site.page.set_content(_public_page(wide_code))
    with pytest.raises(AssertionError, match="code reaches"):
        assert_fits_a_phone(site.page)

    site.page.set_content(_public_page("").replace("<li>", '<li style="width: 3em">'))
    with pytest.raises(AssertionError, match='menu link "Policies and news" on [2-9] lines'):
        assert_fits_a_phone(site.page)

    # A wide table in a box of its own that scrolls sideways is fine.
    table = '<table style="width: 600px"><tr><td>x</td></tr></table>'
    scrolling = f'<div style="overflow-x: auto">{table}</div>'
    site.page.set_content(_public_page(scrolling))
    assert_fits_a_phone(site.page)
    assert site.page.viewport_size == {"width": 1280, "height": 720}  # put back afterwards
