"""Re-routing by hand (转办): staff of the authority handling a complaint send it to another
authority with a public reason; the new authority's staff see it and the old one's no longer do;
the assignment is cleared and an acceptance deadline starts again; the complainant sees where it
went and is e-mailed; complaints about staff only go to the supervising level."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from complaints.calendar import add_working_days
from complaints.models import Complaint, ComplaintCategory
from complaints.selectors import complaints_visible_to
from complaints.services import (
    complaint_accept,
    complaint_assign,
    complaint_conclude,
    complaint_deadline_extend,
    complaint_transfer,
)
from portal.core.models import AuditEntry, Region
from tests.complaints.filing import complaint_file
from tests.complaints.test_officer_match import about_officer
from tests.factories import AuthorityFactory, StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/complaints/"
REASON = "The employer is registered in Guangzhou, not Shenzhen."


def member(authority, role: str = "officer", user=None):
    return StaffMembershipFactory(
        authority=authority, role=role, **({"user": user} if user else {})
    ).user


def post_transfer(client, complaint, **data):
    url = reverse("complaints_admin:action", args=[complaint.pk, "transfer"])
    return client.post(
        url, {f"transfer-{key}": value for key, value in data.items()}, HTTP_ACCEPT_LANGUAGE="en"
    )


def visible(user, complaint) -> bool:
    return complaints_visible_to(user).filter(pk=complaint.pk).exists()


@pytest.fixture
def misconduct(db) -> ComplaintCategory:
    return ComplaintCategory.objects.get(code="officer-misconduct")


def test_an_officer_sends_a_complaint_to_the_authority_of_another_city(client, authorities, wages):
    filed = complaint_file(wages)
    complaint = filed.complaint
    shenzhen = member(authorities["shenzhen"])
    colleague = UserFactory(username="sz-colleague", first_name="Colleague", last_name="Name")
    member(authorities["shenzhen"], user=colleague)
    complaint_assign(complaint=complaint, actor=shenzhen, officer=colleague)
    guangzhou = member(authorities["guangzhou"])
    province = member(authorities["guangdong"], "supervisor")
    before = AuditEntry.objects.count()

    client.force_login(shenzhen)
    detail = reverse("complaints_admin:detail", args=[complaint.pk])
    assert 'id="action-transfer"' in client.get(detail).content.decode()
    response = post_transfer(
        client, complaint, to_authority=authorities["guangzhou"].pk, reason=REASON
    )
    assert response.status_code == 302
    assert response["Location"] == QUEUE  # its page is no longer the Shenzhen officer's

    complaint.refresh_from_db()
    assert complaint.routed_authority == authorities["guangzhou"]
    assert complaint.assigned_officer is None
    assert complaint.status == "received"
    today = timezone.localdate()
    assert complaint.acceptance_deadline == add_working_days(today, wages.acceptance_days)
    step = complaint.events.get(kind="transferred")
    assert (step.authority, step.public_text) == (authorities["guangzhou"], REASON)
    assert step.deadline == complaint.acceptance_deadline

    entry = AuditEntry.objects.get(action="complaints.complaint.transferred")
    assert AuditEntry.objects.count() == before + 1
    assert entry.actor == shenzhen
    assert entry.data["before"]["routed_authority"] == authorities["shenzhen"].pk
    assert entry.data["after"]["routed_authority"] == authorities["guangzhou"].pk
    assert entry.data["before"]["assigned_officer"] == colleague.pk
    assert entry.data["after"]["assigned_officer"] is None
    assert entry.data["reason"] == REASON

    # The new authority sees it; the old one no longer does, its supervisors above still do.
    assert client.get(detail).status_code == 404
    assert not visible(colleague, complaint)
    assert visible(guangzhou, complaint) and visible(province, complaint)
    client.force_login(guangzhou)
    assert complaint.tracking_number in client.get(QUEUE).content.decode()

    # The complainant sees where it went and why, and no staff names.
    client.cookies["django_language"] = "en"
    page = client.post(
        "/complaints/track/",
        {"tracking_number": complaint.tracking_number, "access_code": filed.access_code},
    ).content.decode()
    assert "Transferred to another authority" in page
    assert f"Transferred to {authorities['guangzhou'].name_en}" in page
    assert REASON in page
    for name in ("sz-colleague", "Colleague", shenzhen.username):
        assert name not in page


def test_an_accepted_complaint_keeps_its_conclusion_deadline(authorities, wages):
    complaint = complaint_file(wages).complaint
    officer = member(authorities["shenzhen"])
    complaint_accept(complaint=complaint, actor=officer)
    complaint.refresh_from_db()
    deadlines = (complaint.acceptance_deadline, complaint.conclusion_deadline)

    complaint_transfer(
        complaint=complaint, actor=officer, to_authority=authorities["guangzhou"], reason=REASON
    )
    complaint.refresh_from_db()
    assert complaint.status == "accepted"
    assert (complaint.acceptance_deadline, complaint.conclusion_deadline) == deadlines
    assert complaint.events.get(kind="transferred").deadline == complaint.conclusion_deadline


def test_bad_transfers_get_a_clear_message_and_change_nothing(client, authorities, wages):
    complaint = complaint_file(wages).complaint
    client.force_login(member(authorities["shenzhen"]))
    draft = AuthorityFactory(region=Region.objects.get(code="440400"), live=False)
    cases = [
        ({"to_authority": authorities["guangzhou"].pk, "reason": " "}, "This field is required."),
        (
            {"to_authority": authorities["shenzhen"].pk, "reason": REASON},
            "The complaint is already handled by this authority.",
        ),
        ({"to_authority": 999999, "reason": REASON}, "Choose a live authority from the list."),
        ({"to_authority": draft.pk, "reason": REASON}, "Choose a live authority from the list."),
        ({"to_authority": "", "reason": REASON}, "This field is required."),
    ]
    for data, message in cases:
        response = post_transfer(client, complaint, **data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert Complaint.objects.get().routed_authority == authorities["shenzhen"]
    assert not complaint.events.filter(kind="transferred").exists()
    assert not AuditEntry.objects.filter(action="complaints.complaint.transferred").exists()


def test_a_decided_complaint_is_not_transferred(client, authorities, wages):
    complaint = complaint_file(wages).complaint
    officer = member(authorities["shenzhen"])
    complaint_accept(complaint=complaint, actor=officer)
    complaint_conclude(complaint=complaint, actor=officer, outcome="Wages paid.")
    client.force_login(officer)
    detail = client.get(reverse("complaints_admin:detail", args=[complaint.pk]))
    assert 'id="action-transfer"' not in detail.content.decode()
    response = post_transfer(
        client, complaint, to_authority=authorities["guangzhou"].pk, reason=REASON
    )
    assert response.status_code == 400
    assert "This step is not possible" in response.content.decode()
    assert Complaint.objects.get().routed_authority == authorities["shenzhen"]


def test_staff_out_of_scope_get_404_and_editors_403(client, authorities, wages):
    complaint = complaint_file(wages).complaint
    client.force_login(member(authorities["guangzhou"]))
    data = {"to_authority": authorities["guangzhou"].pk, "reason": REASON}
    assert post_transfer(client, complaint, **data).status_code == 404
    client.force_login(member(authorities["shenzhen"], "editor"))
    assert post_transfer(client, complaint, **data).status_code in (302, 403)
    assert Complaint.objects.get().routed_authority == authorities["shenzhen"]


def test_a_complaint_about_an_officer_goes_only_to_a_supervising_level(
    client, authorities, misconduct
):
    accused = UserFactory(username="sz-4096")
    member(authorities["shenzhen"], user=accused)
    member(authorities["guangdong"], user=accused)
    complaint = about_officer(misconduct, authority=authorities["shenzhen"], name="sz-4096")
    assert complaint.routed_authority == authorities["guangdong"]
    province = member(authorities["guangdong"])
    client.force_login(province)

    for authority in ("guangzhou", "shenzhen"):
        response = post_transfer(
            client, complaint, to_authority=authorities[authority].pk, reason="Wrong level."
        )
        assert response.status_code == 400
        assert (
            "A complaint about an officer or an authority can only go to an authority above "
            "the one complained about" in response.content.decode()
        )
    assert Complaint.objects.get().routed_authority == authorities["guangdong"]

    response = post_transfer(
        client, complaint, to_authority=authorities["national"].pk, reason="The bureau decides."
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.routed_authority == authorities["national"]
    national = member(authorities["national"])
    assert visible(national, complaint)
    assert not visible(province, complaint)
    assert not visible(accused, complaint)
    member(authorities["national"], user=accused)
    assert not visible(accused, complaint)  # never about themselves, wherever it goes


worker = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@worker
def test_the_complainant_is_emailed_where_it_went(authorities, wages):
    filed = complaint_file(wages, "m", email="worker@example.org")
    officer = member(authorities["shenzhen"])
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    mail.outbox.clear()

    complaint_transfer(
        complaint=filed.complaint,
        actor=officer,
        to_authority=authorities["guangzhou"],
        reason=REASON,
    )
    assert mail.outbox == []  # after commit, by the background task
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)

    [message] = mail.outbox
    assert message.to == ["worker@example.org"]
    assert message.subject.endswith(": transferred to another authority")
    assert filed.complaint.tracking_number in message.subject
    assert f"Transferred to: {authorities['guangzhou'].name_en}" in message.body
    assert REASON in message.body
    assert officer.username not in message.body


@worker
def test_an_extended_deadline_is_emailed_with_its_reason(authorities, wages):
    filed = complaint_file(wages, "x", email="worker@example.org")
    officer = member(authorities["shenzhen"])
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    mail.outbox.clear()
    later = add_working_days(filed.complaint.acceptance_deadline, 5)

    complaint_deadline_extend(
        complaint=filed.complaint,
        actor=officer,
        new_deadline=later,
        reason="The employer's records are held in another city.",
    )
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)

    [message] = mail.outbox
    assert message.to == ["worker@example.org"]
    assert filed.complaint.tracking_number in message.subject
    assert f"Next step due by: {later.isoformat()}" in message.body
    assert "The employer's records are held in another city." in message.body
    assert officer.username not in message.body
