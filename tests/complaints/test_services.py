"""Intake and tracking services: one transaction, idempotency, routing, working-day deadlines,
the audit entry, and the confirmation e-mail as a background task."""

import datetime
import socket

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection
from django_tasks_db.models import DBTaskResult

from complaints import codes
from complaints.calendar import add_working_days
from complaints.models import Complaint, ComplaintEvent, Holiday
from complaints.selectors import complaint_open_duplicate_exists
from complaints.services import complaint_route, complaint_track
from portal.core.models import AuditEntry, Region
from tests.complaints.filing import complaint_file
from tests.factories import HolidayFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def confirmation_tasks():
    return DBTaskResult.objects.filter(task_path="complaints.tasks.send_confirmation")


def run_tasks() -> None:
    """Run every due background task, as `manage.py db_worker` does."""
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)


# Working days --------------------------------------------------------------------------------


def test_deadlines_skip_weekends():
    friday = datetime.date(2026, 3, 13)
    assert add_working_days(friday, 1) == datetime.date(2026, 3, 16)
    assert add_working_days(friday, 5) == datetime.date(2026, 3, 20)


def test_deadlines_skip_public_holidays_and_count_make_up_working_days():
    # National Day 2026: 1–7 October off; Saturday 10 October is worked to make up for it.
    for day in range(1, 8):
        HolidayFactory(date=datetime.date(2026, 10, day), kind=Holiday.Kind.HOLIDAY)
    HolidayFactory(date=datetime.date(2026, 10, 10), kind=Holiday.Kind.WORKING_DAY, name="调休")
    wednesday = datetime.date(2026, 9, 30)
    # 8 Thu, 9 Fri, 10 Sat (make-up), 12 Mon, 13 Tue.
    assert add_working_days(wednesday, 5) == datetime.date(2026, 10, 13)
    assert add_working_days(wednesday, 3) == datetime.date(2026, 10, 10)


# Intake ----------------------------------------------------------------------------------------


def test_submit_files_the_complaint_its_first_step_and_the_audit_entry(authorities, wages):
    employer = OrganisationFactory()
    # No region given: the complaint goes where the organisation is registered.
    submission = complaint_file(
        wages,
        subject_organisation=employer,
        subject_region=None,
        name="John Smith",
        email="john.smith@example.org",
    )

    complaint = submission.complaint
    assert submission.created
    assert codes.tracking_number_normalise(complaint.tracking_number) == complaint.tracking_number
    assert codes.access_code_check(submission.access_code, complaint.access_code_hash)
    assert submission.access_code.replace("-", "") not in complaint.access_code_hash
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.routed_authority == authorities["shenzhen"]
    received_on = complaint.received_at.astimezone(datetime.UTC).date()
    assert complaint.acceptance_deadline > received_on
    assert complaint.acceptance_deadline == add_working_days(
        complaint.received_at.date(), wages.acceptance_days
    ) or complaint.acceptance_deadline == add_working_days(
        # received_at is in UTC; the deadline counts from the local (Asia/Shanghai) date
        (complaint.received_at + datetime.timedelta(hours=8)).date(),
        wages.acceptance_days,
    )
    [event] = complaint.events.all()
    assert event.kind == ComplaintEvent.Kind.RECEIVED
    assert event.deadline == complaint.acceptance_deadline

    entry = AuditEntry.objects.get(action="complaints.complaint.received")
    assert entry.object_id == str(complaint.pk)
    assert entry.data["tracking_number"] == complaint.tracking_number
    assert entry.data["routed_authority"] == authorities["shenzhen"].pk
    # The audit trail holds no personal data.
    assert "John Smith" not in str(entry.data)
    assert "john.smith@example.org" not in str(entry.data)


def test_submitting_twice_returns_the_same_complaint(authorities, wages):
    first = complaint_file(wages, key="b", subject_name="深圳某公司")
    second = complaint_file(wages, key="b", subject_name="深圳某公司")
    assert first.created and not second.created
    assert second.complaint.pk == first.complaint.pk
    assert second.access_code is None
    assert Complaint.objects.count() == 1
    assert ComplaintEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="complaints.complaint.received").count() == 1


def test_everything_is_written_in_one_transaction_or_not_at_all(
    authorities, wages, django_capture_on_commit_callbacks
):
    def refuse_audit_entries(execute, sql, params, many, context):
        if "core_auditentry" in sql and sql.lstrip().upper().startswith("INSERT"):
            raise DatabaseError("the disk is full")
        return execute(sql, params, many, context)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        connection.execute_wrapper(refuse_audit_entries),
        pytest.raises(DatabaseError),
    ):
        complaint_file(wages, subject_name="深圳某公司")
    assert Complaint.objects.count() == 0
    assert ComplaintEvent.objects.count() == 0
    assert callbacks == []
    assert confirmation_tasks().count() == 0


def test_the_intake_rules_hold_in_the_service(authorities, wages, report_category):
    with pytest.raises(ValidationError) as error:
        complaint_file(wages, anonymous=True, subject_name="某公司")
    assert "anonymous" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        complaint_file(wages, email="", phone="", subject_name="某公司")
    assert "email" in error.value.message_dict
    # A report may be anonymous, without contact; the name is then not kept.
    submission = complaint_file(
        report_category, anonymous=True, email="", phone="", subject_name="某公司"
    )
    assert submission.complaint.name == ""
    assert Complaint.objects.count() == 1


# Routing ---------------------------------------------------------------------------------------


