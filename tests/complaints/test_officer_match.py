"""Correcting the officer matched at intake to a complaint about an officer's conduct: a
supervisor who sees the complaint sets another staff member of the authority complained about, or
clears the match, with a reason; audited; the newly matched officer stops seeing it at once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from complaints.models import Complaint, ComplaintCategory
from complaints.selectors import complaints_visible_to
from complaints.services import (
    complaint_assign,
    complaint_subject_officer_correct,
)
from portal.core.models import AuditEntry
from tests.complaints.filing import complaint_file
from tests.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def member(authority, role: str = "officer", user=None):
    return StaffMembershipFactory(
        authority=authority, role=role, **({"user": user} if user else {})
    ).user


def about_officer(category, *, authority, name: str, key: str = "m") -> Complaint:
    """A complaint about the officer `name` of `authority` (routed to the level above)."""
    return complaint_file(
        category,
        key,
        subject_kind=Complaint.SubjectKind.OFFICER,
        subject_authority=authority,
        subject_name=name,
        what_happened="The officer asked for money.",
    ).complaint


def visible(user, complaint) -> bool:
    return complaints_visible_to(user).filter(pk=complaint.pk).exists()


def post_match(client, complaint, **data):
    url = reverse("complaints_admin:action", args=[complaint.pk, "officer-match"])
    return client.post(
        url,
        {f"officer-match-{key}": value for key, value in data.items()},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.fixture
def misconduct(db) -> ComplaintCategory:
    return ComplaintCategory.objects.get(code="officer-misconduct")


@pytest.fixture
def case(authorities, misconduct):
    """A complaint about "Li Na" of Shenzhen, matched to the wrong Li Na (sz-1); the right one
    is sz-2. Both also work at the province, which handles it."""
    wrong = UserFactory(username="sz-1", first_name="Na", last_name="Li")
    right = UserFactory(username="sz-2", first_name="Na", last_name="Lee")
    for user in (wrong, right):
        member(authorities["shenzhen"], user=user)
        member(authorities["guangdong"], user=user)
    complaint = about_officer(misconduct, authority=authorities["shenzhen"], name="Na Li")
    assert complaint.subject_officer == wrong
    return {"complaint": complaint, "wrong": wrong, "right": right}


def test_a_supervisor_corrects_the_match(client, authorities, case):
    complaint, wrong, right = case["complaint"], case["wrong"], case["right"]
    supervisor = member(authorities["guangdong"], "supervisor")
    complaint_assign(complaint=complaint, actor=supervisor, officer=right)
    assert visible(right, complaint) and not visible(wrong, complaint)

    client.force_login(supervisor)
    detail = reverse("complaints_admin:detail", args=[complaint.pk])
    page = client.get(detail).content.decode()
    assert 'id="action-officer-match"' in page
    assert 'id="subject-officer"' in page and "sz-1" in page
    response = post_match(client, complaint, officer=right.pk, reason="Badge number checked.")
    assert response.status_code == 302

    complaint.refresh_from_db()
    assert complaint.subject_officer == right
    assert complaint.assigned_officer is None  # never handling a complaint about themselves
    # At once: the newly matched officer no longer sees it; the wrongly matched one, who works
    # at the province, may see it again.
    assert not visible(right, complaint)
    assert visible(wrong, complaint)
    client.force_login(right)
    assert client.get(detail).status_code == 404

    entry = AuditEntry.objects.get(action="complaints.complaint.subject_officer_corrected")
    assert entry.actor == supervisor
    assert entry.data["before"]["subject_officer"] == wrong.pk
    assert entry.data["after"]["subject_officer"] == right.pk
    assert entry.data["before"]["assigned_officer"] == right.pk
    assert entry.data["after"]["assigned_officer"] is None
    assert entry.data["reason"] == "Badge number checked."
    # Not on the public timeline: it names staff.
    assert list(complaint.events.values_list("kind", flat=True)) == ["received", "assigned"]


def test_a_supervisor_clears_the_match(authorities, case):
    complaint, wrong = case["complaint"], case["wrong"]
    supervisor = member(authorities["national"], "supervisor")
    complaint_subject_officer_correct(
        complaint=complaint, actor=supervisor, officer=None, reason="No such officer."
    )
    complaint.refresh_from_db()
    assert complaint.subject_officer is None
    assert visible(wrong, complaint)  # a provincial officer, as any other there


def test_a_wrongly_matched_officer_sees_it_only_where_the_rules_allow(authorities, misconduct):
    # Matched wrongly, and working only at the authority complained about: after the
    # correction they still do not see it (rule 3: the supervising level only).
    local = UserFactory(username="sz-9")
    member(authorities["shenzhen"], user=local)
    complaint = about_officer(misconduct, authority=authorities["shenzhen"], name="sz-9")
    supervisor = member(authorities["guangdong"], "supervisor")
    complaint_subject_officer_correct(
        complaint=complaint, actor=supervisor, officer=None, reason="Another desk."
    )
    assert not visible(local, Complaint.objects.get())


def test_bad_corrections_get_a_clear_message_and_change_nothing(client, authorities, case):
    complaint, wrong = case["complaint"], case["wrong"]
    elsewhere = member(authorities["guangzhou"])
    client.force_login(member(authorities["guangdong"], "supervisor"))
    cases = [
        (
            {"officer": elsewhere.pk, "reason": "Other city."},
            "Choose a staff member of the authority complained about.",
        ),
        ({"officer": case["right"].pk, "reason": " "}, "This field is required."),
        (
            {"officer": wrong.pk, "reason": "Same."},
            "This is already the officer matched to the complaint.",
        ),
    ]
    for data, message in cases:
        response = post_match(client, complaint, **data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert Complaint.objects.get().subject_officer == wrong
    assert not AuditEntry.objects.filter(
        action="complaints.complaint.subject_officer_corrected"
    ).exists()

    # The service says the same to any caller.
    with pytest.raises(ValidationError) as error:
        complaint_subject_officer_correct(
            complaint=complaint,
            actor=member(authorities["guangdong"], "supervisor"),
            officer=elsewhere,
            reason="Other city.",
        )
    assert "authority complained about" in str(error.value)


def test_only_supervisors_who_see_it_may_correct(client, authorities, case):
    complaint, right = case["complaint"], case["right"]
    officer = member(authorities["guangdong"])
    client.force_login(officer)
    detail = reverse("complaints_admin:detail", args=[complaint.pk])
    assert 'id="action-officer-match"' not in client.get(detail).content.decode()
    # Refused as every action of the admin refuses (Wagtail turns the 403 into a redirect).
    assert post_match(client, complaint, officer=right.pk, reason="x").status_code in (302, 403)
    with pytest.raises(PermissionDenied):
        complaint_subject_officer_correct(
            complaint=complaint, actor=officer, officer=right, reason="x"
        )
    # A supervisor of the authority complained about does not see it: 404.
    client.force_login(member(authorities["shenzhen"], "supervisor"))
    assert post_match(client, complaint, officer=right.pk, reason="x").status_code == 404
    assert Complaint.objects.get().subject_officer == case["wrong"]


def test_a_complaint_about_an_organisation_has_no_officer_to_correct(client, authorities, wages):
    complaint = complaint_file(wages).complaint
    client.force_login(member(authorities["shenzhen"], "supervisor"))
    detail = reverse("complaints_admin:detail", args=[complaint.pk])
    assert 'id="action-officer-match"' not in client.get(detail).content.decode()
    response = post_match(client, complaint, reason="x")
    assert response.status_code == 400
    assert "Only a complaint about an officer" in response.content.decode()
