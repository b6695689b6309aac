"""Officers handle complaints in the Wagtail admin: the queue of their scope with its filters and
overdue flags, a complaint's page with everything filed, the attachment downloads, and each
action (assign, note, accept, not accept, request information, extend, conclude), each a
timeline step and an audit entry with before and after."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.attachments import InspectedFile
from complaints.models import Complaint, ComplaintEvent, ComplaintNote
from complaints.services import complaint_track
from portal.core.models import AuditEntry, Region
from tests.complaints.filing import complaint_file
from tests.factories import (
    ComplaintCategoryFactory,
    CreditEventFactory,
    OrganisationFactory,
    StaffMembershipFactory,
)

pytestmark = pytest.mark.django_db

QUEUE = "/admin/complaints/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMPLAINT_ATTACHMENTS_ROOT = tmp_path / "attachments"


def file(category, *, key: str, city: str = "440300", organisation=None, attachments=()):
    """A complaint about an organisation in the records, or else about 某公司`key` in `city`,
    its narrative marked "NARRATIVE `key`"."""
    return complaint_file(
        category,
        key,
        name="Ada Complainant",
        email="ada@example.org",
        phone="13800138000",
        subject_organisation=organisation,
        subject_name="" if organisation else f"某公司{key}",
        subject_region=None if organisation else Region.objects.get(code=city),
        what_happened=f"NARRATIVE {key}: wages unpaid since March.",
        attachments=attachments,
    )


def staff(client, authority, role: str = "officer"):
    user = StaffMembershipFactory(authority=authority, role=role).user
    client.force_login(user)
    return user


@pytest.fixture
def shenzhen_case(authorities, wages):
    return file(
        wages,
        key="a",
        attachments=[InspectedFile(kind="pdf", content=PDF, original_name="payslip.pdf")],
    )


@pytest.fixture
def guangzhou_case(authorities, wages):
    return file(wages, key="b", city="440100")


def test_the_queue_shows_the_complaints_of_the_scope_only(
    client, authorities, shenzhen_case, guangzhou_case
):
    staff(client, authorities["shenzhen"])
    html = client.get(QUEUE).content.decode()
    assert shenzhen_case.complaint.tracking_number in html
    assert guangzhou_case.complaint.tracking_number not in html
    # The level above sees its prefectures.
    staff(client, authorities["guangdong"], "supervisor")
    html = client.get(QUEUE).content.decode()
    assert shenzhen_case.complaint.tracking_number in html
    assert guangzhou_case.complaint.tracking_number in html


def test_the_menu_offers_complaints_to_officers_and_not_to_editors(client, authorities):
    staff(client, authorities["shenzhen"])
    assert reverse("complaints_admin:queue") in client.get("/admin/").content.decode()
    staff(client, authorities["shenzhen"], "editor")
    assert reverse("complaints_admin:queue") not in client.get("/admin/").content.decode()
    assert client.get(QUEUE).status_code in (302, 403)


def test_the_queue_filters_by_status_category_and_overdue(
    client, authorities, wages, shenzhen_case
):
    other_category = ComplaintCategoryFactory(code="test-other")
    other = file(other_category, key="c")
    late = file(wages, key="d")
    Complaint.objects.filter(pk=late.complaint.pk).update(
        acceptance_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    staff(client, authorities["shenzhen"])
    numbers = {
        name: case.complaint.tracking_number
        for name, case in {"first": shenzhen_case, "other": other, "late": late}.items()
    }

    by_category = client.get(QUEUE, {"category": other_category.pk}).content.decode()
    assert numbers["other"] in by_category and numbers["first"] not in by_category

    overdue = client.get(QUEUE, {"overdue": "on"}).content.decode()
    assert numbers["late"] in overdue and numbers["first"] not in overdue
    assert "overdue-flag" in overdue

    assert numbers["first"] not in client.get(QUEUE, {"status": "accepted"}).content.decode()
    assert numbers["first"] in client.get(QUEUE, {"status": "received"}).content.decode()
    bad = client.get(QUEUE, {"status": "nonsense"})
    assert bad.status_code == 400


def test_the_detail_page_shows_everything_filed_and_the_audit(client, authorities, shenzhen_case):
    staff(client, authorities["shenzhen"])
    complaint = shenzhen_case.complaint
    response = client.get(reverse("complaints_admin:detail", args=[complaint.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        complaint.tracking_number,
        "Ada Complainant",
        "ada@example.org",
        "13800138000",
        "NARRATIVE a",
        "payslip.pdf",
        "complaints.complaint.received",
    ):
        assert text in html


def test_attachments_are_downloaded_by_staff_in_scope_only(client, authorities, shenzhen_case):
    complaint = shenzhen_case.complaint
    attachment = complaint.attachments.get()
    url = reverse("complaints_admin:attachment", args=[complaint.pk, attachment.pk])

    assert client.get(url).status_code == 302  # to the login page
    staff(client, authorities["guangzhou"])
    assert client.get(url).status_code == 404
    staff(client, authorities["shenzhen"], "editor")
    assert client.get(url).status_code in (302, 403)

    officer = staff(client, authorities["shenzhen"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(action="complaints.attachment.downloaded")
    assert entry.actor == officer


def post_action(client, complaint, action: str, **data):
    url = reverse("complaints_admin:action", args=[complaint.pk, action])
    return client.post(url, {f"{action}-{key}": value for key, value in data.items()})


def test_an_officer_handles_a_complaint_from_receipt_to_conclusion(client, authorities, wages):
    employer = OrganisationFactory(region=Region.objects.get(code="440305"))
    event = CreditEventFactory(organisation=employer)
    filed = file(wages, key="e", organisation=employer)
    complaint = filed.complaint
    officer = staff(client, authorities["shenzhen"])
    colleague = StaffMembershipFactory(authority=authorities["shenzhen"], role="officer").user

    assert post_action(client, complaint, "note", text="Called the employer.").status_code == 302
    assert (
        post_action(client, complaint, "accept", public_text="We look into it.").status_code == 302
    )
    assert post_action(client, complaint, "assign", officer=colleague.pk).status_code == 302
    assert (
        post_action(
            client, complaint, "request-information", text="Send your contract, please."
        ).status_code
        == 302
    )
    new_deadline = Complaint.objects.get().conclusion_deadline + datetime.timedelta(days=10)
    assert (
        post_action(
            client,
            complaint,
            "extend",
            new_deadline=new_deadline.isoformat(),
            reason="Waiting for the bank's records.",
        ).status_code
        == 302
    )
    assert (
        post_action(
            client, complaint, "conclude", outcome="The employer paid.", credit_event=event.pk
        ).status_code
        == 302
    )

    complaint.refresh_from_db()
    assert complaint.status == "concluded"
    assert complaint.assigned_officer == colleague
    assert complaint.conclusion_deadline == new_deadline
    assert complaint.outcome_credit_event == event
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == [
        "received",
        "accepted",
        "assigned",
        "information_requested",
        "deadline_extended",
        "concluded",
    ]
    actions = list(
        AuditEntry.objects.filter(object_id=str(complaint.pk), actor=officer).values_list(
            "action", flat=True
        )
    )
    for verb in (
        "noted",
        "accepted",
        "assigned",
        "information_requested",
        "deadline_extended",
        "concluded",
    ):
        assert f"complaints.complaint.{verb}" in actions
    extended = AuditEntry.objects.get(action="complaints.complaint.deadline_extended")
    assert extended.data["after"]["conclusion_deadline"] == new_deadline.isoformat()
    assert extended.data["before"]["conclusion_deadline"] != new_deadline.isoformat()

    # The complainant sees the public texts and the link to the record; never the note.
    tracked = complaint_track(
        tracking_number=complaint.tracking_number, access_code=filed.access_code
    )
    texts = " ".join(step.public_text for step in tracked.steps)
    assert "Send your contract" in texts and "bank's records" in texts and "paid" in texts
    assert "Called the employer" not in texts
    assert tracked.enforcement_action == event
    page = client.post(
        "/complaints/track/",
        {"tracking_number": complaint.tracking_number, "access_code": filed.access_code},
    ).content.decode()
    assert "Called the employer" not in page
    assert f"/organisations/{employer.uscc}/" in page
    assert ComplaintNote.objects.get().text == "Called the employer."


def test_not_accepting_needs_reason_and_rule_and_bad_steps_get_400(
    client, authorities, shenzhen_case
):
    complaint = shenzhen_case.complaint
    staff(client, authorities["shenzhen"])
    missing = post_action(client, complaint, "not-accept", reason="", rule="")
    assert missing.status_code == 400
    assert Complaint.objects.get().status == "received"
    # Concluding before accepting is not a step of this status.
    early = post_action(client, complaint, "conclude", outcome="Done.")
    assert early.status_code == 400
    done = post_action(client, complaint, "not-accept", reason="Not our competence.", rule="Rule 4")
    assert done.status_code == 302
    assert Complaint.objects.get().status == "not_accepted"
    # An extension to a date before the deadline, or of a closed case, is refused.
    assert (
        post_action(client, complaint, "extend", new_deadline="2020-01-01", reason="x").status_code
        == 400
    )
    assert ComplaintEvent.objects.filter(kind="deadline_extended").count() == 0


def test_an_extension_must_be_later_than_the_current_deadline(client, authorities, shenzhen_case):
    complaint = shenzhen_case.complaint
    staff(client, authorities["shenzhen"])
    earlier = complaint.acceptance_deadline - datetime.timedelta(days=1)
    response = post_action(
        client, complaint, "extend", new_deadline=earlier.isoformat(), reason="More time."
    )
    assert response.status_code == 400
    # The staff pages speak the default language (Chinese) to a user without a preference.
    current = complaint.acceptance_deadline.isoformat()
    assert f"新的期限必须晚于 {current}。" in response.content.decode()
    later = complaint.acceptance_deadline + datetime.timedelta(days=5)
    assert (
        post_action(
            client, complaint, "extend", new_deadline=later.isoformat(), reason="More time."
        ).status_code
        == 302
    )
    assert Complaint.objects.get().acceptance_deadline == later


def test_assignment_only_to_staff_who_may_see_the_complaint(client, authorities, shenzhen_case):
    complaint = shenzhen_case.complaint
    staff(client, authorities["shenzhen"])
    elsewhere = StaffMembershipFactory(authority=authorities["guangzhou"], role="officer").user
    response = post_action(client, complaint, "assign", officer=elsewhere.pk)
    assert response.status_code == 400
    assert Complaint.objects.get().assigned_officer is None


def test_an_unknown_action_and_a_complaint_out_of_scope_get_404(
    client, authorities, shenzhen_case, guangzhou_case
):
    staff(client, authorities["shenzhen"])
    assert post_action(client, shenzhen_case.complaint, "delete").status_code == 404
    other = guangzhou_case.complaint
    assert client.get(reverse("complaints_admin:detail", args=[other.pk])).status_code == 404
    assert post_action(client, other, "accept").status_code == 404
    assert Complaint.objects.get(pk=other.pk).status == "received"
