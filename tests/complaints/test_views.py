"""The public complaint pages through Django's test client: form errors, the honeypot, the
captcha, the rate limits, the confirmation, and tracking."""

import re

import pytest
from django.core import mail

from complaints import codes
from complaints.models import Complaint
from portal.core.models import AuditEntry
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FORM_URL = "/complaints/new/"
TRACK_URL = "/complaints/track/"


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def form_data(chosen_category, solve_captcha, **overrides) -> dict:
    data = {
        "form_token": "0123456789abcdef0123456789abcdef",
        "website": "",
        "complainant_kind": "foreign_worker",
        "name": "John Smith",
        "email": "john.smith@example.org",
        "phone": "13800138000",
        "subject_kind": "organisation",
        "organisation": "深圳市未登记科技有限公司",
        "subject_uscc": "",
        "subject_region": "440300",
        "category": str(chosen_category.pk),
        "what_happened": "My wages for March and April were not paid.",
        "happened_when": "March 2026",
        "happened_where": "Nanshan office",
        "wanted_outcome": "Pay me.",
        "altcha": solve_captcha(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_page_offers_every_part_in_both_languages(client, english, authorities, wages):
    page = english.get(FORM_URL)
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Who you are", "Whom it is about", "What happened", "File anonymously"):
        assert text in html
    assert "<altcha-widget" in html
    assert "/static/js/altcha.i18n.min.js" in html
    assert 'data-suggest="/api/suggest"' in html
    assert "Unpaid wages" in html
    assert re.search(r'name="form_token" value="[0-9a-f]{32}"', html)
    assert client.get(FORM_URL, HTTP_ACCEPT_LANGUAGE="zh-CN").status_code == 200


def test_the_captcha_challenge_is_signed_and_expires(client, settings):
    challenge = client.get("/complaints/captcha/challenge").json()
    assert challenge["signature"]
    assert challenge["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert challenge["parameters"]["expiresAt"] > 0


def test_a_valid_complaint_gets_the_confirmation(english, authorities, wages, solve_captcha):
    employer = OrganisationFactory(name="深圳市拖欠工资科技有限公司")
    response = english.post(FORM_URL, form_data(wages, solve_captcha, organisation=employer.name))
    assert response.status_code == 200
    html = response.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.subject_organisation == employer
    assert complaint.language == "en"
    assert complaint.tracking_number in html
    code = re.search(r'id="access-code">([0-9A-Z-]+)<', html).group(1)
    assert codes.access_code_check(code, complaint.access_code_hash)
    assert "Test Municipal Human Resources" in html  # the authority it went to (English name)
    assert complaint.acceptance_deadline.isoformat() in html
    assert "What happens next" in html
    assert AuditEntry.objects.filter(action="complaints.complaint.received").count() == 1


def test_the_organisation_may_be_given_by_its_uscc(client, authorities, wages, solve_captcha):
    employer = OrganisationFactory()
    response = client.post(FORM_URL, form_data(wages, solve_captcha, organisation=employer.uscc))
    assert response.status_code == 200
    assert Complaint.objects.get().subject_organisation == employer


def test_sending_the_same_form_twice_files_one_complaint(client, authorities, wages, solve_captcha):
    data = form_data(wages, solve_captcha)
    first = client.post(FORM_URL, data)
    data["altcha"] = solve_captcha()
    second = client.post(FORM_URL, data)
    assert first.status_code == second.status_code == 200
    assert Complaint.objects.count() == 1
    number = Complaint.objects.get().tracking_number
    assert number in second.content.decode()
    assert 'id="access-code"' not in second.content.decode()
    assert "此表单此前已提交" in second.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"what_happened": ""}, "what_happened", "This field is required."),
        ({"email": "", "phone": ""}, "email", "Give an e-mail address or a phone number"),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"anonymous": "on"}, "anonymous", "cannot be filed anonymously"),
        ({"organisation": ""}, "organisation", "Name the employer or agency."),
        ({"subject_uscc": "91440300MA5ABCDEF0"}, "subject_uscc", "not a valid unified social"),
        ({"subject_kind": "officer"}, "subject_authority", "Choose the authority."),
        ({"category": "999999"}, "category", "Select a valid choice."),
        ({"altcha": ""}, "altcha", "complete the verification"),
        ({"altcha": "bm90IGEgcGF5bG9hZA=="}, "altcha", "complete the verification"),
        ({"form_token": "../../etc"}, "form_token", "The form has expired"),
        ({"what_happened": "x" * 20_001}, "what_happened", "at most 20000 characters"),
    ],
)
def test_bad_input_gets_its_message_and_400_and_keeps_what_was_typed(
    english, authorities, wages, solve_captcha, overrides, field, message
):
    response = english.post(FORM_URL, form_data(wages, solve_captcha, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html or field in ("form_token", "altcha")
    assert "Nothing you typed has been lost" in html or field == "form_token"
    assert "My wages for March and April" in html or field == "what_happened"
    assert Complaint.objects.count() == 0


def test_html_and_script_in_fields_are_stored_as_text_and_shown_escaped(
    english, authorities, wages, solve_captcha
):
    response = english.post(
        FORM_URL,
        form_data(
            wages,
            solve_captcha,
            email="",
            what_happened="",
            happened_where="<script>alert(1)</script>",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_solved_captcha_cannot_be_used_twice(client, authorities, wages, solve_captcha):
    payload = solve_captcha()
    first = client.post(FORM_URL, form_data(wages, solve_captcha, altcha=payload))
    again = client.post(
        FORM_URL,
        form_data(wages, solve_captcha, altcha=payload, form_token="f" * 32),
    )
    assert first.status_code == 200
    assert again.status_code == 400
    assert Complaint.objects.count() == 1


def test_the_honeypot_turns_bots_away(client, authorities, wages, solve_captcha):
    response = client.post(FORM_URL, form_data(wages, solve_captcha, website="http://spam.example"))
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_filing_is_rate_limited_per_address(client, authorities, wages, solve_captcha, settings):
    settings.COMPLAINT_RATES = {"submit": "2/h", "track": "100/m"}
    statuses = [
        client.post(FORM_URL, form_data(wages, solve_captcha, form_token=f"{n:032x}")).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    limited = client.post(FORM_URL, form_data(wages, solve_captcha, form_token="e" * 32))
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    # Another address is not affected.
    other = client.post(
        FORM_URL, form_data(wages, solve_captcha, form_token="d" * 32), REMOTE_ADDR="192.0.2.9"
    )
    assert other.status_code == 200
    assert Complaint.objects.count() == 3


def test_an_anonymous_report_without_contact_is_accepted(
    client, authorities, report_category, solve_captcha
):
    response = client.post(
        FORM_URL,
        form_data(report_category, solve_captcha, anonymous="on", name="", email="", phone=""),
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.anonymous and complaint.name == "" and complaint.email == ""
    assert mail.outbox == []


# Tracking --------------------------------------------------------------------------------------


def _file(client, category, solve_captcha) -> tuple[str, str]:
    html = client.post(FORM_URL, form_data(category, solve_captcha)).content.decode()
    number = re.search(r'id="tracking-number">([0-9A-Z-]+)<', html).group(1)
    code = re.search(r'id="access-code">([0-9A-Z-]+)<', html).group(1)
    return number, code


def test_tracking_with_the_right_code_shows_each_step_with_date_and_deadline(
    english, authorities, wages, solve_captcha
):
    number, code = _file(english, wages, solve_captcha)
    response = english.post(TRACK_URL, {"tracking_number": number.lower(), "access_code": code})
    assert response.status_code == 200
    html = response.content.decode()
    complaint = Complaint.objects.get()
    assert number in html
    assert "Received" in html
    assert complaint.acceptance_deadline.isoformat() in html
    assert "Next step due by" in html


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(
    client, authorities, wages, solve_captcha
):
    number, _code = _file(client, wages, solve_captcha)
    unknown = codes.tracking_number_generate(2026)
    wrong_code = client.post(TRACK_URL, {"tracking_number": number, "access_code": "AAAAA-AAAAA"})
    no_such = client.post(TRACK_URL, {"tracking_number": unknown, "access_code": "AAAAA-AAAAA"})
    assert wrong_code.status_code == no_such.status_code == 404
    assert _without_csrf(wrong_code.content.decode()).replace(number, "N") == _without_csrf(
        no_such.content.decode()
    ).replace(unknown, "N")


def test_a_mistyped_number_is_caught_by_its_check_character(english, authorities):
    response = english.post(TRACK_URL, {"tracking_number": "TS-2026-AAAA-AAAA", "access_code": "x"})
    assert response.status_code == 400
    assert "check character" in response.content.decode()


def test_tracking_is_rate_limited(client, authorities, settings):
    # An hour's window: no window edge in the middle of the test.
    settings.COMPLAINT_RATES = {"submit": "100/h", "track": "3/h"}
    data = {"tracking_number": codes.tracking_number_generate(2026), "access_code": "AAAAA-AAAAA"}
    statuses = [client.post(TRACK_URL, data).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_a_ten_megabyte_description_gets_400_not_500(client, authorities, wages, solve_captcha):
    data = form_data(wages, solve_captcha, what_happened="长" * (10 * 1024 * 1024 // 3))
    response = client.post(FORM_URL, data)
    assert response.status_code == 400
    assert Complaint.objects.count() == 0


def test_a_forged_tracking_number_gets_a_clear_400(english, authorities):
    for forged in ("TS-2026-AAAA-AAA", "' OR 1=1 --", "<script>", "TS-9999-" + "Z" * 40):
        response = english.post(TRACK_URL, {"tracking_number": forged, "access_code": "x"})
        assert response.status_code == 400
        assert "<script>" not in response.content.decode().split("<main", 1)[1]
