"""The blank complaint form and its confirmation are rendered once per process, language and
variant and filled in per request (portal/core/slotted.py): each visitor still gets their own
CSRF token and form token, each complainant their own number and code, and a change to what the
form offers shows at once."""

import re

import pytest
from django.test import Client

from complaints import codes
from complaints.models import Complaint
from portal.core.slotted import placeholder
from tests.complaints.test_views import FORM_URL, form_data
from tests.factories import ComplaintCategoryFactory

pytestmark = pytest.mark.django_db

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f]{32})"')


def _tokens(response) -> tuple[str, str]:
    html = response.content.decode()
    return _CSRF_INPUT.search(html).group(1), _FORM_TOKEN.search(html).group(1)


def test_each_visitor_gets_their_own_tokens(authorities, wages):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [first.get(FORM_URL), first.get(FORM_URL), second.get(FORM_URL)]

    assert all(page.status_code == 200 for page in pages)
    form_tokens = {_tokens(page)[1] for page in pages}
    assert len(form_tokens) == 3
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    for page in pages:
        html = page.content.decode()
        assert placeholder("csrf_token") not in html and placeholder("form_token") not in html
        assert page["Cache-Control"].startswith("max-age=0")
        assert "Cookie" in page["Vary"]


def test_the_tokens_filled_in_are_accepted(authorities, wages, solve_captcha):
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["django_language"] = "en"
    csrf, form_token = _tokens(browser.get(FORM_URL))
    data = form_data(wages, solve_captcha, form_token=form_token, csrfmiddlewaretoken=csrf)

    response = browser.post(FORM_URL, data)

    assert response.status_code == 200
    assert Complaint.objects.get().idempotency_key == form_token
    assert Complaint.objects.get().tracking_number in response.content.decode()


def test_a_new_category_shows_on_the_next_page(client, authorities, wages):
    assert "Forced overtime" not in client.get(FORM_URL).content.decode()

    ComplaintCategoryFactory(code="forced-overtime", name="强迫加班", name_en="Forced overtime")

    assert "强迫加班" in client.get(FORM_URL).content.decode()


def test_the_languages_are_kept_apart(client, authorities, wages):
    chinese = client.get(FORM_URL).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(FORM_URL).content.decode()

    assert 'lang="zh-Hans"' in chinese
    assert 'lang="en"' in english
    assert "Unpaid wages" in english


def test_an_address_with_a_query_shows_it_in_the_language_switch(client, authorities, wages):
    page = client.get(FORM_URL + "?from=home")

    assert page.status_code == 200
    assert 'value="/complaints/new/?from=home"' in page.content.decode()
    assert _FORM_TOKEN.search(page.content.decode())


def test_each_confirmation_shows_its_own_complaint(client, authorities, wages, solve_captcha):
    client.cookies["django_language"] = "en"
    authorities["shenzhen"].name_en = ""
    authorities["shenzhen"].save()
    tokens = ("a" * 32, "b" * 32)
    pages = [
        client.post(FORM_URL, form_data(wages, solve_captcha, form_token=token)).content.decode()
        for token in tokens
    ]
    first, second = (Complaint.objects.get(idempotency_key=token) for token in tokens)
    shown = [re.search(r'id="access-code">([0-9A-Z-]+)<', page).group(1) for page in pages]

    assert first.tracking_number in pages[0] and first.tracking_number not in pages[1]
    assert second.tracking_number in pages[1] and second.tracking_number not in pages[0]
    assert codes.access_code_check(shown[0], first.access_code_hash)
    assert codes.access_code_check(shown[1], second.access_code_hash)
    assert shown[0] not in pages[1]
    assert second.acceptance_deadline.isoformat() in pages[1]
    for name in ("csrf_token", "tracking_number", "access_code", "authority_name"):
        assert placeholder(name) not in pages[1]
    # An authority without an English name: its Chinese name, marked as Chinese.
    assert '<span lang="zh-Hans">深圳市人力资源和社会保障局</span>' in pages[1]
