"""Reads of complaint categories and complaints: the public form's choices, duplicates, and the
staff's queue, detail, visibility and workload."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Case, DateField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from complaints.models import Complaint, ComplaintCategory
from portal.core.models import AuditEntry, Authority, Region, StaffMembership
from portal.core.process_cache import ProcessCache
from portal.core.selectors import (
    authorities_in_scope,
    authorities_public,
    authority_in_scope,
    has_role_anywhere,
    memberships_of,
)
from portal.records.models import CreditEvent, Organisation

# The form's choices, read by every view of the form and every submission: kept per process
# (`portal.core.process_cache`), so callers must not change the instances.
_categories = ProcessCache("complaints.categories", models=(ComplaintCategory,))


def categories_for_form() -> list[ComplaintCategory]:
    """The active categories in tree order (each parent followed by its children), each with
    `depth` set (0 for a top-level category). Shared: read-only."""
    return _categories.get(None, _categories_load)


def category_for_form(pk: int) -> ComplaintCategory | None:
    """The active category `pk` as `categories_for_form` has it, or None."""
    return next((category for category in categories_for_form() if category.pk == pk), None)


def _categories_load() -> list[ComplaintCategory]:
    categories = list(ComplaintCategory.objects.filter(is_active=True))
    children: dict[int | None, list[ComplaintCategory]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[ComplaintCategory] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for category in children.get(parent_id, []):
            category.depth = depth
            ordered.append(category)
            walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


def authorities_for_form() -> QuerySet[Authority]:
    """The live authorities a complaint may be about, national first, then by region."""
    return authorities_public().order_by("level", "region_id")


def regions_for_form() -> QuerySet[Region]:
    """Prefecture-level regions in use, by code: where an unlisted organisation is."""
    return Region.objects.filter(level=Region.Level.PREFECTURE, is_active=True).order_by("code")


_choices = ProcessCache("complaints.form_choices", models=(Authority, Region))


def form_choice_get(kind: str, key: str) -> Authority | Region | None:
    """The authority (kind "authority", by pk) or the region ("region", by code) of the form's
    choices that `key` names, from a copy kept per process; None when it is not among them.
    Shared: read-only."""

    def load() -> dict[str, Authority | Region]:
        if kind == "authority":
            return {str(authority.pk): authority for authority in authorities_for_form()}
        return {region.code: region for region in regions_for_form()}

    return _choices.get(kind, load).get(key)


def complaint_open_duplicate_exists(
    *, organisation: Organisation | None, category: ComplaintCategory, exclude_pk: int | None = None
) -> bool:
    """Whether `organisation` already has an open complaint in `category` (not counting
    `exclude_pk`): the authority then handles them together."""
    if organisation is None:
        return False
    queryset = Complaint.objects.filter(
        subject_organisation=organisation,
        category=category,
        status__in=Complaint.OPEN_STATUSES,
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.exists()


# Handling (staff) -----------------------------------------------------------------------------
# Who sees which complaint. Every staff read and every handling service goes through
# `complaints_visible_to`, so the queue, the detail page, the attachment downloads and the
# actions follow one rule:
#
# 1. Scope: officers and supervisors see the complaints routed to the authorities in their scope
#    (a provincial membership covers its prefectures; a national one, every authority).
# 2. Nobody sees a complaint about themselves (`subject_officer`), whatever their scope.
# 3. Complaints about an authority or an officer's conduct are seen only by the supervising
#    level: staff whose membership is at an authority above the one complained about (its
#    parent or the national authority); a membership at the authority itself does not count.
#    The national authority has no level above: complaints about it are seen by its
#    supervisors only.
#
# Superusers see everything except complaints about themselves.

HANDLING_ROLES = frozenset({StaffMembership.Role.OFFICER, StaffMembership.Role.SUPERVISOR})
SUPERVISING_ROLES = frozenset({StaffMembership.Role.SUPERVISOR})
ABOUT_STAFF = (Complaint.SubjectKind.AUTHORITY, Complaint.SubjectKind.OFFICER)
# Age of open complaints in days, for the supervisor view: (label, first day, last day or None).
AGEING_BANDS = (("0–7", 0, 7), ("8–30", 8, 30), ("31–60", 31, 60), (">60", 61, None))


def _active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """The complaints `user` may see and act on, by the three rules above."""
    if not _active(user):
        return Complaint.objects.none()
    queryset = Complaint.objects.exclude(subject_officer=user)
    if user.is_superuser:
        return queryset
    memberships = [m for m in memberships_of(user) if m.role in HANDLING_ROLES]
    if not memberships:
        return Complaint.objects.none()
    queryset = queryset.filter(
        routed_authority__in=authorities_in_scope(user, roles=HANDLING_ROLES)
    )
    ids = [m.authority_id for m in memberships]
    above = Q(subject_authority__parent_id__in=ids)
    above |= Q(subject_authority__parent__parent_id__in=ids)
    if any(
        m.role in SUPERVISING_ROLES and m.authority.level == Authority.Level.NATIONAL
        for m in memberships
    ):
        above |= Q(subject_authority__parent__isnull=True, subject_authority__isnull=False)
    return queryset.filter(~Q(subject_kind__in=ABOUT_STAFF) | above)


def complaint_visible(user, complaint: Complaint) -> bool:
    """Whether `user` may see (and act on) `complaint`."""
    return complaints_visible_to(user).filter(pk=complaint.pk).exists()


def may_handle_complaints(user) -> bool:
    """Whether `user` has a handling role somewhere (the admin menu shows the queue)."""
    return has_role_anywhere(user, roles=HANDLING_ROLES)


def may_supervise_complaints(user) -> bool:
    """Whether `user` is a supervisor somewhere (the admin menu shows the overview)."""
    return has_role_anywhere(user, roles=SUPERVISING_ROLES)


def _with_current_deadline(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return queryset.annotate(
        deadline_now=Case(
            When(status=Complaint.Status.RECEIVED, then=F("acceptance_deadline")),
            When(
                status__in=Complaint.OPEN_STATUSES,
                then=Coalesce("conclusion_deadline", "acceptance_deadline"),
            ),
            default=None,
            output_field=DateField(),
        )
    )


def complaints_queue(
    user,
    *,
    status: str = "",
    category: ComplaintCategory | None = None,
    overdue: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[Complaint]:
    """The complaints `user` sees, filtered, oldest deadline first, each annotated with
    `deadline_now` (the deadline of the step it waits for) and `is_overdue` (as
    `Complaint.is_overdue`: not while the clock is stopped, unless it was late already)."""
    today = today or timezone.localdate()
    queryset = _with_current_deadline(
        complaints_visible_to(user).select_related(
            "category", "routed_authority", "assigned_officer", "subject_organisation"
        )
    ).annotate(
        # While information is requested the clock is stopped: the day it stopped stands for
        # today (as Complaint.is_overdue).
        clock_day=Coalesce("clock_stopped_on", Value(today), output_field=DateField()),
        is_overdue=Case(
            When(deadline_now__lt=F("clock_day"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if status:
        queryset = queryset.filter(status=status)
    if category is not None:
        queryset = queryset.filter(Q(category=category) | Q(category__parent=category))
    if overdue:
        queryset = queryset.filter(is_overdue=True)
    return queryset.order_by(F("deadline_now").asc(nulls_last=True), "received_at")


def complaint_for_staff(user, pk: int) -> Complaint | None:
    """The complaint `pk` with everything its staff page shows, or None when `user` may not
    see it (the same None as for a complaint that does not exist)."""
    return (
        complaints_visible_to(user)
        .select_related(
            "category",
            "routed_authority",
            "subject_organisation",
            "subject_authority",
            "subject_region",
            "assigned_officer",
            "subject_officer",
            "outcome_credit_event",
            "supplement_to",
        )
        .filter(pk=pk)
        .first()
    )


def complaint_audit_trail(complaint: Complaint) -> QuerySet[AuditEntry]:
    """Every audit entry of `complaint`, oldest first (staff only)."""
    return (
        AuditEntry.objects.filter(
            object_type=Complaint._meta.label_lower, object_id=str(complaint.pk)
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )


def officers_assignable(complaint: Complaint) -> list:
    """The staff who may be assigned `complaint`: officers and supervisors whose scope covers
    its authority and who may see it (never the officer it is about)."""
    User = get_user_model()
    authority = complaint.routed_authority
    in_scope = Q(staff_memberships__authority_id=authority.pk) | Q(
        staff_memberships__authority__level=Authority.Level.NATIONAL
    )
    if authority.parent_id is not None:
        in_scope |= Q(staff_memberships__authority_id=authority.parent_id)
    candidates = (
        User.objects.filter(in_scope, staff_memberships__role__in=HANDLING_ROLES, is_active=True)
        .distinct()
        .order_by("username")
    )
    return [user for user in candidates if complaint_visible(user, complaint)]


def transfer_targets(complaint: Complaint) -> QuerySet[Authority]:
    """The live authorities `complaint` may be sent to by hand (转办), its own excepted. A
    complaint about an officer or an authority may go only where rule 3 lets staff see it: an
    authority above the one complained about (its parent or the national authority), or the
    national authority itself when that is the one complained about."""
    queryset = authorities_public().exclude(pk=complaint.routed_authority_id)
    if complaint.subject_kind not in ABOUT_STAFF:
        return queryset
    subject = complaint.subject_authority
    if subject is None:
        return queryset.none()
    if subject.parent_id is None:
        return queryset.filter(pk=subject.pk)
    return queryset.filter(Q(pk=subject.parent_id) | Q(children__pk=subject.parent_id)).distinct()


def officers_of_authority(authority: Authority | None) -> QuerySet:
    """The active staff users with a membership at `authority` (any role), by user name: whom
    a complaint about one of its officers may name."""
    if authority is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(staff_memberships__authority=authority, is_active=True)
        .distinct()
        .order_by("username")
    )


def may_correct_subject_officer(user, complaint: Complaint) -> bool:
    """Whether `user` may correct the officer matched to `complaint`: a supervisor (or a
    superuser) who may see it, with its authority in their supervising scope."""
    if not complaint_visible(user, complaint):
        return False
    return user.is_superuser or authority_in_scope(
        user, complaint.routed_authority, roles=SUPERVISING_ROLES
    )


def credit_events_for_outcome(complaint: Complaint) -> QuerySet[CreditEvent]:
    """The credit events of the organisation complained about, newest first: what a
    conclusion may link to as its enforcement action."""
    if complaint.subject_organisation_id is None:
        return CreditEvent.objects.none()
    return CreditEvent.objects.filter(organisation_id=complaint.subject_organisation_id).order_by(
        "-published_on", "-id"
    )


@dataclass
class AuthorityWorkload:
    """One row of the supervisor view."""

    authority: Authority
    open: int = 0
    overdue: int = 0
    ageing: list[int] = field(default_factory=lambda: [0] * len(AGEING_BANDS))


def complaints_workload(user, *, today: datetime.date | None = None) -> list[AuthorityWorkload]:
    """For a supervisor: per authority in their scope, the open complaints they see, how many
    are overdue, and how many are in each age band (days since receipt, `AGEING_BANDS`)."""
    today = today or timezone.localdate()
    if not (_active(user) and (user.is_superuser or may_supervise_complaints(user))):
        return []
    authorities = (
        authorities_in_scope(user, roles=SUPERVISING_ROLES)
        .select_related("region")
        .order_by("level", "region_id")
    )
    if user.is_superuser:
        authorities = Authority.objects.select_related("region").order_by("level", "region_id")
    rows = {authority.pk: AuthorityWorkload(authority=authority) for authority in authorities}
    visible = (
        _with_current_deadline(complaints_visible_to(user))
        .filter(status__in=Complaint.OPEN_STATUSES, routed_authority_id__in=list(rows))
        .values_list("routed_authority_id", "received_at", "deadline_now", "clock_stopped_on")
    )
    for authority_id, received_at, deadline, clock_stopped_on in visible:
        row = rows[authority_id]
        row.open += 1
        if deadline is not None and deadline < (clock_stopped_on or today):
            row.overdue += 1
        age = (today - timezone.localtime(received_at).date()).days
        for index, (_label, first, last) in enumerate(AGEING_BANDS):
            if age >= first and (last is None or age <= last):
                row.ageing[index] += 1
                break
    return list(rows.values())


def complaints_due_for_anonymisation(
    *, now: datetime.datetime | None = None
) -> QuerySet[Complaint]:
    """Closed complaints (concluded or not accepted) decided more than
    COMPLAINT_RETENTION_DAYS ago whose personal data is still there, oldest first."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.COMPLAINT_RETENTION_DAYS)
    return Complaint.objects.filter(
        status__in=(Complaint.Status.CONCLUDED, Complaint.Status.NOT_ACCEPTED),
        concluded_at__lt=cutoff,
        anonymised_at__isnull=True,
    ).order_by("concluded_at", "pk")


@dataclass(frozen=True)
class PublishedOutcome:
    """What the public sees of a complaint on the organisation's record: its category, when
    it was concluded, and the anonymised outcome a second person approved. Nothing else."""

    category: ComplaintCategory
    concluded_on: datetime.date
    text: str


def complaint_outcomes_published(organisation: Organisation) -> list[PublishedOutcome]:
    """The approved anonymised outcomes of concluded complaints about `organisation` whose
    complainants consented, newest first."""
    complaints = (
        Complaint.objects.filter(
            subject_organisation=organisation,
            status=Complaint.Status.CONCLUDED,
            consent_to_publish=True,
            publication_approved_at__isnull=False,
        )
        .exclude(publication_text="")
        .select_related("category")
        .order_by("-publication_approved_at")
    )
    return [
        PublishedOutcome(
            category=complaint.category,
            concluded_on=timezone.localtime(complaint.concluded_at).date(),
            text=complaint.publication_text,
        )
        for complaint in complaints
    ]
