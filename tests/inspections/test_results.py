"""Inspection results through the services: the tasks of a draw, the on-site record entered only
by the assigned inspectors, the review by a second person, enforcement actions with the notice
window, statements and hearings, publication (and nothing public before it), the daily command,
the audit trail and the draft result notice."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from wagtail.models import Page

from cms.models import InspectionResultNoticePage
from portal.core.models import AuditEntry
from portal.inspections import services
from portal.inspections.models import EnforcementAction, InspectionResult
from portal.records import selectors as records_selectors
from portal.records.models import CreditEvent
from tests.factories import StaffMembershipFactory, UserFactory
from tests.inspections.results_helpers import (
    approved,
    approved_on,
    enter,
    inspected_on,
    make_office,
    open_penalty,
    records_by_code,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(authorities, items):
    return make_office(authorities, items)


def actions_of(obj) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).values_list("action", flat=True)
    )


def test_the_draw_opens_a_task_per_inspection_with_a_record_per_item(office, authorities):
    assert office.opened == 2
    assert office.result.status == InspectionResult.Status.ASSIGNED
    assert office.result.authority == authorities["shenzhen"]  # the subject's place
    assert set(records_by_code(office.result)) == {"GJ-01", "44-01"}
    assert set(records_by_code(office.other_result)) == {"GJ-01"}
    assert actions_of(office.draw) == ["inspections.task.opened"]
    # Opening again opens nothing.
    assert services.inspection_tasks_open(draw_row=office.draw) == 0
    assert InspectionResult.objects.count() == 2


def test_only_the_assigned_inspectors_enter_the_result(office, authorities):
    superuser = UserFactory(is_superuser=True)
    for user in (office.other_inspector, office.reviewer, office.officer, superuser):
        with pytest.raises(PermissionDenied):
            enter(office.result, user)
    enter(office.result, office.inspector)
    office.result.refresh_from_db()
    assert office.result.status == InspectionResult.Status.DRAFT
    assert office.result.place == "深圳市南山区科技园路1号"
    # The teammate may go on with it; the inspector of the other inspection may not submit.
    enter(office.result, office.teammate)
    with pytest.raises(PermissionDenied):
        services.inspection_result_submit(result=office.result, actor=office.other_inspector)
    saved = AuditEntry.objects.filter(
        action="inspections.result.saved", actor=office.inspector
    ).get()
    assert "findings" in saved.data["items"][str(records_by_code(office.result)["GJ-01"].pk)]
    assert "John Smith" not in str(saved.data)  # names of fields, not what they say


def test_submission_needs_a_complete_and_coherent_record(office):
    services.inspection_result_save(
        result=office.result, actor=office.inspector, place="深圳", outcome="compliant"
    )
    with pytest.raises(ValidationError) as error:
        services.inspection_result_submit(result=office.result, actor=office.inspector)
    assert {"inspected_on", "participants", "__all__"} <= set(error.value.message_dict)

    # "No problem found" while an item fails: refused.
    enter(office.result, office.inspector)
    services.inspection_result_save(
        result=office.result, actor=office.inspector, outcome="compliant", severity=""
    )
    with pytest.raises(ValidationError) as error:
        services.inspection_result_submit(result=office.result, actor=office.inspector)
    assert "outcome" in error.value.message_dict

    enter(office.result, office.inspector)
    result = services.inspection_result_submit(result=office.result, actor=office.inspector)
    assert result.status == InspectionResult.Status.SUBMITTED
    assert "inspections.result.submitted" in actions_of(result)
    with pytest.raises(ValidationError):  # no longer the inspectors' to change
        enter(office.result, office.inspector)


def test_a_reviewer_approves_and_the_result_waits_unpublished(office):
    result = approved(office)

    assert result.status == InspectionResult.Status.APPROVED
    assert result.reviewed_by == office.reviewer
    event = result.credit_event
    assert event.kind == CreditEvent.Kind.INSPECTION_RESULT
    assert event.origin == CreditEvent.Origin.DRAW
    assert event.outcome == CreditEvent.Outcome.NON_COMPLIANT
    assert event.severity == CreditEvent.Severity.ORDINARY
    assert event.decided_on == inspected_on()
    assert event.published_on is None and event.public_until is None
    assert "1名外国人未办理工作许可即在岗工作。" in event.facts
    assert "John Smith" not in event.facts + event.title  # staff-only findings stay inside
    assert not records_selectors.credit_events_public().filter(pk=event.pk).exists()
    # The subject is notified with the window for a statement.
    assert result.notice_sent_on == approved_on()
    assert result.window_ends_on == approved_on() + datetime.timedelta(days=7)
    entry = AuditEntry.objects.get(action="inspections.result.approved")
    assert entry.actor == office.reviewer
    assert entry.data["window_ends_on"] == result.window_ends_on.isoformat()


def test_the_window_follows_the_setting(office, settings):
    settings.INSPECTION_STATEMENT_DAYS = 15
    result = approved(office)
    assert result.window_ends_on == approved_on() + datetime.timedelta(days=15)


def test_the_reviewer_cannot_be_an_assigned_inspector(office, authorities):
    # An inspector of the team who is also a reviewer of Guangdong still may not approve.
    StaffMembershipFactory(
        user=office.teammate, authority=authorities["guangdong"], role="reviewer"
    )
    enter(office.result, office.inspector)
    services.inspection_result_submit(result=office.result, actor=office.inspector)
    for user in (office.teammate, office.inspector, office.stranger, office.officer):
        with pytest.raises(PermissionDenied):
            services.inspection_result_approve(result=office.result, actor=user)
        with pytest.raises(PermissionDenied):
            services.inspection_result_return(result=office.result, actor=user, reason="重新核实")
    assert InspectionResult.objects.get(pk=office.result.pk).status == "submitted"
    assert not CreditEvent.objects.exists()


def test_a_returned_result_goes_back_to_the_inspectors(office):
    enter(office.result, office.inspector)
    services.inspection_result_submit(result=office.result, actor=office.inspector)
    with pytest.raises(ValidationError):
        services.inspection_result_return(result=office.result, actor=office.reviewer, reason=" ")

    result = services.inspection_result_return(
        result=office.result, actor=office.reviewer, reason="请补充现场检查的参与人员签名。"
    )

    assert result.status == InspectionResult.Status.RETURNED
    assert result.return_reason == "请补充现场检查的参与人员签名。"
    entry = AuditEntry.objects.get(action="inspections.result.returned")
    assert entry.data["reason"] == result.return_reason
    with pytest.raises(ValidationError):
        services.inspection_result_approve(result=result, actor=office.reviewer)
    services.inspection_result_save(
        result=result, actor=office.inspector, participants="检查人员2名；王某（已签名）"
    )
    result = services.inspection_result_submit(result=result, actor=office.inspector)
    assert result.status == InspectionResult.Status.SUBMITTED
    assert not CreditEvent.objects.exists()


def test_an_enforcement_action_opens_an_unpublished_penalty_and_a_notice(office):
    approved(office)
    with pytest.raises(PermissionDenied):
        open_penalty(office, office.stranger)
    with pytest.raises(ValidationError):  # a finding that complies opens nothing
        services.enforcement_action_open(
            result=office.result,
            item_record=records_by_code(office.result)["44-01"],
            actor=office.officer,
            decision_number="X",
            legal_basis="X",
            facts="X",
            penalty="X",
            severity="ordinary",
        )

    action = open_penalty(office, office.officer)

    penalty = action.credit_event
    assert penalty.kind == CreditEvent.Kind.PENALTY
    assert penalty.decision_number == "深人社罚〔2026〕17号"
    assert penalty.legal_basis.startswith("《外国人在中国就业管理规定》")
    assert penalty.penalty == "罚款人民币1万元"
    assert penalty.authority == office.result.authority
    assert penalty.severity == "ordinary"
    assert penalty.published_on is None
    assert not records_selectors.credit_events_public().filter(pk=penalty.pk).exists()
    opened_on = approved_on() + datetime.timedelta(days=2)
    assert action.notice_sent_on == opened_on
    assert action.window_ends_on == opened_on + datetime.timedelta(days=7)
    entry = AuditEntry.objects.get(action="inspections.enforcement.opened")
    assert entry.actor == office.officer
    assert entry.data["decision_number"] == "深人社罚〔2026〕17号"


def test_nothing_is_public_before_the_window_ends(office, client):
    result = approved(office)
    action = open_penalty(office, office.officer)
    uscc = office.inspection.organisation.uscc

    # The last day of the result's window: nothing is due yet.
    run = services.inspection_results_publish(on=result.window_ends_on)
    assert run.results == [] and run.enforcement_actions == []
    page = client.get(f"/organisations/{uscc}/").content.decode()
    assert "深人社罚〔2026〕17号" not in page
    assert "1名外国人未办理工作许可即在岗工作" not in page

    # The day after: the result, but not the penalty whose window is still open.
    run = services.inspection_results_publish(on=result.window_ends_on + datetime.timedelta(1))
    assert run.results == [result.pk] and run.enforcement_actions == []
    action.credit_event.refresh_from_db()
    assert action.credit_event.published_on is None


def test_a_statement_in_the_window_is_published_with_the_result(office):
    result = approved(office)
    late = result.window_ends_on + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.inspection_statement_record(
            target=result, actor=office.officer, text="我单位已整改。", received_on=late
        )
    statement = services.inspection_statement_record(
        target=result,
        actor=office.officer,
        text="我单位已为该外国人补办工作许可。",
        received_on=approved_on() + datetime.timedelta(days=3),
    )
    assert statement.published_on is None
    assert "inspections.statement.recorded" in actions_of(result)

    services.inspection_results_publish(on=late)

    statement.refresh_from_db()
    assert statement.published_on == late
    assert records_selectors.statements_public(on=late).filter(pk=statement.pk).exists()


def test_a_hearing_request_holds_the_penalty_until_the_hearing(office):
    approved(office)
    action = open_penalty(office, office.officer)
    after_window = action.window_ends_on + datetime.timedelta(days=1)
    services.enforcement_hearing_request(
        action=action, actor=office.officer, requested_on=action.notice_sent_on
    )
    with pytest.raises(ValidationError):
        services.enforcement_hearing_request(
            action=action, actor=office.officer, requested_on=action.notice_sent_on
        )

    run = services.inspection_results_publish(on=after_window)
    assert run.enforcement_actions == []

    services.enforcement_hearing_held(
        action=action, actor=office.officer, held_on=after_window, penalty="罚款人民币5000元"
    )
    run = services.inspection_results_publish(on=after_window)
    assert run.enforcement_actions == [action.pk]
    action.refresh_from_db()
    assert action.status == EnforcementAction.Status.PUBLISHED
    assert action.credit_event.penalty == "罚款人民币5000元"
    assert action.credit_event.published_on == after_window
    assert list(reversed(actions_of(action))) == [
        "inspections.enforcement.opened",
        "inspections.enforcement.hearing_requested",
        "inspections.enforcement.hearing_held",
        "inspections.enforcement.published",
    ]


def test_the_command_publishes_after_the_window_once_and_dry_run_changes_nothing(office):
    result = approved(office)
    action = open_penalty(office, office.officer)
    day = action.window_ends_on + datetime.timedelta(days=1)
    audit_before = AuditEntry.objects.count()

    out = io.StringIO()
    call_command("inspection_results_publish", "--on", day.isoformat(), "--dry-run", stdout=out)
    assert f"would publish inspection result {result.pk}" in out.getvalue()
    assert f"would publish enforcement action {action.pk}" in out.getvalue()
    assert AuditEntry.objects.count() == audit_before
    assert not CreditEvent.objects.filter(published_on__isnull=False).exists()
    assert InspectionResult.objects.get(pk=result.pk).status == "approved"

    out = io.StringIO()
    call_command("inspection_results_publish", "--on", day.isoformat(), stdout=out)
    assert "1 results and 1 penalties published" in out.getvalue()
    result.refresh_from_db()
    event = result.credit_event
    assert result.status == InspectionResult.Status.PUBLISHED
    assert result.published_on == day
    # The clock as the records services compute it: an ordinary finding, 3 and 12 months.
    assert event.published_on == day
    assert event.repair_possible_from is not None and event.public_until is not None
    assert event.public_until > day
    assert (
        records_selectors.credit_events_public(on=day)
        .filter(pk__in=[event.pk, action.credit_event_id])
        .count()
        == 2
    )
    assert "inspections.result.published" in actions_of(result)
    published_audit = AuditEntry.objects.count()

    out = io.StringIO()
    call_command("inspection_results_publish", "--on", day.isoformat(), stdout=out)
    assert "0 results and 0 penalties published" in out.getvalue()
    assert AuditEntry.objects.count() == published_audit


def test_a_compliant_result_is_published_at_the_next_run_without_a_window(office):
    result = approved(office, outcome="compliant")
    assert result.window_ends_on is None and result.notice_sent_on is None
    assert result.credit_event.severity == ""
    run = services.inspection_results_publish(on=approved_on() + datetime.timedelta(days=1))
    assert run.results == [result.pk]


def test_publication_drafts_a_result_notice_that_is_not_live(
    office, django_capture_on_commit_callbacks
):
    result = approved(office)
    day = result.window_ends_on + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.inspection_results_publish(on=day)

    notice = InspectionResultNoticePage.objects.get()
    assert not notice.live
    assert notice.has_unpublished_changes
    assert notice.get_parent().specific_class.__name__ == "InspectionResultNoticeIndexPage"
    assert notice.authority == office.draw.plan.authority
    assert notice.published_on == day
    rows = {
        (row.organisation_id, row.item, row.result, row.finding) for row in notice.results.all()
    }
    organisation = office.inspection.organisation
    assert rows == {
        (
            organisation.pk,
            office.items["permits"].name,
            "non_compliant",
            "1名外国人未办理工作许可即在岗工作。",
        ),
        (organisation.pk, office.items["guangdong"].name, "compliant", ""),
    }
    assert office.items["permits"].name in notice.item_list()
    # No person: neither the inspectors, nor participants, nor the staff-only findings.
    text = str([notice.title, notice.introduction, notice.batch_reference, rows])
    for forbidden in ("John Smith", "王某", office.inspector.username):
        assert forbidden not in text
    assert AuditEntry.objects.filter(action="cms.page.drafted", object_id=str(notice.pk)).exists()
    # Not on the site until an editor has it reviewed and published.
    assert not Page.objects.live().filter(pk=notice.pk).exists()
