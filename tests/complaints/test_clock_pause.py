"""The clock stops while information is requested (补正期间不计入办理时限): the answer moves the
current deadline later by the working days the request was open, counted with the holiday
calendar; the timeline, the audit trail, the tracking page and the queue's overdue flags follow
the moved deadline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.calendar import add_working_days, working_days_between
from complaints.models import Complaint
from complaints.selectors import complaints_queue, complaints_workload
from complaints.services import (
    complaint_accept,
    complaint_information_provide,
    complaint_request_information,
)
from portal.core.models import AuditEntry
from tests.complaints.filing import complaint_file
from tests.complaints.test_follow_up import holder
from tests.factories import HolidayFactory, StaffMembershipFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/complaints/"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def officer(authorities):
    return StaffMembershipFactory(authority=authorities["shenzhen"], role="officer").user


def backdate(complaint: Complaint, **fields) -> None:
    """Move a complaint's dates into the past, as if its steps had happened then."""
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    complaint.refresh_from_db()


def test_the_pause_counts_working_days_after_the_request_up_to_the_answer():
    # National Day 2026: Thursday 1 October to Wednesday 7 October, made up on Saturday 10.
    for day in (1, 2, 5, 6, 7):
        HolidayFactory(date=datetime.date(2026, 10, day), kind="holiday", name="国庆节")
    HolidayFactory(date=datetime.date(2026, 10, 10), kind="working_day", name="国庆节调休")
    wednesday = datetime.date(2026, 9, 30)
    # Holidays, the weekend and Sunday 11 do not count; 8, 9, the make-up Saturday and 12 do.
    assert working_days_between(wednesday, datetime.date(2026, 10, 12)) == 4
    # Asked on Friday, answered on Monday: one working day; the same day: none.
    assert working_days_between(datetime.date(2026, 9, 25), datetime.date(2026, 9, 28)) == 1
    assert working_days_between(wednesday, wednesday) == 0
    assert working_days_between(wednesday, wednesday - DAY) == 0
    # The inverse of add_working_days, whose convention it shares.
    assert add_working_days(wednesday, 4) == datetime.date(2026, 10, 12)


def test_an_answer_moves_the_deadline_by_the_working_days_of_a_weekend_and_a_holiday(
    english, authorities, wages, officer
):
    today = timezone.localdate()
    requested = today - 9 * DAY  # nine days always hold a whole weekend
    between = [requested + n * DAY for n in range(1, 10)]  # after the request, up to today
    holiday = next(day for day in between[:-1] if day.weekday() < 5)
    HolidayFactory(date=holiday, kind="holiday", name="测试假日")
    weekend = [day for day in between if day.weekday() >= 5]
    expected_pause = 9 - len(weekend) - 1
    assert len(weekend) >= 2

    filed = complaint_file(wages, "p")
    complaint = filed.complaint
    complaint_accept(complaint=complaint, actor=officer)
    complaint_request_information(complaint=complaint, actor=officer, text="Your payslips?")
    assert Complaint.objects.get().clock_stopped_on == today
    # As if asked nine days ago, with a conclusion deadline that passed yesterday: late
    # without the pause.
    before = today - DAY
    backdate(complaint, clock_stopped_on=requested, conclusion_deadline=before)

    page = english.post("/complaints/track/", holder(filed)).content.decode()
    assert f"The clock has been stopped since {requested.isoformat()}" in page

    answered = english.post(
        "/complaints/track/answer/", {**holder(filed), "answer-text": "Attached below."}
    )
    assert answered.status_code == 200
    moved = add_working_days(before, expected_pause)
    complaint.refresh_from_db()
    assert complaint.status == "under_investigation"
    assert complaint.conclusion_deadline == moved > today
    assert complaint.clock_stopped_on is None
    assert complaint.is_overdue(today) is False
    step = complaint.events.get(kind="information_provided")
    assert step.deadline == moved
    entry = AuditEntry.objects.get(action="complaints.complaint.information_provided")
    assert entry.data["before"]["conclusion_deadline"] == before.isoformat()
    assert entry.data["after"]["conclusion_deadline"] == moved.isoformat()
    assert entry.data["working_days_paused"] == expected_pause
    assert entry.data["clock_stopped_on"] == requested.isoformat()

    page = english.post("/complaints/track/", holder(filed)).content.decode()
    assert moved.isoformat() in page
    assert "The clock has been stopped" not in page


