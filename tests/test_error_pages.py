"""The error pages exist and render through Django's own handlers, in both languages: 400 and
the CSRF failure stand alone (Django renders them without the request), 403 and 404 use the
site's layout in the visitor's language, 500 stands alone."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_every_error_page_exists():
    for name in ("400.html", "403.html", "403_csrf.html", "404.html", "500.html"):
        assert (TEMPLATES / name).is_file(), name


def test_a_bad_request_gets_the_400_page_in_both_languages(client):
    response = client.get("/", HTTP_HOST="not-this-site.example")  # DisallowedHost
    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>请求有误 · Bad request</h1>" in page
    assert "请返回上一页" in page
    assert 'lang="en">This request could not be handled' in page


def test_a_forged_form_gets_the_bilingual_csrf_page():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/complaints/track/", {"tracking_number": "x", "access_code": "y"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "表单已过期 · The form has expired" in page
    assert "reload the page and send it again" in page


def _permission_denied(language: str) -> str:
    request = RequestFactory().get("/somewhere/")
    with translation.override(language):
        request.LANGUAGE_CODE = language
        response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    page = response.content.decode()
    assert 'class="skip-link"' in page  # the site's layout
    return page


def test_the_403_page_in_both_languages():
    chinese = _permission_denied("zh-hans")
    assert 'lang="zh-Hans"' in chinese
    assert 'lang="en">Access denied.</p>' in chinese
    english = _permission_denied("en")
    assert "<h1>Access denied</h1>" in english
    assert 'lang="zh-Hans">无权访问此页面。</p>' in english


def test_the_404_page_in_both_languages(client):
    chinese = client.get("/no-such-page/")
    assert chinese.status_code == 404
    assert 'lang="en">Page not found.' in chinese.content.decode()
    english = client.get("/en/no-such-page/")
    assert english.status_code == 404
    assert "<h1>Page not found</h1>" in english.content.decode()
    assert "页面不存在。" in english.content.decode()
