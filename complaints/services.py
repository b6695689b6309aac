"""Writes and public reads of complaints: intake (`complaint_submit`) and tracking
(`complaint_track`)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from complaints import codes
from complaints.attachments import InspectedFile, attachment_storage
from complaints.calendar import add_working_days, working_days_between
from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintNote,
)
from complaints.scanning import scanning_enabled
from complaints.selectors import (
    ABOUT_STAFF,
    complaint_visible,
    may_correct_subject_officer,
    officers_of_authority,
    transfer_targets,
)
from complaints.tasks import scan_attachment, seal, send_confirmation, send_status_change
from portal.core import audit
from portal.core.models import Authority, Region
from portal.core.selectors import authority_for_region, national_authority
from portal.records import uscc
from portal.records.models import CreditEvent, Organisation

SubjectKind = Complaint.SubjectKind


class ComplaintRoutingError(Exception):
    """No live authority can take the complaint (not even a national one)."""


@dataclass(frozen=True)
class Submission:
    """What intake hands back: the complaint, the access code (only when this call created it;
    it exists nowhere else in clear) and whether it was created now or submitted before."""

    complaint: Complaint
    access_code: str | None
    created: bool


def complaint_rules_check(
    *, category: ComplaintCategory, anonymous: bool, email: str, phone: str
) -> dict[str, str]:
    """The intake rules on who may file how, as {field: message}; empty when they hold.
    Anonymous filing only where the category allows it; otherwise an e-mail or a phone."""
    errors: dict[str, str] = {}
    if anonymous and not category.anonymous_allowed:
        errors["anonymous"] = _(
            "This category cannot be filed anonymously: the authority needs to reach you. "
            "Give your name and a contact, or choose a category that is a report."
        )
    if not anonymous and not (email or phone):
        errors["email"] = _(
            "Give an e-mail address or a phone number, so the authority can reach you."
        )
    return errors


def complaint_route(
    *,
    subject_kind: str,
    subject_organisation: Organisation | None = None,
    subject_uscc: str = "",
    subject_region: Region | None = None,
    subject_authority: Authority | None = None,
) -> Authority:
    """The authority that handles the complaint (谁管辖、谁负责).

    About an organisation: the authority of its place (its registered region; for one not in
    the records, the city given, else the region in its USCC). About an authority or one of its
    officers: the level above (the national authority stays with itself). Otherwise, and when
    nothing more specific is live, the national authority."""
    authority: Authority | None = None
    if subject_kind in (SubjectKind.AUTHORITY, SubjectKind.OFFICER):
        if subject_authority is not None:
            parent = subject_authority.parent
            if parent is not None and parent.live:
                authority = parent
            elif parent is None:
                authority = subject_authority if subject_authority.live else None
    else:
        region_code = ""
        if subject_organisation is not None:
            region_code = subject_organisation.region_id
        elif subject_region is not None:
            region_code = subject_region.code
        elif subject_uscc and uscc.is_valid(subject_uscc):
            region_code = uscc.region_code(uscc.compact(subject_uscc))
        if region_code:
            authority = authority_for_region(region_code)
    authority = authority or national_authority()
    if authority is None:
        raise ComplaintRoutingError("No live authority to route the complaint to.")
    return authority


def _attachment_store(
    *, complaint: Complaint, attachment: InspectedFile, event: ComplaintEvent | None = None
) -> ComplaintAttachment:
    """Store a file, and queue its malware scan in the same transaction (when a scanner is
    configured): staff may download it once the scan has found nothing."""
    scan = scanning_enabled()
    stored = ComplaintAttachment.objects.create(
        complaint=complaint,
        event=event,
        file=ContentFile(attachment.content, name=attachment.kind),
        original_name=attachment.original_name,
        content_type=attachment.content_type,
        size=len(attachment.content),
        sha256=attachment.sha256,
        scan=ComplaintAttachment.Scan.PENDING if scan else ComplaintAttachment.Scan.NOT_SCANNED,
    )
    if scan:
        scan_attachment.enqueue(stored.pk)
    return stored


def attachment_scans_queue(*, include_not_scanned: bool = False, dry_run: bool = False) -> list:
    """Queue the malware scan of every attachment left waiting for one with none in the queue:
    a scan that gave up while the scanner was away for hours stays "pending" for good otherwise.
    With `include_not_scanned`, also the files stored while no scanner was configured; they turn
    "pending" (not downloadable) until their scan. Returns those attachments, oldest first; with
    `dry_run`, changes nothing. A scan queued twice only records its verdict twice."""
    if not scanning_enabled():
        raise ImproperlyConfigured(
            "No scanner is configured: set COMPLAINT_ATTACHMENT_CLAMD_URL first."
        )
    waiting = [ComplaintAttachment.Scan.PENDING]
    if include_not_scanned:
        waiting.append(ComplaintAttachment.Scan.NOT_SCANNED)
    queued = {
        task["args"][0]
        for task in DBTaskResult.objects.filter(
            task_path=scan_attachment.module_path,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        ).values_list("args_kwargs", flat=True)
        if task.get("args")
    }
    due = [
        attachment
        for attachment in ComplaintAttachment.objects.filter(scan__in=waiting)
        .exclude(file="")
        .order_by("uploaded_at", "pk")
        .only("pk", "complaint_id", "original_name", "scan", "uploaded_at")
        if attachment.pk not in queued
    ]
    if dry_run:
        return due
    for attachment in due:
        with transaction.atomic():
            if attachment.scan != ComplaintAttachment.Scan.PENDING:
                attachment.scan = ComplaintAttachment.Scan.PENDING
                attachment.save(update_fields=["scan"])
            scan_attachment.enqueue(attachment.pk)
    return due


def complaint_subject_officer_match(*, authority: Authority | None, officer_name: str):
    """The staff user of `authority` that `officer_name` names, if exactly one: their user
    name (a badge number) or their full name. Matched so that they never see the complaint."""
    name = " ".join(officer_name.split())
    if authority is None or not name:
        return None
    staff = get_user_model().objects.filter(staff_memberships__authority=authority).distinct()
    by_username = list(staff.filter(username__iexact=name)[:2])
    if len(by_username) == 1:
        return by_username[0]
    matches = [
        user
        for user in staff.only("first_name", "last_name", "username")
        if name in {user.get_full_name(), f"{user.last_name}{user.first_name}"}
    ]
    return matches[0] if len(matches) == 1 else None


def complaint_submit(
    *,
    idempotency_key: str,
    complainant_kind: str,
    anonymous: bool,
    name: str = "",
    email: str = "",
    phone: str = "",
    language: str = "zh-hans",
    subject_kind: str,
    subject_organisation: Organisation | None = None,
    subject_name: str = "",
    subject_uscc: str = "",
    subject_region: Region | None = None,
    subject_authority: Authority | None = None,
    category: ComplaintCategory,
    what_happened: str,
    happened_when: str = "",
    happened_where: str = "",
    wanted_outcome: str = "",
    consent_to_publish: bool = False,
    attachments: Sequence[InspectedFile] = (),
) -> Submission:
    """File a complaint, in one transaction: the complaint, its first timeline step ("received",
    with the acceptance deadline in working days), and the audit entry
    `complaints.complaint.received`, and the attachments (already inspected by
    `complaints.attachments`). The confirmation e-mail is enqueued on commit, so an e-mail
    failure never loses or blocks the complaint.

    Idempotent by `idempotency_key` (the form's token): a second call with the same key returns
    the complaint of the first (``created=False``, no access code) and writes nothing.

    Raises ValidationError when the intake rules (`complaint_rules_check`) fail, and
    ComplaintRoutingError when no authority is live."""
    errors = complaint_rules_check(category=category, anonymous=anonymous, email=email, phone=phone)
    if errors:
        raise ValidationError(errors)
    if anonymous:
        name = ""
    if subject_kind != SubjectKind.ORGANISATION:
        subject_organisation = None
        subject_uscc = ""
        subject_region = None
    elif subject_organisation is not None:
        subject_name, subject_uscc = "", ""
    subject_officer = None
    if subject_kind == SubjectKind.OFFICER:
        subject_officer = complaint_subject_officer_match(
            authority=subject_authority, officer_name=subject_name
        )
    routed = complaint_route(
        subject_kind=subject_kind,
        subject_organisation=subject_organisation,
        subject_uscc=subject_uscc,
        subject_region=subject_region,
        subject_authority=subject_authority,
    )
    access_code = codes.access_code_generate()
    access_code_hash = codes.access_code_hash(access_code)
    received_at = timezone.now()
    received_on = timezone.localdate(received_at)
    acceptance_deadline = add_working_days(received_on, category.acceptance_days)
    # No read before the write: the form token is unique, so a form sent again fails to insert
    # and gets the complaint it made the first time; a tracking number already taken (2^35 a
    # year: rare) makes the transaction start again with a new one.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    tracking_number=codes.tracking_number_generate(received_on.year),
                    access_code_hash=access_code_hash,
                    received_at=received_at,
                    acceptance_deadline=acceptance_deadline,
                    idempotency_key=idempotency_key,
                    complainant_kind=complainant_kind,
                    anonymous=anonymous,
                    name=name,
                    email=email,
                    phone=phone,
                    language=language,
                    subject_kind=subject_kind,
                    subject_organisation=subject_organisation,
                    subject_name=subject_name,
                    subject_uscc=subject_uscc,
                    subject_region=subject_region,
                    subject_authority=subject_authority,
                    subject_officer=subject_officer,
                    category=category,
                    what_happened=what_happened,
                    happened_when=happened_when,
                    happened_where=happened_where,
                    wanted_outcome=wanted_outcome,
                    consent_to_publish=consent_to_publish,
                    routed_authority=routed,
                )
                for attachment in attachments:
                    _attachment_store(complaint=complaint, attachment=attachment)
                ComplaintEvent.objects.create(
                    complaint=complaint,
                    kind=ComplaintEvent.Kind.RECEIVED,
                    occurred_at=received_at,
                    deadline=acceptance_deadline,
                )
                audit.record(
                    action="complaints.complaint.received",
                    obj=complaint,
                    data={
                        "tracking_number": complaint.tracking_number,
                        "category": category.code,
                        "subject_kind": subject_kind,
                        "subject_organisation": subject_organisation.uscc
                        if subject_organisation
                        else None,
                        "routed_authority": routed.pk,
                        "acceptance_deadline": acceptance_deadline.isoformat(),
                        "anonymous": anonymous,
                        "attachments": [item.sha256 for item in attachments],
                    },
                )
                if email:  # in this transaction: the queue is a table of this database
                    send_confirmation.enqueue(complaint.pk, seal(access_code))
        except IntegrityError:
            existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return Submission(complaint=existing, access_code=None, created=False)
            continue
        return Submission(complaint=complaint, access_code=access_code, created=True)
    raise IntegrityError("No free tracking number after five attempts.")


# Tracking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackedStep:
    kind: str
    label: str
    public_text: str
    occurred_at: datetime.datetime
    deadline: datetime.date | None
    # Where a transfer sent it.
    authority: Authority | None = None


@dataclass(frozen=True)
class TrackedComplaint:
    """What the holder of the number and the code sees: nothing of the complainant's own data
    and nothing of the narrative, only where it went, what happened to it, and what they may
    do next (answer a request, rate, ask for a review, join an earlier complaint)."""

    tracking_number: str
    status: str
    status_label: str
    category: ComplaintCategory
    subject_kind: str
    subject: str
    routed_authority: Authority
    received_at: datetime.datetime
    acceptance_deadline: datetime.date
    steps: list[TrackedStep]
    current_deadline: datetime.date | None = None
    enforcement_action: CreditEvent | None = None
    may_answer: bool = False
    may_rate: bool = False
    rating: int | None = None
    review_until: datetime.date | None = None
    may_join_earlier: bool = False
    # Since when the clock is stopped, waiting for the complainant's answer.
    clock_stopped_on: datetime.date | None = None


def complaint_get_for_holder(*, tracking_number: str, access_code: str) -> Complaint | None:
    """The complaint whose number and access code these are, or None: the same None for a
    malformed number, an unknown number and a wrong code, and a hash is checked in every case,
    so neither the answer nor its timing tells whether a number exists."""
    number = codes.tracking_number_normalise(tracking_number)
    complaint = None
    if number is not None:
        complaint = (
            Complaint.objects.select_related(
                "category",
                "routed_authority",
                "subject_organisation",
                "subject_authority",
                "outcome_credit_event__organisation",
            )
            .filter(tracking_number=number)
            .first()
        )
    stored_hash = complaint.access_code_hash if complaint is not None else None
    if not codes.access_code_check(access_code, stored_hash) or complaint is None:
        return None
    if codes.access_code_hash_outdated(stored_hash):
        # A hash made with former scrypt parameters is replaced now that the holder has shown the
        # code; only here, after a match, so a wrong code or an unknown number costs the same as
        # before. One column, and only while it still holds the hash that was checked (no save()
        # of the row beside a handler's change). No audit entry: nothing anyone sees changes.
        renewed = codes.access_code_hash(access_code)
        if Complaint.objects.filter(pk=complaint.pk, access_code_hash=stored_hash).update(
            access_code_hash=renewed
        ):
            complaint.access_code_hash = renewed
    return complaint


def complaint_public_subject(complaint: Complaint) -> str:
    """Whom the complaint is about, as the holder's pages and the receipt show it: the
    organisation or authority; for an officer, only their authority (no name on paper)."""
    if complaint.subject_kind == SubjectKind.OFFICER:
        return complaint.subject_authority.name if complaint.subject_authority else ""
    return complaint.subject_display


def complaint_tracked(complaint: Complaint) -> TrackedComplaint:
    """The holder's view of `complaint` (already checked by `complaint_get_for_holder`)."""
    review_until = complaint_review_deadline(complaint)
    if review_until is not None and timezone.localdate() > review_until:
        review_until = None
    return TrackedComplaint(
        tracking_number=complaint.tracking_number,
        status=complaint.status,
        status_label=complaint.get_status_display(),
        category=complaint.category,
        subject_kind=complaint.subject_kind,
        subject=complaint_public_subject(complaint),
        routed_authority=complaint.routed_authority,
        received_at=complaint.received_at,
        acceptance_deadline=complaint.acceptance_deadline,
        steps=[
            TrackedStep(
                kind=event.kind,
                label=event.get_kind_display(),
                public_text=event.public_text,
                occurred_at=event.occurred_at,
                deadline=event.deadline,
                authority=event.authority,
            )
            for event in complaint.events.select_related("authority")
        ],
        current_deadline=complaint.current_deadline,
        enforcement_action=complaint.outcome_credit_event,
        may_answer=complaint.status == Complaint.Status.INFORMATION_REQUESTED,
        may_rate=complaint.status == Complaint.Status.CONCLUDED and complaint.rated_at is None,
        rating=complaint.satisfaction_rating,
        review_until=review_until,
        may_join_earlier=complaint_supplement_possible(complaint),
        clock_stopped_on=complaint.clock_stopped_on
        if complaint.status == Complaint.Status.INFORMATION_REQUESTED
        else None,
    )


def complaint_track(*, tracking_number: str, access_code: str) -> TrackedComplaint | None:
    """The public timeline of the complaint for the holder of its number and access code, or
    None (see `complaint_get_for_holder`)."""
    complaint = complaint_get_for_holder(tracking_number=tracking_number, access_code=access_code)
    if complaint is None:
        return None
    return complaint_tracked(complaint)


# Handling -------------------------------------------------------------------------------------
# Every handling step is one transaction: the complaint row is locked, changed, a timeline step
# (`ComplaintEvent`) and an audit entry (who, when, what, before and after) are written, and the
# complainant's e-mail is enqueued on commit (never blocking the change). Who may act is the
# visibility rule of `complaints.selectors.complaints_visible_to`: the same complaints the staff
# see in their queue, never one about themselves.


def _handler_check(*, actor, complaint: Complaint) -> None:
    """Only officers and supervisors who may see the complaint may act on it."""
    if not complaint_visible(actor, complaint):
        raise PermissionDenied("Not an officer who may handle this complaint.")


def _snapshot(complaint: Complaint, fields: Sequence[str]) -> dict:
    values = {}
    for name in fields:
        value = getattr(complaint, name)
        if isinstance(value, datetime.date | datetime.datetime):
            value = value.isoformat()
        elif isinstance(value, models.Model):
            value = value.pk
        values[name] = value
    return values


def _notify(complaint: Complaint, event: ComplaintEvent) -> None:
    """E-mail the complainant about this step (if they left an address), enqueued in the
    step's transaction; a mail server that is down only delays it (complaints.tasks)."""
    if complaint.email:
        send_status_change.enqueue(complaint.pk, event.pk)


def _invalid_step(complaint: Complaint) -> ValidationError:
    return ValidationError(
        _("This step is not possible while the complaint is “%(status)s”."),
        params={"status": complaint.get_status_display()},
        code="invalid_transition",
    )


def _clock_run(complaint: Complaint) -> dict:
    """The change that lets a stopped clock run again when a step ends a request for
    information without an answer (nothing when it runs)."""
    return {"clock_stopped_on": None} if complaint.clock_stopped_on is not None else {}


def _change(
    *,
    complaint: Complaint,
    actor,
    action: str,
    allowed_from: tuple[str, ...] | None,
    changes: dict,
    event_kind: str | None,
    public_text: str = "",
    private_text: str = "",
    deadline: datetime.date | None = None,
    data: dict | None = None,
    check_handler: bool = True,
    notify: bool = True,
    notify_always: bool = False,
    event_authority: Authority | None = None,
) -> ComplaintEvent | None:
    """Apply `changes` to the locked complaint (if its status is in `allowed_from`), add the
    timeline step, write the audit entry `complaints.complaint.<action>` with before and after,
    and enqueue the e-mail when the status changed (or always, with `notify_always`, for a step
    that the complainant must hear of though the status stays, such as a transfer). Returns the
    step."""
    if check_handler:
        _handler_check(actor=actor, complaint=complaint)
    fields = sorted(set(changes) | {"status"})
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if allowed_from is not None and locked.status not in allowed_from:
            raise _invalid_step(locked)
        before = _snapshot(locked, fields)
        for name, value in changes.items():
            setattr(locked, name, value)
        if changes:
            locked.save(update_fields=list(changes))
        after = _snapshot(locked, fields)
        event = None
        if event_kind is not None:
            event = ComplaintEvent.objects.create(
                complaint=locked,
                kind=event_kind,
                public_text=public_text,
                private_text=private_text,
                occurred_at=timezone.now(),
                deadline=deadline,
                authority=event_authority,
            )
        audit.record(
            action=f"complaints.complaint.{action}",
            obj=locked,
            actor=actor,
            data={
                "before": before,
                "after": after,
                "event": event.pk if event else None,
                **(data or {}),
            },
        )
        if notify and event is not None and (notify_always or before["status"] != after["status"]):
            _notify(locked, event)
    for name, value in changes.items():
        setattr(complaint, name, value)
    return event


def complaint_assign(*, complaint: Complaint, actor, officer) -> ComplaintEvent:
    """Assign the complaint to `officer` (an officer or supervisor who may see it). An accepted
    complaint is then under investigation. The timeline says it was assigned, not to whom.
    Audited as `complaints.complaint.assigned`."""
    if officer is None or not complaint_visible(officer, complaint):
        raise ValidationError(
            _("This person cannot handle this complaint."), code="officer_not_allowed"
        )
    changes: dict = {"assigned_officer": officer}
    if complaint.status == Complaint.Status.ACCEPTED:
        changes["status"] = Complaint.Status.UNDER_INVESTIGATION
    return _change(
        complaint=complaint,
        actor=actor,
        action="assigned",
        allowed_from=Complaint.OPEN_STATUSES,
        changes=changes,
        event_kind=ComplaintEvent.Kind.ASSIGNED,
        data={"officer": officer.pk},
    )


def complaint_note_add(*, complaint: Complaint, actor, text: str) -> ComplaintNote:
    """Add an internal note (staff only, never public). Audited as
    `complaints.complaint.noted` (the note's id, not its text)."""
    _handler_check(actor=actor, complaint=complaint)
    if not text.strip():
        raise ValidationError(_("Write the note."), code="note_required")
    with transaction.atomic():
        note = ComplaintNote.objects.create(complaint=complaint, author=actor, text=text.strip())
        audit.record(
            action="complaints.complaint.noted",
            obj=complaint,
            actor=actor,
            data={"note": note.pk},
        )
    return note


def complaint_accept(*, complaint: Complaint, actor, public_text: str = "") -> ComplaintEvent:
    """Accept a received complaint (受理): the conclusion deadline starts, in working days of its
    category. Audited as `complaints.complaint.accepted`."""
    deadline = add_working_days(timezone.localdate(), complaint.category.conclusion_days)
    return _change(
        complaint=complaint,
        actor=actor,
        action="accepted",
        allowed_from=(Complaint.Status.RECEIVED, Complaint.Status.INFORMATION_REQUESTED),
        changes={
            "status": Complaint.Status.ACCEPTED,
            "conclusion_deadline": deadline,
            **_clock_run(complaint),
        },
        event_kind=ComplaintEvent.Kind.ACCEPTED,
        public_text=public_text.strip(),
        deadline=deadline,
    )


def complaint_not_accept(*, complaint: Complaint, actor, reason: str, rule: str) -> ComplaintEvent:
    """Decline a received complaint (不予受理), with the reason and the rule, both public to the
    holder of the code. Audited as `complaints.complaint.not_accepted`."""
    if not reason.strip() or not rule.strip():
        raise ValidationError(_("Give the reason and the rule."), code="reason_required")
    return _change(
        complaint=complaint,
        actor=actor,
        action="not_accepted",
        allowed_from=(Complaint.Status.RECEIVED, Complaint.Status.INFORMATION_REQUESTED),
        changes={
            "status": Complaint.Status.NOT_ACCEPTED,
            "concluded_at": timezone.now(),
            **_clock_run(complaint),
        },
        event_kind=ComplaintEvent.Kind.NOT_ACCEPTED,
        public_text=f"{reason.strip()}\n{rule.strip()}",
        data={"reason": reason.strip(), "rule": rule.strip()},
    )


def complaint_request_information(*, complaint: Complaint, actor, text: str) -> ComplaintEvent:
    """Ask the complainant for more information: `text` is public to the holder of the code
    (and e-mailed); they answer on the tracking page (`complaint_information_provide`).

    The request stops the clock of the current deadline (acceptance, or conclusion once
    accepted) from today (`clock_stopped_on`): the answer moves that deadline later by the
    working days it took. Accepting, not accepting or concluding meanwhile ends the request
    without an answer; nothing moves then (the paused deadline is replaced or no longer runs).
    There is no other way for a request to lapse. Audited as
    `complaints.complaint.information_requested`."""
    if not text.strip():
        raise ValidationError(_("Say what information you need."), code="text_required")
    return _change(
        complaint=complaint,
        actor=actor,
        action="information_requested",
        allowed_from=(
            Complaint.Status.RECEIVED,
            Complaint.Status.ACCEPTED,
            Complaint.Status.UNDER_INVESTIGATION,
        ),
        changes={
            "status": Complaint.Status.INFORMATION_REQUESTED,
            "clock_stopped_on": timezone.localdate(),
        },
        event_kind=ComplaintEvent.Kind.INFORMATION_REQUESTED,
        public_text=text.strip(),
    )


def complaint_deadline_extend(
    *, complaint: Complaint, actor, new_deadline: datetime.date, reason: str
) -> ComplaintEvent:
    """Extend the deadline of the step the complaint waits for (acceptance while received,
    conclusion once accepted) to `new_deadline`, later than the current one, with a reason
    that the complainant sees and is e-mailed. Audited as
    `complaints.complaint.deadline_extended`."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for the extension."), code="reason_required")
    current = complaint.current_deadline
    if current is None:
        raise _invalid_step(complaint)
    if new_deadline <= current:
        raise ValidationError(
            _("The new deadline must be later than %(date)s."),
            params={"date": current.isoformat()},
            code="not_later",
        )
    field_name = (
        "conclusion_deadline"
        if complaint.conclusion_deadline is not None
        else "acceptance_deadline"
    )
    return _change(
        complaint=complaint,
        actor=actor,
        action="deadline_extended",
        allowed_from=Complaint.OPEN_STATUSES,
        changes={field_name: new_deadline},
        event_kind=ComplaintEvent.Kind.DEADLINE_EXTENDED,
        public_text=reason.strip(),
        deadline=new_deadline,
        # The status stays, but the complainant is told, as the form promises.
        notify_always=True,
    )


def complaint_transfer(
    *, complaint: Complaint, actor, to_authority: Authority, reason: str
) -> ComplaintEvent:
    """Send an open complaint to another authority by hand (转办), e.g. when the organisation is
    in fact in another city, with a reason the complainant reads. Its staff then see it and the
    former authority's no longer do (unless it is in their scope as supervisors).

    Rules, kept simple: only while open (not concluded or not accepted); to a live authority
    other than the present one; a complaint about an officer or an authority only to an
    authority that may see it (`complaints.selectors.complaint_transfer_refusal`: the level
    above the authority complained about). The assignment is cleared and the status stays.
    Not yet accepted: the acceptance deadline starts again from today, in working days of its
    category (and a stopped clock stops again from today). Accepted: the conclusion deadline
    stays (the new authority may extend it, with a reason).

    The timeline says where it went and why (no staff names); the complainant is e-mailed.
    Audited as `complaints.complaint.transferred` with before and after."""
    _handler_check(actor=actor, complaint=complaint)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the transfer."), code="reason_required")
    if to_authority is None:
        raise ValidationError(_("Choose the authority to send it to."), code="authority_required")
    with transaction.atomic():
        # Decide on the locked row, so that an acceptance at the same moment is not undone.
        locked = (
            # Only the complaint's row: PostgreSQL cannot lock the nullable side of the join.
            Complaint.objects.select_for_update(of=("self",))
            .select_related("subject_authority", "category")
            .get(pk=complaint.pk)
        )
        if locked.status not in Complaint.OPEN_STATUSES:
            raise _invalid_step(locked)
        if to_authority.pk == locked.routed_authority_id:
            raise ValidationError(
                _("The complaint is already handled by this authority."), code="same_authority"
            )
        if not transfer_targets(locked).filter(pk=to_authority.pk).exists():
            if locked.subject_kind in ABOUT_STAFF:
                raise ValidationError(
                    _(
                        "A complaint about an officer or an authority can only go to an "
                        "authority above the one complained about, which supervises it."
                    ),
                    code="transfer_not_supervising",
                )
            raise ValidationError(
                _("This authority cannot take complaints now."), code="authority_not_live"
            )
        today = timezone.localdate()
        changes: dict = {"routed_authority": to_authority, "assigned_officer": None}
        deadline = locked.current_deadline
        if locked.conclusion_deadline is None:
            deadline = add_working_days(today, locked.category.acceptance_days)
            changes["acceptance_deadline"] = deadline
            if locked.clock_stopped_on is not None:
                changes["clock_stopped_on"] = today
        return _change(
            complaint=complaint,
            actor=actor,
            action="transferred",
            allowed_from=Complaint.OPEN_STATUSES,
            changes=changes,
            event_kind=ComplaintEvent.Kind.TRANSFERRED,
            public_text=reason.strip(),
            deadline=deadline,
            data={
                "from_authority": locked.routed_authority_id,
                "to_authority": to_authority.pk,
                "reason": reason.strip(),
            },
            check_handler=False,
            notify_always=True,
            event_authority=to_authority,
        )


def complaint_subject_officer_correct(*, complaint: Complaint, actor, officer, reason: str) -> None:
    """Correct the staff user that intake matched to the officer a complaint is about
    (`complaint_subject_officer_match`), or clear the match (`officer` None), with a reason.

    Only a supervisor who may see the complaint, with the complaint in their supervising scope
    (`complaints.selectors.may_correct_subject_officer`); only for a complaint about an
    officer's conduct; the officer must be a staff member of the authority complained about.
    The newly matched officer stops seeing the complaint at once (and loses its assignment if
    they had it); one matched wrongly sees it again only where the visibility rules let them.
    Not on the public timeline (it names staff); audited as
    `complaints.complaint.subject_officer_corrected` with before and after."""
    if not may_correct_subject_officer(actor, complaint):
        raise PermissionDenied("Only a supervisor of this complaint may correct the match.")
    if complaint.subject_kind != SubjectKind.OFFICER:
        raise ValidationError(
            _("Only a complaint about an officer's conduct names an officer."),
            code="not_about_an_officer",
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the correction."), code="reason_required")
    if (
        officer is not None
        and not officers_of_authority(complaint.subject_authority).filter(pk=officer.pk).exists()
    ):
        raise ValidationError(
            _("Choose a staff member of the authority complained about."),
            code="officer_other_authority",
        )
    if (officer.pk if officer else None) == complaint.subject_officer_id:
        raise ValidationError(
            _("This is already the officer matched to the complaint."), code="unchanged"
        )
    changes: dict = {"subject_officer": officer}
    if officer is not None and complaint.assigned_officer_id == officer.pk:
        changes["assigned_officer"] = None
    _change(
        complaint=complaint,
        actor=actor,
        action="subject_officer_corrected",
        allowed_from=None,
        changes=changes,
        event_kind=None,
        data={"reason": reason.strip()},
    )


def complaint_conclude(
    *, complaint: Complaint, actor, outcome: str, credit_event: CreditEvent | None = None
) -> ComplaintEvent:
    """Conclude an accepted complaint (办结) with its outcome, public to the holder of the code,
    and optionally the enforcement action: a credit event of the organisation complained about
    (linked from the tracking page to its public record). Audited as
    `complaints.complaint.concluded`."""
    if not outcome.strip():
        raise ValidationError(_("Give the outcome."), code="outcome_required")
    if credit_event is not None and (
        complaint.subject_organisation_id is None
        or credit_event.organisation_id != complaint.subject_organisation_id
    ):
        raise ValidationError(
            _("The enforcement action must be one of the organisation complained about."),
            code="credit_event_other_organisation",
        )
    return _change(
        complaint=complaint,
        actor=actor,
        action="concluded",
        allowed_from=(
            Complaint.Status.ACCEPTED,
            Complaint.Status.UNDER_INVESTIGATION,
            Complaint.Status.INFORMATION_REQUESTED,
        ),
        changes={
            "status": Complaint.Status.CONCLUDED,
            "concluded_at": timezone.now(),
            "outcome_credit_event": credit_event,
            **_clock_run(complaint),
        },
        event_kind=ComplaintEvent.Kind.CONCLUDED,
        public_text=outcome.strip(),
        data={"credit_event": credit_event.pk if credit_event else None},
    )


# Follow-up by the complainant (holder of the number and code) ---------------------------------
# The tracking page calls these after `complaint_get_for_holder`; the actor is the complainant,
# who has no account, so the audit entries have no actor and say "complainant".


def complaint_information_provide(
    *, complaint: Complaint, text: str, attachments: Sequence[InspectedFile] = ()
) -> ComplaintEvent:
    """The complainant answers a request for information with text and more evidence (inspected
    as at intake, at most `MAX_FILES` in all per answer). The answer is for the staff only; the
    timeline shows that it came. The case goes back to where it was: under investigation once
    accepted, otherwise received.

    The clock starts again (补正期间不计入办理时限): the current deadline (conclusion once
    accepted, otherwise acceptance) moves later by the working days the request was open,
    counted with the holiday calendar from the day of the request, which does not count (the
    clock ran that day), up to and including the day of the answer (`working_days_between`):
    asked on Friday and answered on Monday moves it by one working day; answered the same day,
    not at all. The answer's timeline step shows the new deadline. Audited as
    `complaints.complaint.information_provided` with the deadline before and after and the
    working days paused."""
    if not text.strip() and not attachments:
        raise ValidationError(_("Write your answer or attach a file."), code="answer_required")
    with transaction.atomic():
        # Read the deadline and the day the clock stopped under the lock, so that an extension
        # written at the same moment is moved, not overwritten.
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status != Complaint.Status.INFORMATION_REQUESTED:
            raise _invalid_step(locked)
        accepted = locked.conclusion_deadline is not None
        deadline_field = "conclusion_deadline" if accepted else "acceptance_deadline"
        back_to = Complaint.Status.UNDER_INVESTIGATION if accepted else Complaint.Status.RECEIVED
        changes: dict = {"status": back_to, "clock_stopped_on": None}
        paused = 0
        if locked.clock_stopped_on is not None:
            paused = working_days_between(locked.clock_stopped_on, timezone.localdate())
        new_deadline = add_working_days(getattr(locked, deadline_field), paused)
        changes[deadline_field] = new_deadline
        event = _change(
            complaint=complaint,
            actor=None,
            action="information_provided",
            allowed_from=(Complaint.Status.INFORMATION_REQUESTED,),
            changes=changes,
            event_kind=ComplaintEvent.Kind.INFORMATION_PROVIDED,
            private_text=text.strip(),
            deadline=new_deadline,
            data={
                "by": "complainant",
                "attachments": [item.sha256 for item in attachments],
                "clock_stopped_on": locked.clock_stopped_on.isoformat()
                if locked.clock_stopped_on
                else None,
                "working_days_paused": paused,
            },
            check_handler=False,
        )
        for attachment in attachments:
            _attachment_store(complaint=complaint, attachment=attachment, event=event)
    return event


def complaint_rate(*, complaint: Complaint, rating: int, comment: str = "") -> Complaint:
    """The complainant's satisfaction with a concluded complaint, 1 to 5, with a comment; once.
    Audited as `complaints.complaint.rated`."""
    if rating not in range(1, 6):
        raise ValidationError(_("Choose a rating from 1 to 5."), code="rating_range")
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status != Complaint.Status.CONCLUDED:
            raise _invalid_step(locked)
        if locked.rated_at is not None:
            raise ValidationError(_("You have already rated this complaint."), code="rated")
        _change(
            complaint=complaint,
            actor=None,
            action="rated",
            allowed_from=(Complaint.Status.CONCLUDED,),
            changes={
                "satisfaction_rating": rating,
                "satisfaction_comment": comment.strip(),
                "rated_at": timezone.now(),
            },
            event_kind=None,
            data={"by": "complainant"},
            check_handler=False,
        )
    return complaint


def complaint_review_deadline(complaint: Complaint) -> datetime.date | None:
    """The last day the complainant may ask for a review (COMPLAINT_REVIEW_DAYS calendar days
    after the decision), or None when none may be asked (not decided, or asked already)."""
    if complaint.concluded_at is None or complaint.review_requested_at is not None:
        return None
    if complaint.status not in (Complaint.Status.CONCLUDED, Complaint.Status.NOT_ACCEPTED):
        return None
    decided = timezone.localtime(complaint.concluded_at).date()
    return decided + datetime.timedelta(days=settings.COMPLAINT_REVIEW_DAYS)


def complaint_review_request(*, complaint: Complaint, grounds: str) -> ComplaintEvent:
    """The complainant asks the level above to review a concluded (or not accepted) complaint,
    within COMPLAINT_REVIEW_DAYS of the decision, once. The case reopens as received by the
    authority above the one that decided it (the national authority reviews its own), with a
    new acceptance deadline and no assignee. The grounds are for the staff only. Audited as
    `complaints.complaint.review_requested`."""
    if not grounds.strip():
        raise ValidationError(_("Say why you ask for a review."), code="grounds_required")
    last_day = complaint_review_deadline(complaint)
    if last_day is None:
        raise ValidationError(_("A review cannot be requested for this complaint."), code="review")
    if timezone.localdate() > last_day:
        raise ValidationError(
            _("The period for asking for a review ended on %(date)s."),
            params={"date": last_day.isoformat()},
            code="review_late",
        )
    current = complaint.routed_authority
    above = current.parent if current.parent is not None and current.parent.live else current
    deadline = add_working_days(timezone.localdate(), complaint.category.acceptance_days)
    return _change(
        complaint=complaint,
        actor=None,
        action="review_requested",
        allowed_from=(Complaint.Status.CONCLUDED, Complaint.Status.NOT_ACCEPTED),
        changes={
            "status": Complaint.Status.RECEIVED,
            "routed_authority": above,
            "acceptance_deadline": deadline,
            "conclusion_deadline": None,
            "concluded_at": None,
            "assigned_officer": None,
            "review_requested_at": timezone.now(),
        },
        event_kind=ComplaintEvent.Kind.REVIEW_REQUESTED,
        private_text=grounds.strip(),
        deadline=deadline,
        data={"by": "complainant", "from_authority": current.pk, "to_authority": above.pk},
        check_handler=False,
    )


def _supplement_targets(complaint: Complaint) -> models.QuerySet[Complaint] | None:
    """The earlier open complaints that `complaint` may join as a supplement, earliest first,
    or None when it may join none."""
    if (
        complaint.subject_organisation_id is None
        or complaint.supplement_to_id is not None
        or complaint.status != Complaint.Status.RECEIVED
    ):
        return None
    return Complaint.objects.filter(
        subject_organisation_id=complaint.subject_organisation_id,
        category_id=complaint.category_id,
        status__in=Complaint.OPEN_STATUSES,
        supplement_to__isnull=True,
        received_at__lt=complaint.received_at,
    ).order_by("received_at", "pk")


def complaint_supplement_possible(complaint: Complaint) -> bool:
    """Whether `complaint` may join an earlier open complaint as a supplement: what the holder
    learns (see `complaint_supplement_join`). A query for a row's existence only, as every
    submission asks it."""
    targets = _supplement_targets(complaint)
    return targets is not None and targets.exists()


def complaint_supplement_offer(complaint: Complaint) -> Complaint | None:
    """The earlier open complaint that `complaint` may join as a supplement, or None. Staff
    and this module only: the holder learns only that one exists
    (`complaint_supplement_possible`)."""
    targets = _supplement_targets(complaint)
    return None if targets is None else targets.select_related("routed_authority").first()


def complaint_supplement_join(*, complaint: Complaint) -> ComplaintEvent:
    """File `complaint` as a supplement to the earlier open complaint about the same
    organisation in the same category, at its complainant's request.

    The design, kept as simple as is safe: the complaint is always filed first, on its own, in
    the intake's transaction; nothing is lost whether or not the complainant then joins. Joining
    only links it (`supplement_to`) to the earliest open complaint of that subject and category
    and sends it to that complaint's authority, so one officer handles both. Each keeps its own
    record, number, code, timeline, e-mails and personal data: the complainant sees their own
    timeline with a step "added to an earlier complaint", and learns nothing of the other (not
    its number, status, authority, or complainant); the other complainant sees nothing at all.
    Staff see the link both ways on the detail page. Audited as
    `complaints.complaint.supplement_joined`."""
    target = complaint_supplement_offer(complaint)
    if target is None:
        raise ValidationError(
            _("There is no open complaint to add this one to."), code="no_supplement_target"
        )
    return _change(
        complaint=complaint,
        actor=None,
        action="supplement_joined",
        allowed_from=(Complaint.Status.RECEIVED,),
        changes={"supplement_to": target, "routed_authority": target.routed_authority},
        event_kind=ComplaintEvent.Kind.SUPPLEMENT_JOINED,
        data={"by": "complainant", "supplement_to": target.pk},
        check_handler=False,
        notify=False,
    )


# Retention ------------------------------------------------------------------------------------

# The fields that hold the complainant's personal data or their account of events.
PERSONAL_FIELDS = (
    "name",
    "email",
    "phone",
    "what_happened",
    "happened_when",
    "happened_where",
    "wanted_outcome",
    "satisfaction_comment",
)


def complaint_anonymise(*, complaint: Complaint, actor=None) -> dict:
    """Remove the personal data of a closed complaint, keeping what the statistics need
    (category, subject organisation or authority, dates, deadlines, statuses, authority,
    rating, the public timeline): the complainant's name, e-mail and phone, the narrative
    fields, the officer's name in a complaint about an officer, the complainant's answers and
    grounds on the timeline, the internal notes' text, and the attachments (rows now, files
    once the transaction commits). In one transaction, audited as
    `complaints.complaint.anonymised` with what was removed (counts, not contents). Returns
    that summary."""
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.anonymised_at is not None:
            return {}
        if locked.status not in (Complaint.Status.CONCLUDED, Complaint.Status.NOT_ACCEPTED):
            raise _invalid_step(locked)
        cleared = [name for name in PERSONAL_FIELDS if getattr(locked, name)]
        for name in PERSONAL_FIELDS:
            setattr(locked, name, "")
        if locked.subject_kind == SubjectKind.OFFICER and locked.subject_name:
            locked.subject_name = ""
            cleared.append("subject_name")
        locked.anonymised_at = timezone.now()
        locked.save(update_fields=[*PERSONAL_FIELDS, "subject_name", "anonymised_at"])
        answers = locked.events.exclude(private_text="").update(private_text="")
        notes = locked.notes.exclude(text="").update(text="")
        attachments = list(locked.attachments.all())
        names = [attachment.file.name for attachment in attachments if attachment.file]
        locked.attachments.all().delete()
        summary = {
            "fields": cleared,
            "answers": answers,
            "notes": notes,
            "attachments": len(attachments),
        }
        audit.record(
            action="complaints.complaint.anonymised", obj=locked, actor=actor, data=summary
        )

        def delete_files() -> None:
            storage = attachment_storage()
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete_files)
    return summary


# Publication of an anonymised outcome ---------------------------------------------------------


def _publication_check(complaint: Complaint) -> None:
    if complaint.status != Complaint.Status.CONCLUDED:
        raise _invalid_step(complaint)
    if not complaint.consent_to_publish:
        raise ValidationError(
            _("The complainant did not consent to publication: nothing is published."),
            code="no_consent",
        )
    if complaint.subject_organisation_id is None:
        raise ValidationError(
            _("Only outcomes about an organisation in the credit records are published."),
            code="no_organisation",
        )


def complaint_publication_write(*, complaint: Complaint, actor, text: str) -> Complaint:
    """An officer writes (or rewrites) the anonymised outcome of a concluded complaint whose
    complainant consented; it waits for a second person's approval (a rewrite withdraws an
    earlier approval). Audited as `complaints.complaint.publication_written`."""
    _publication_check(complaint)
    if not text.strip():
        raise ValidationError(_("Write the anonymised outcome."), code="text_required")
    _change(
        complaint=complaint,
        actor=actor,
        action="publication_written",
        allowed_from=(Complaint.Status.CONCLUDED,),
        changes={
            "publication_text": text.strip(),
            "publication_written_by": actor,
            "publication_approved_by": None,
            "publication_approved_at": None,
        },
        event_kind=None,
    )
    return complaint


def complaint_publication_approve(*, complaint: Complaint, actor) -> Complaint:
    """A second person (not its writer) approves the anonymised outcome, which is then shown
    on the organisation's public record. Audited as
    `complaints.complaint.publication_approved`."""
    _publication_check(complaint)
    if not complaint.publication_text or complaint.publication_approved_at is not None:
        raise ValidationError(_("There is no outcome waiting for approval."), code="no_draft")
    if complaint.publication_written_by_id == actor.pk:
        raise ValidationError(_("A second person must approve what you wrote."), code="same_person")
    _change(
        complaint=complaint,
        actor=actor,
        action="publication_approved",
        allowed_from=(Complaint.Status.CONCLUDED,),
        changes={"publication_approved_by": actor, "publication_approved_at": timezone.now()},
        event_kind=None,
    )
    return complaint
