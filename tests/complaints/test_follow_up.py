"""The complainant's follow-up on the tracking page, with number and code only: answering a
request for information (text and more evidence, checked as at intake), rating a concluded
complaint once, asking the level above for a review within the period (which reopens it there),
and adding a complaint to an earlier open one as a supplement."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import Complaint, ComplaintAttachment
from complaints.services import (
    complaint_accept,
    complaint_conclude,
    complaint_not_accept,
    complaint_request_information,
)
from portal.core.models import AuditEntry
from tests.complaints.filing import complaint_file
from tests.factories import OrganisationFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMPLAINT_ATTACHMENTS_ROOT = tmp_path / "attachments"


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def officer(authorities):
    return StaffMembershipFactory(authority=authorities["shenzhen"], role="officer").user


def holder(filed) -> dict:
    return {"tracking_number": filed.complaint.tracking_number, "access_code": filed.access_code}


def test_the_complainant_answers_a_request_with_text_and_evidence(
    english, authorities, wages, officer
):
    filed = complaint_file(wages)
    complaint_accept(complaint=filed.complaint, actor=officer)
    complaint_request_information(
        complaint=filed.complaint, actor=officer, text="Send your payslips, please."
    )
    page = english.post("/complaints/track/", holder(filed)).content.decode()
    assert "Send your payslips, please." in page
    assert "Answer the request for information" in page

    response = english.post(
        "/complaints/track/answer/",
        {
            **holder(filed),
            "answer-text": "ANSWERMARKER here they are",
            "answer-attachments": [SimpleUploadedFile("march.pdf", PDF)],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your answer has been sent" in html
    assert "ANSWERMARKER" not in html  # the answer is for the staff, not the timeline
    complaint = Complaint.objects.get()
    assert complaint.status == "under_investigation"
    event = complaint.events.get(kind="information_provided")
    assert event.private_text == "ANSWERMARKER here they are"
    [attachment] = ComplaintAttachment.objects.filter(event=event)
    assert attachment.original_name == "march.pdf" and attachment.file.read() == PDF
    entry = AuditEntry.objects.get(action="complaints.complaint.information_provided")
    assert entry.actor is None and entry.data["by"] == "complainant"
    assert entry.data["before"]["status"] == "information_requested"
    # The form is gone once answered.
    assert "Answer the request for information" not in html


def test_a_bad_answer_gets_its_message_and_400_and_changes_nothing(
    english, authorities, wages, officer
):
    filed = complaint_file(wages)
    complaint_request_information(complaint=filed.complaint, actor=officer, text="Which month?")
    renamed = english.post(
        "/complaints/track/answer/",
        {
            **holder(filed),
            "answer-text": "Typed text is kept",
            "answer-attachments": [SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00binary")],
        },
    )
    assert renamed.status_code == 400
    assert "is not a PDF, JPEG, PNG or DOCX" in renamed.content.decode()
    assert "Typed text is kept" in renamed.content.decode()
    empty = english.post("/complaints/track/answer/", {**holder(filed), "answer-text": " "})
    assert empty.status_code == 400
    assert "Write your answer or attach a file." in empty.content.decode()
    wrong_code = english.post(
        "/complaints/track/answer/",
        {**holder(filed), "access_code": "AAAA-AAAA-AAAA-AAAA", "answer-text": "x"},
    )
    assert wrong_code.status_code == 404
    assert Complaint.objects.get().status == "information_requested"
    assert not Complaint.objects.get().events.filter(kind="information_provided").exists()


def test_an_answer_without_a_request_is_refused(english, authorities, wages):
    filed = complaint_file(wages)
    response = english.post("/complaints/track/answer/", {**holder(filed), "answer-text": "Hi"})
    assert response.status_code == 400
    assert Complaint.objects.get().status == "received"


def test_a_concluded_complaint_is_rated_once(english, authorities, wages, officer):
    filed = complaint_file(wages)
    complaint_accept(complaint=filed.complaint, actor=officer)
    complaint_conclude(complaint=filed.complaint, actor=officer, outcome="Wages paid.")
    page = english.post("/complaints/track/", holder(filed)).content.decode()
    assert "Rate the handling" in page and "Wages paid." in page

    out_of_range = english.post("/complaints/track/rate/", {**holder(filed), "rate-rating": "7"})
    assert out_of_range.status_code == 400
    rated = english.post(
        "/complaints/track/rate/",
        {**holder(filed), "rate-rating": "4", "rate-comment": "Slow but fair."},
    )
    assert rated.status_code == 200
    assert "You rated the handling 4 out of 5" in rated.content.decode()
    again = english.post("/complaints/track/rate/", {**holder(filed), "rate-rating": "1"})
    assert again.status_code == 400
    assert "already rated" in again.content.decode()
    complaint = Complaint.objects.get()
    assert (complaint.satisfaction_rating, complaint.satisfaction_comment) == (4, "Slow but fair.")
    assert AuditEntry.objects.filter(action="complaints.complaint.rated").count() == 1


def test_a_complaint_not_yet_concluded_cannot_be_rated(english, authorities, wages):
    filed = complaint_file(wages)
    response = english.post("/complaints/track/rate/", {**holder(filed), "rate-rating": "5"})
    assert response.status_code == 400
    assert Complaint.objects.get().satisfaction_rating is None


def test_a_review_reopens_the_case_at_the_level_above(english, authorities, wages, officer):
    filed = complaint_file(wages)
    complaint_not_accept(
        complaint=filed.complaint, actor=officer, reason="Out of time.", rule="Rule 3"
    )
    page = english.post("/complaints/track/", holder(filed)).content.decode()
    assert "Ask for a review by the level above" in page

    assert (
        english.post(
            "/complaints/track/review/", {**holder(filed), "review-grounds": ""}
        ).status_code
        == 400
    )
    response = english.post(
        "/complaints/track/review/",
        {**holder(filed), "review-grounds": "GROUNDSMARKER it was in time"},
    )
    assert response.status_code == 200
    assert "GROUNDSMARKER" not in response.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.status == "received"
    assert complaint.routed_authority == authorities["guangdong"]
    assert complaint.review_requested_at is not None
    assert complaint.events.last().kind == "review_requested"
    entry = AuditEntry.objects.get(action="complaints.complaint.review_requested")
    assert entry.data["before"]["routed_authority"] == authorities["shenzhen"].pk
    assert entry.data["after"]["routed_authority"] == authorities["guangdong"].pk
    # The Shenzhen officer no longer handles it; the province does.
    from complaints.selectors import complaints_visible_to

    assert complaints_visible_to(officer).filter(pk=complaint.pk).exists() is False
    # Once only.
    supervisor = StaffMembershipFactory(authority=authorities["guangdong"], role="officer").user
    complaint_not_accept(complaint=complaint, actor=supervisor, reason="Still late.", rule="R3")
    again = english.post("/complaints/track/review/", {**holder(filed), "review-grounds": "Again"})
    assert again.status_code == 400


def test_a_review_is_refused_after_the_period(english, authorities, wages, officer, settings):
    settings.COMPLAINT_REVIEW_DAYS = 30
    filed = complaint_file(wages)
    complaint_accept(complaint=filed.complaint, actor=officer)
    complaint_conclude(complaint=filed.complaint, actor=officer, outcome="Done.")
    Complaint.objects.update(concluded_at=timezone.now() - datetime.timedelta(days=31))
    page = english.post("/complaints/track/", holder(filed)).content.decode()
    assert "Ask for a review" not in page
    response = english.post(
        "/complaints/track/review/", {**holder(filed), "review-grounds": "Please"}
    )
    assert response.status_code == 400
    assert "ended on" in response.content.decode()
    assert Complaint.objects.get().status == "concluded"


def test_a_complaint_joins_an_earlier_one_without_learning_about_it(english, authorities, wages):
    employer = OrganisationFactory(name="深圳市重复测试有限公司")
    first = complaint_file(
        wages,
        key="1",
        subject_organisation=employer,
        subject_name="",
        subject_region=None,
        name="FIRSTCOMPLAINANT",
        email="first@example.org",
    )
    second = complaint_file(
        wages, key="2", subject_organisation=employer, subject_name="", subject_region=None
    )
    page = english.post("/complaints/track/", holder(second)).content.decode()
    assert "An earlier complaint about the same organisation" in page
    assert "/complaints/track/join/" in page
    first_page = english.post("/complaints/track/", holder(first)).content.decode()
    assert "/complaints/track/join/" not in first_page  # nothing earlier to join

    response = english.post("/complaints/track/join/", holder(second))
    assert response.status_code == 200
    html = response.content.decode()
    assert "added to the earlier one" in html
    for secret in (first.complaint.tracking_number, "FIRSTCOMPLAINANT", "first@example.org"):
        assert secret not in html
    joined = Complaint.objects.get(pk=second.complaint.pk)
    assert joined.supplement_to == first.complaint
    assert joined.routed_authority == first.complaint.routed_authority
    assert joined.events.last().kind == "supplement_joined"
    # The first complaint's own timeline is untouched; a second join is refused.
    assert list(first.complaint.events.values_list("kind", flat=True)) == ["received"]
    assert english.post("/complaints/track/join/", holder(second)).status_code == 400
    assert english.post("/complaints/track/join/", holder(first)).status_code == 400


def test_the_confirmation_offers_to_join_the_earlier_complaint(
    english, authorities, wages, solve_captcha
):
    import re

    from tests.complaints.test_views import form_data

    employer = OrganisationFactory(name="深圳市确认页重复测试有限公司")
    data = form_data(wages, solve_captcha, organisation=employer.name, subject_region="")
    first = english.post("/complaints/new/", data)
    assert first.status_code == 200
    assert "/complaints/track/join/" not in first.content.decode()

    data = form_data(
        wages,
        solve_captcha,
        organisation=employer.name,
        subject_region="",
        form_token="f" * 32,
        name="Second Person",
    )
    second = english.post("/complaints/new/", data)
    html = second.content.decode()
    assert "already has an open complaint" in html
    assert 'action="/complaints/track/join/"' in html
    number = re.search(r'id="tracking-number">([0-9A-Z-]+)<', html).group(1)
    code = re.search(r'id="access-code">([0-9A-Z-]+)<', html).group(1)
    joined = english.post(
        "/complaints/track/join/", {"tracking_number": number, "access_code": code}
    )
    assert joined.status_code == 200
    earlier, later = Complaint.objects.order_by("received_at")
    assert later.supplement_to == earlier
    assert earlier.tracking_number not in joined.content.decode()
