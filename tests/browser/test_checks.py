"""The checks themselves: each one catches what it is there for, so a page that passes them has
passed something."""

import pytest

from tests.browser.checks import assert_accessible

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
