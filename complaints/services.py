"""Writes and public reads of complaints: intake (`complaint_submit`) and tracking
(`complaint_track`)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import codes
from complaints.attachments import InspectedFile
from complaints.calendar import add_working_days
from complaints.models import Complaint, ComplaintAttachment, ComplaintCategory, ComplaintEvent
from complaints.tasks import seal, send_confirmation
from portal.core import audit
from portal.core.models import Authority, Region, StaffMembership
from portal.core.selectors import authority_for_region, authority_in_scope, national_authority
from portal.records import uscc
from portal.records.models import Organisation

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


def _complaint_create(*, access_code: str, **fields) -> Complaint:
    received_at = timezone.now()
    category: ComplaintCategory = fields["category"]
    deadline = add_working_days(timezone.localdate(received_at), category.acceptance_days)
    for _attempt in range(5):
        number = codes.tracking_number_generate(timezone.localdate(received_at).year)
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    tracking_number=number,
                    access_code_hash=codes.access_code_hash(access_code),
                    received_at=received_at,
                    acceptance_deadline=deadline,
                    **fields,
                )
        except IntegrityError:
            # Either the number was taken (rare: 2^35 per year) or the same form token won a
            # race; the caller tells the two apart.
            if Complaint.objects.filter(idempotency_key=fields["idempotency_key"]).exists():
                raise
            continue
        return complaint
    raise IntegrityError("No free tracking number after five attempts.")


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
    existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return Submission(complaint=existing, access_code=None, created=False)
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
    routed = complaint_route(
        subject_kind=subject_kind,
        subject_organisation=subject_organisation,
        subject_uscc=subject_uscc,
        subject_region=subject_region,
        subject_authority=subject_authority,
    )
    access_code = codes.access_code_generate()
    try:
        with transaction.atomic():
            complaint = _complaint_create(
                access_code=access_code,
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
                category=category,
                what_happened=what_happened,
                happened_when=happened_when,
                happened_where=happened_where,
                wanted_outcome=wanted_outcome,
                consent_to_publish=consent_to_publish,
                routed_authority=routed,
            )
            for attachment in attachments:
                ComplaintAttachment.objects.create(
                    complaint=complaint,
                    file=ContentFile(attachment.content, name=attachment.kind),
                    original_name=attachment.original_name,
                    content_type=attachment.content_type,
                    size=len(attachment.content),
                    sha256=attachment.sha256,
                )
            ComplaintEvent.objects.create(
                complaint=complaint,
                kind=ComplaintEvent.Kind.RECEIVED,
                occurred_at=complaint.received_at,
                deadline=complaint.acceptance_deadline,
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
                    "acceptance_deadline": complaint.acceptance_deadline.isoformat(),
                    "anonymous": anonymous,
                    "attachments": [item.sha256 for item in attachments],
                },
            )
            if email:
                sealed = seal(access_code)
                transaction.on_commit(lambda: send_confirmation.enqueue(complaint.pk, sealed))
    except IntegrityError:
        existing = Complaint.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return Submission(complaint=existing, access_code=None, created=False)
    return Submission(complaint=complaint, access_code=access_code, created=True)


# Tracking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackedStep:
    kind: str
    label: str
    public_text: str
    occurred_at: datetime.datetime
    deadline: datetime.date | None


@dataclass(frozen=True)
class TrackedComplaint:
    """What the holder of the number and the code sees: nothing of the complainant's own data
    and nothing of the narrative, only where it went and what happened to it."""

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


def complaint_get_for_holder(*, tracking_number: str, access_code: str) -> Complaint | None:
    """The complaint whose number and access code these are, or None: the same None for a
    malformed number, an unknown number and a wrong code, and a hash is checked in every case,
    so neither the answer nor its timing tells whether a number exists."""
    number = codes.tracking_number_normalise(tracking_number)
    complaint = None
    if number is not None:
        complaint = (
            Complaint.objects.select_related(
                "category", "routed_authority", "subject_organisation", "subject_authority"
            )
            .filter(tracking_number=number)
            .first()
        )
    stored_hash = complaint.access_code_hash if complaint is not None else None
    if not codes.access_code_check(access_code, stored_hash) or complaint is None:
        return None
    return complaint


def complaint_public_subject(complaint: Complaint) -> str:
    """Whom the complaint is about, as the holder's pages and the receipt show it: the
    organisation or authority; for an officer, only their authority (no name on paper)."""
    if complaint.subject_kind == SubjectKind.OFFICER:
        return complaint.subject_authority.name if complaint.subject_authority else ""
    return complaint.subject_display


def complaint_track(*, tracking_number: str, access_code: str) -> TrackedComplaint | None:
    """The public timeline of the complaint for the holder of its number and access code, or
    None (see `complaint_get_for_holder`)."""
    complaint = complaint_get_for_holder(tracking_number=tracking_number, access_code=access_code)
    if complaint is None:
        return None
    subject = complaint_public_subject(complaint)
    return TrackedComplaint(
        tracking_number=complaint.tracking_number,
        status=complaint.status,
        status_label=complaint.get_status_display(),
        category=complaint.category,
        subject_kind=complaint.subject_kind,
        subject=subject,
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
            )
            for event in complaint.events.all()
        ],
    )


# Handling -------------------------------------------------------------------------------------
# The first steps an officer takes; the staff views that call them come with the handling slice.


def _officer_check(*, actor, complaint: Complaint) -> None:
    """Only officers (or supervisors) whose scope covers the handling authority may act."""
    roles = {StaffMembership.Role.OFFICER, StaffMembership.Role.SUPERVISOR}
    if not authority_in_scope(actor, complaint.routed_authority, roles=roles):
        raise PermissionDenied("Not an officer of the authority that handles this complaint.")


def _step(
    *,
    complaint: Complaint,
    actor,
    kind: str,
    status: str,
    public_text: str,
    deadline: datetime.date | None,
    allowed_from: tuple[str, ...],
) -> ComplaintEvent:
    _officer_check(actor=actor, complaint=complaint)
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status not in allowed_from:
            raise ValidationError(
                _("This step is not possible while the complaint is “%(status)s”."),
                params={"status": locked.get_status_display()},
                code="invalid_transition",
            )
        before = locked.status
        locked.status = status
        locked.save(update_fields=["status"])
        event = ComplaintEvent.objects.create(
            complaint=locked,
            kind=kind,
            public_text=public_text,
            occurred_at=timezone.now(),
            deadline=deadline,
        )
        audit.record(
            action=f"complaints.complaint.{kind}",
            obj=locked,
            actor=actor,
            data={"before": {"status": before}, "after": {"status": status}, "event": event.pk},
        )
    complaint.status = status
    return event


def complaint_accept(*, complaint: Complaint, actor, public_text: str = "") -> ComplaintEvent:
    """Accept a received complaint (受理): the conclusion deadline starts, in working days of its
    category. Audited as `complaints.complaint.accepted`."""
    deadline = add_working_days(timezone.localdate(), complaint.category.conclusion_days)
    return _step(
        complaint=complaint,
        actor=actor,
        kind=ComplaintEvent.Kind.ACCEPTED,
        status=Complaint.Status.ACCEPTED,
        public_text=public_text,
        deadline=deadline,
        allowed_from=(Complaint.Status.RECEIVED,),
    )


def complaint_not_accept(*, complaint: Complaint, actor, reason: str, rule: str) -> ComplaintEvent:
    """Decline a received complaint (不予受理), with the reason and the rule, both public to the
    holder of the code. Audited as `complaints.complaint.not_accepted`."""
    if not reason.strip() or not rule.strip():
        raise ValidationError(_("Give the reason and the rule."), code="reason_required")
    return _step(
        complaint=complaint,
        actor=actor,
        kind=ComplaintEvent.Kind.NOT_ACCEPTED,
        status=Complaint.Status.NOT_ACCEPTED,
        public_text=f"{reason.strip()}\n{rule.strip()}",
        deadline=None,
        allowed_from=(Complaint.Status.RECEIVED,),
    )


def complaint_conclude(*, complaint: Complaint, actor, outcome: str) -> ComplaintEvent:
    """Conclude an accepted complaint (办结) with its outcome, public to the holder of the code.
    Audited as `complaints.complaint.concluded`."""
    if not outcome.strip():
        raise ValidationError(_("Give the outcome."), code="outcome_required")
    return _step(
        complaint=complaint,
        actor=actor,
        kind=ComplaintEvent.Kind.CONCLUDED,
        status=Complaint.Status.CONCLUDED,
        public_text=outcome.strip(),
        deadline=None,
        allowed_from=(
            Complaint.Status.ACCEPTED,
            Complaint.Status.UNDER_INVESTIGATION,
            Complaint.Status.INFORMATION_REQUESTED,
        ),
    )
