"""Filing a complaint and tracking it in a real browser (Chromium), in English and in Chinese:
the guided form with the suggestions and the ALTCHA widget (solved by the browser itself), the
confirmation, and the timeline. Every page passes the checks every page passes: nothing from
other hosts, axe-core, the Nu HTML checker."""

import re

import pytest

from complaints.models import Complaint
from portal.core.models import Region
from tests.factories import AuthorityFactory, OrganisationFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAYSLIP = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# The category as the select shows it in each language (the data migration's names).
CATEGORY = {"en": "Unpaid wages", "zh-hans": "拖欠工资"}


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    settings.COMPLAINT_ATTACHMENTS_ROOT = tmp_path / "attachments"


@pytest.fixture
def shenzhen():
    national = AuthorityFactory(region=None, level="national", name="国家外国专家局")
    guangdong = AuthorityFactory(
        region=Region.objects.get(code="440000"),
        level="provincial",
        parent=national,
        name="广东省人力资源和社会保障厅",
    )
    return AuthorityFactory(
        parent=guangdong,
        name="深圳市人力资源和社会保障局",
        name_en="Shenzhen Municipal Human Resources and Social Security Bureau",
    )


@pytest.fixture
def employer():
    return OrganisationFactory(name="深圳市浏览器测试科技有限公司")


def file_complaint(visitor, employer, language: str) -> tuple[str, str]:
    page = visitor.page
    visitor.open("/complaints/new/")
    visitor.assert_page_passes()

    page.check("#id_complainant_kind_0")
    page.fill("#id_name", "Browser Tester")
    page.fill("#id_email", "tester@example.org")
    page.check("#id_subject_kind_0")
    page.fill("#id_organisation", employer.name)
    page.select_option("#id_category", label=CATEGORY[language])
    assert page.locator("#category-notice").inner_text().strip()  # the category's notice
    page.fill("#id_what_happened", "Wages for two months were not paid.")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "payslip.pdf", "mimeType": "application/pdf", "buffer": PAYSLIP}],
    )
    page.check("#id_consent_to_publish")
    # The proof of work runs in the browser; the widget says when it is done.
    # Clicked through its label, as a person does (the drawn tick covers the box itself).
    checkbox = page.locator("altcha-widget input[type='checkbox']")
    page.locator(f"label[for='{checkbox.get_attribute('id')}']").click()
    page.wait_for_function(
        "() => { const f = document.querySelector('input[name=\"altcha\"]');"
        " return f && f.value.length > 0; }",
        timeout=60_000,
    )
    with page.expect_navigation():
        page.locator(".complaint-form button[type='submit']").click()
    visitor.html = page.content()
    number = page.locator("#tracking-number").inner_text()
    code = page.locator("#access-code").inner_text()
    return number, code


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_file_a_complaint_see_the_confirmation_and_track_it(visit, shenzhen, employer, language):
    visitor = visit(language)
    number, code = file_complaint(visitor, employer, language)

    complaint = Complaint.objects.get()
    assert complaint.tracking_number == number
    assert complaint.subject_organisation == employer
    assert complaint.routed_authority == shenzhen
    assert complaint.language == language
    assert [item.original_name for item in complaint.attachments.all()] == ["payslip.pdf"]
    assert re.fullmatch(r"TS-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", number)
    confirmation = visitor.page.content()
    assert complaint.acceptance_deadline.isoformat() in confirmation
    if language == "en":
        assert "Shenzhen Municipal Human Resources" in confirmation
        assert "Your complaint has been received" in confirmation
    else:
        assert "深圳市人力资源和社会保障局" in confirmation
    visitor.assert_self_contained()

    # The receipt, from the confirmation page.
    with visitor.page.expect_download() as download:
        visitor.page.locator(".receipt-form button").first.click()
    assert download.value.suggested_filename == f"{number}.pdf"
    with open(download.value.path(), "rb") as receipt:
        assert receipt.read(5) == b"%PDF-"

    visitor.open("/complaints/track/")
    visitor.assert_page_passes()
    visitor.page.fill("#id_tracking_number", number.lower())
    visitor.page.fill("#id_access_code", code)
    with visitor.page.expect_navigation() as navigation:
        visitor.page.locator(".track-form button[type='submit']").click()
    response = navigation.value
    assert response.status == 200
    visitor.html = response.text()
    assert number in visitor.html
    assert complaint.acceptance_deadline.isoformat() in visitor.html
    assert "Browser Tester" not in visitor.html
    assert "tester@example.org" not in visitor.html
    assert "Wages for two months" not in visitor.html
    visitor.assert_page_passes()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_from_a_credit_record_the_form_is_already_about_its_organisation(
    visit, shenzhen, employer, language
):
    visitor = visit(language)
    visitor.open(f"/organisations/{employer.uscc}/")
    visitor.assert_page_passes()
    with visitor.page.expect_navigation() as navigation:
        visitor.page.locator(".complain a.button-link").click()
    response = navigation.value
    assert response.status == 200
    visitor.html = response.text()

    page = visitor.page
    assert page.locator("#id_subject_kind_0").is_checked()
    organisation = page.locator("#id_organisation")
    assert organisation.is_visible()  # the script shows the part about an organisation
    assert organisation.input_value() == employer.name
    assert page.locator("#id_subject_authority").is_hidden()
    visitor.assert_page_passes()