def test_a_received_complaint_moves_its_acceptance_deadline(authorities, wages, officer):
    today = timezone.localdate()
    filed = complaint_file(wages, "r")
    complaint = filed.complaint
    complaint_request_information(complaint=complaint, actor=officer, text="Which employer?")
    backdate(complaint, clock_stopped_on=today - 14 * DAY, acceptance_deadline=today - 3 * DAY)
    pause = working_days_between(today - 14 * DAY, today)

    event = complaint_information_provide(complaint=complaint, text="Shenzhen Ltd.")
    complaint.refresh_from_db()
    assert complaint.status == "received"
    assert complaint.acceptance_deadline == add_working_days(today - 3 * DAY, pause)
    assert event.deadline == complaint.acceptance_deadline
    assert complaint.conclusion_deadline is None


def test_an_answer_the_same_day_moves_nothing(authorities, wages, officer):
    filed = complaint_file(wages, "s")
    complaint = filed.complaint
    deadline = complaint.acceptance_deadline
    complaint_request_information(complaint=complaint, actor=officer, text="Which employer?")
    complaint_information_provide(complaint=complaint, text="Shenzhen Ltd.")
    complaint.refresh_from_db()
    assert complaint.acceptance_deadline == deadline
    entry = AuditEntry.objects.get(action="complaints.complaint.information_provided")
    assert entry.data["working_days_paused"] == 0


def test_accepting_without_an_answer_lets_the_clock_run_again(authorities, wages, officer):
    complaint = complaint_file(wages, "t").complaint
    complaint_request_information(complaint=complaint, actor=officer, text="Which employer?")
    complaint_accept(complaint=complaint, actor=officer)
    complaint.refresh_from_db()
    assert complaint.clock_stopped_on is None
    assert complaint.conclusion_deadline == add_working_days(
        timezone.localdate(), wages.conclusion_days
    )


def test_the_queue_flags_overdue_by_the_paused_and_moved_deadlines(
    client, authorities, wages, officer
):
    today = timezone.localdate()
    requested = today - 9 * DAY
    cases = {name: complaint_file(wages, key) for name, key in (("paused", "1"), ("late", "2"))}
    cases["late before the request"] = complaint_file(wages, "3")
    for filed in cases.values():
        complaint_accept(complaint=filed.complaint, actor=officer)
    # Both waited for an answer since nine days ago; one was late already then.
    for name in ("paused", "late before the request"):
        complaint_request_information(complaint=cases[name].complaint, actor=officer, text="?")
    backdate(cases["paused"].complaint, clock_stopped_on=requested, conclusion_deadline=today - DAY)
    backdate(
        cases["late before the request"].complaint,
        clock_stopped_on=requested,
        conclusion_deadline=requested - DAY,
    )
    backdate(cases["late"].complaint, conclusion_deadline=today - DAY)

    def flags() -> dict[str, bool]:
        queue = {c.pk: c.is_overdue for c in complaints_queue(officer)}
        return {name: queue[filed.complaint.pk] for name, filed in cases.items()}

    # While the clock is stopped, a deadline that passes does not make it late.
    assert flags() == {"paused": False, "late": True, "late before the request": True}
    client.force_login(officer)
    overdue_page = client.get(QUEUE, {"overdue": "on"}).content.decode()
    assert cases["paused"].complaint.tracking_number not in overdue_page
    assert cases["late"].complaint.tracking_number in overdue_page
    assert cases["late before the request"].complaint.tracking_number in overdue_page
    detail = client.get(reverse("complaints_admin:detail", args=[cases["paused"].complaint.pk]))
    assert "overdue-flag" not in detail.content.decode()
    assert 'id="clock-stopped"' in detail.content.decode()

    # The answer moves the deadline past today: still not late; the queue says so.
    complaint_information_provide(complaint=cases["paused"].complaint, text="Here.")
    assert flags()["paused"] is False
    overdue_page = client.get(QUEUE, {"overdue": "on"}).content.decode()
    assert cases["paused"].complaint.tracking_number not in overdue_page

    supervisor = StaffMembershipFactory(authority=authorities["guangdong"], role="supervisor").user
    [shenzhen_row] = [
        row for row in complaints_workload(supervisor) if row.authority == authorities["shenzhen"]
    ]
    assert (shenzhen_row.open, shenzhen_row.overdue) == (3, 2)
