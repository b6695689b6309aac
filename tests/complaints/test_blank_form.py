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
from tests.factories import ComplaintCategoryFactory, OrganisationFactory

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


# Reached from a credit record: /complaints/new/?organisation=<USCC> ----------------------------

_CHECKED_SUBJECT = re.compile(r'<input[^>]*name="subject_kind"[^>]*value="([a-z]+)"[^>]*checked')
_ORGANISATION_VALUE = re.compile(r'<input[^>]*name="organisation"[^>]*value="([^"]*)"')


def _about(page) -> tuple[str | None, str | None]:
    """The subject kind checked and the organisation filled in, as the form shows them."""
    html = page.content.decode()
    kind, organisation = _CHECKED_SUBJECT.search(html), _ORGANISATION_VALUE.search(html)
    return (kind and kind.group(1)), (organisation and organisation.group(1))


def test_a_link_from_a_credit_record_starts_the_form_about_that_organisation(
    client, authorities, wages, solve_captcha
):
    employer = OrganisationFactory(name="深圳市链接投诉科技有限公司")
    # As typed or pasted: lower case and spaces are the same code.
    code = f"{employer.uscc[:6].lower()} {employer.uscc[6:]}"

    page = client.get(FORM_URL, {"organisation": code})

    assert page.status_code == 200
    assert _about(page) == ("organisation", "深圳市链接投诉科技有限公司")
    csrf, form_token = _tokens(page)
    data = form_data(wages, solve_captcha, form_token=form_token, organisation=employer.name)
    assert client.post(FORM_URL, data).status_code == 200
    assert Complaint.objects.get().subject_organisation == employer


def test_an_organisation_whose_name_is_shared_is_filled_in_by_its_code(client, authorities, wages):
    employer = OrganisationFactory(name="深圳市同名科技有限公司")
    OrganisationFactory(name="深圳市同名科技有限公司")

    page = client.get(FORM_URL, {"organisation": employer.uscc})

    assert _about(page) == ("organisation", employer.uscc)


@pytest.mark.parametrize(
    "value",
    [
        "91440300MA5FXXXXXX",  # the shape of a code, a wrong check digit
        "91350100M000100Y43",  # a valid code that no organisation in the records has
        "深圳市测试科技有限公司",  # a name: the link carries codes only
        "91440300\x00",
        "9" * 5000,
    ],
)
def test_a_link_that_names_no_organisation_gives_the_blank_form(client, authorities, wages, value):
    page = client.get(FORM_URL, {"organisation": value})

    assert page.status_code == 200
    assert _about(page) == (None, None)
    assert _FORM_TOKEN.search(page.content.decode())