def test_the_confirmation_page_passes_the_checks(visit, shenzhen, employer):
    visitor = visit("en")
    file_complaint(visitor, employer, "en")
    visitor.assert_page_passes()


def test_a_form_with_mistakes_comes_back_with_its_messages(visit, shenzhen):
    visitor = visit("en")
    visitor.open("/complaints/new/")
    with visitor.page.expect_navigation() as navigation:
        visitor.page.locator(".complaint-form button[type='submit']").click()
    response = navigation.value
    assert response.status == 400
    visitor.html = response.text()
    assert "Please correct the following" in visitor.html
    assert Complaint.objects.count() == 0
    visitor.assert_page_passes()


def track(visitor, number: str, code: str):
    visitor.open("/complaints/track/")
    visitor.page.fill("#id_tracking_number", number)
    visitor.page.fill("#id_access_code", code)
    with visitor.page.expect_navigation() as navigation:
        visitor.page.locator(".track-form button[type='submit']").click()
    response = navigation.value
    assert response.status == 200
    visitor.html = response.text()
    return response


def test_filed_handled_by_an_officer_tracked_and_rated(visit, shenzhen, employer):
    """The issue's "done when": a complaint filed in English with an attachment, its receipt,
    tracked; an officer accepts and concludes it in the admin; the complainant sees the
    outcome and rates it."""
    complainant = visit("en")
    number, code = file_complaint(complainant, employer, "en")
    with complainant.page.expect_download() as download:
        complainant.page.locator(".receipt-form button").first.click()
    assert download.value.suggested_filename == f"{number}.pdf"
    track(complainant, number, code)
    assert "Received" in complainant.html

    officer = StaffMembershipFactory(authority=shenzhen, role="officer").user
    staff = visit("en")
    staff.open("/admin/login/")
    staff.page.fill("#id_username", officer.username)
    staff.page.fill("#id_password", "password")
    with staff.page.expect_navigation():
        staff.page.locator("form button[type='submit']").first.click()
    staff.open("/admin/complaints/")
    staff.page.locator(f"a:text('{number}')").click()
    staff.page.wait_for_selector("#action-accept")
    assert "payslip.pdf" in staff.page.content()
    staff.page.fill("#id_accept-public_text", "We will contact the employer.")
    with staff.page.expect_navigation():
        staff.page.locator("#action-accept button[type='submit']").click()
    assert "Accepted" in staff.page.locator("#complaint-status").inner_text()
    staff.page.fill("#id_conclude-outcome", "The employer paid the two months' wages.")
    with staff.page.expect_navigation():
        staff.page.locator("#action-conclude button[type='submit']").click()
    assert "Concluded" in staff.page.locator("#complaint-status").inner_text()
    staff.assert_self_contained()

    track(complainant, number, code)
    assert "The employer paid the two months" in complainant.html
    assert "We will contact the employer." in complainant.html
    complainant.assert_page_passes()  # the page with the rating and review forms
    complainant.page.locator("#id_rate-rating_1").check()  # 4 – satisfied
    complainant.page.fill("#id_rate-comment", "Quick and fair.")
    with complainant.page.expect_navigation() as navigation:
        complainant.page.locator(".rating-form button[type='submit']").click()
    assert navigation.value.status == 200
    complainant.html = navigation.value.text()
    assert "You rated the handling 4 out of 5" in complainant.html
    complainant.assert_page_passes()

    complaint = Complaint.objects.get()
    assert complaint.status == "concluded"
    assert (complaint.satisfaction_rating, complaint.satisfaction_comment) == (4, "Quick and fair.")
    assert complaint.events.filter(kind="accepted").count() == 1
