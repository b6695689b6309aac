"""The first handling steps: accept, not accept, conclude; each on the timeline with its date
and deadline, audited with before and after, and only for officers of the handling authority."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints.calendar import add_working_days
from complaints.models import Complaint
from complaints.services import (
    complaint_accept,
    complaint_conclude,
    complaint_not_accept,
    complaint_track,
)
from portal.core.models import AuditEntry
from tests.complaints.filing import complaint_file
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(authorities, wages):
    return complaint_file(wages)


@pytest.fixture
def officer(authorities):
    return StaffMembershipFactory(authority=authorities["shenzhen"], role="officer").user


def track(filed):
    return complaint_track(
        tracking_number=filed.complaint.tracking_number, access_code=filed.access_code
    )


def test_accepted_then_concluded_shows_on_the_timeline(filed, officer, wages):
    complaint = filed.complaint
    accepted = complaint_accept(complaint=complaint, actor=officer)
    assert accepted.deadline == add_working_days(
        accepted.occurred_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).date(),
        wages.conclusion_days,
    )
    complaint_conclude(
        complaint=complaint, actor=officer, outcome="The employer paid the wages in full."
    )
    tracked = track(filed)
    assert tracked.status == "concluded"
    assert [step.kind for step in tracked.steps] == ["received", "accepted", "concluded"]
    assert tracked.steps[1].deadline == accepted.deadline
    assert tracked.steps[2].public_text == "The employer paid the wages in full."
    entry = AuditEntry.objects.get(action="complaints.complaint.accepted")
    assert entry.actor == officer
    assert entry.data["before"] == {"status": "received", "conclusion_deadline": None}
    assert entry.data["after"] == {
        "status": "accepted",
        "conclusion_deadline": accepted.deadline.isoformat(),
    }


def test_not_accepted_needs_a_reason_and_the_rule(filed, officer):
    with pytest.raises(ValidationError):
        complaint_not_accept(complaint=filed.complaint, actor=officer, reason="", rule="")
    complaint_not_accept(
        complaint=filed.complaint,
        actor=officer,
        reason="A labour dispute: the arbitration commission decides.",
        rule="《劳动争议调解仲裁法》第二条",
    )
    step = track(filed).steps[-1]
    assert step.kind == "not_accepted"
    assert "arbitration commission" in step.public_text
    assert "劳动争议调解仲裁法" in step.public_text
    # A declined complaint cannot be concluded.
    with pytest.raises(ValidationError):
        complaint_conclude(complaint=filed.complaint, actor=officer, outcome="x")


def test_only_officers_of_the_handling_authority_may_act(filed, authorities):
    elsewhere = StaffMembershipFactory(authority=authorities["guangzhou"], role="officer").user
    editor = StaffMembershipFactory(authority=authorities["shenzhen"], role="editor").user
    for user in (elsewhere, editor):
        with pytest.raises(PermissionDenied):
            complaint_accept(complaint=filed.complaint, actor=user)
    # The level above supervises: a provincial supervisor may act.
    supervisor = StaffMembershipFactory(authority=authorities["guangdong"], role="supervisor").user
    complaint_accept(complaint=filed.complaint, actor=supervisor)
    assert Complaint.objects.get().status == "accepted"