def test_routing_follows_the_place_of_the_organisation(authorities):
    shenzhen_employer = OrganisationFactory()  # registered in 南山区, Shenzhen
    assert (
        complaint_route(subject_kind="organisation", subject_organisation=shenzhen_employer)
        == authorities["shenzhen"]
    )
    # Not in the records: the city given, else the region in its USCC, else the national level.
    guangzhou = Region.objects.get(code="440100")
    assert (
        complaint_route(subject_kind="organisation", subject_region=guangzhou)
        == authorities["guangzhou"]
    )
    from portal.records import uscc

    code = uscc.build(authority="9", category="1", region="440106", organisation_code8="MA5XYW12")
    assert (
        complaint_route(subject_kind="organisation", subject_uscc=code) == authorities["guangzhou"]
    )
    assert complaint_route(subject_kind="organisation") == authorities["national"]


def test_complaints_about_an_authority_or_officer_go_to_the_level_above(authorities):
    assert (
        complaint_route(subject_kind="officer", subject_authority=authorities["shenzhen"])
        == authorities["guangdong"]
    )
    assert (
        complaint_route(subject_kind="authority", subject_authority=authorities["guangdong"])
        == authorities["national"]
    )
    assert (
        complaint_route(subject_kind="officer", subject_authority=authorities["national"])
        == authorities["national"]
    )


def test_an_officer_complaint_is_filed_with_the_level_above(authorities, wages):
    submission = complaint_file(
        wages,
        subject_kind="officer",
        subject_authority=authorities["shenzhen"],
        subject_name="王警官 0421",
    )
    assert submission.complaint.routed_authority == authorities["guangdong"]
    assert submission.complaint.subject_organisation is None


# Duplicates ------------------------------------------------------------------------------------


def test_an_open_complaint_about_the_same_subject_and_category_is_a_duplicate(
    authorities, wages, report_category
):
    employer = OrganisationFactory()
    first = complaint_file(wages, key="c", subject_organisation=employer).complaint
    assert not complaint_open_duplicate_exists(
        organisation=employer, category=wages, exclude_pk=first.pk
    )
    assert complaint_open_duplicate_exists(organisation=employer, category=wages)
    assert not complaint_open_duplicate_exists(organisation=employer, category=report_category)
    first.status = Complaint.Status.CONCLUDED
    first.save()
    assert not complaint_open_duplicate_exists(organisation=employer, category=wages)


# Tracking ----------------------------------------------------------------------------------------


def test_tracking_shows_the_timeline_to_the_holder_of_the_code_only(authorities, wages):
    submission = complaint_file(wages, subject_name="深圳某公司")
    number = submission.complaint.tracking_number
    tracked = complaint_track(tracking_number=number.lower(), access_code=submission.access_code)
    assert tracked is not None
    assert tracked.tracking_number == number
    assert [step.kind for step in tracked.steps] == ["received"]
    assert tracked.steps[0].deadline == submission.complaint.acceptance_deadline
    assert tracked.routed_authority == authorities["shenzhen"] or tracked.routed_authority

    assert complaint_track(tracking_number=number, access_code="AAAAA-AAAAA") is None
    unknown = codes.tracking_number_generate(2026)
    assert complaint_track(tracking_number=unknown, access_code=submission.access_code) is None
    assert complaint_track(tracking_number="nonsense", access_code="x") is None


def test_an_unknown_number_costs_a_hash_check_like_a_wrong_code(authorities, wages):
    """No timing oracle: both paths run scrypt once (counted through hashlib's use here by
    measuring that both take at least one scrypt's time)."""
    import time

    submission = complaint_file(wages, subject_name="深圳某公司")
    started = time.perf_counter()
    complaint_track(tracking_number=codes.tracking_number_generate(2026), access_code="AAAAA-AAAAA")
    unknown = time.perf_counter() - started
    started = time.perf_counter()
    complaint_track(tracking_number=submission.complaint.tracking_number, access_code="AAAAA-AAAAA")
    wrong = time.perf_counter() - started
    # One scrypt (8 MiB) takes tens of milliseconds; a lookup alone takes well under one.
    assert unknown > 0.005 and wrong > 0.005
    assert 0.3 < unknown / wrong < 3


# The confirmation e-mail -----------------------------------------------------------------------


# The worker takes the database for itself, as in production: these tests commit for real, and
# the serialized rollback restores the reference data (regions, categories) afterwards.
worker = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@worker
def test_the_confirmation_email_is_sent_by_a_background_task_after_commit(authorities, wages):
    submission = complaint_file(
        wages, subject_name="深圳某公司", email="john.smith@example.org", language="en"
    )
    assert mail.outbox == []
    task = confirmation_tasks().get()
    # The access code does not sit in clear in the task queue.
    assert submission.access_code not in str(task.args_kwargs)
    assert submission.access_code.replace("-", "") not in str(task.args_kwargs)

    run_tasks()

    [message] = mail.outbox
    complaint = submission.complaint
    assert message.to == ["john.smith@example.org"]
    assert complaint.tracking_number in message.subject
    assert complaint.tracking_number in message.body
    assert submission.access_code in message.body
    assert complaint.acceptance_deadline.isoformat() in message.body
    assert "Your complaint has been received" in message.body  # in English, as filed


def test_no_email_is_enqueued_without_an_address(
    authorities, report_category, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint_file(report_category, anonymous=True, email="", phone="", subject_name="某公司")
    assert confirmation_tasks().count() == 0


@worker
def test_a_mail_server_that_is_down_loses_nothing_and_the_email_is_retried(
    authorities, wages, settings
):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2

    submission = complaint_file(wages, subject_name="深圳某公司")
    run_tasks()

    assert Complaint.objects.filter(pk=submission.complaint.pk).exists()
    tasks = list(confirmation_tasks().order_by("enqueued_at"))
    assert len(tasks) == 2
    assert tasks[0].status == "FAILED"
    assert tasks[1].status == "READY"  # the retry, due in a while
    assert tasks[1].args_kwargs["args"][2] == 2
