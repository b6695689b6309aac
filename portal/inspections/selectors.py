"""Reads of the inspection item list for the public pages, the admin and the inspection office."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from hashlib import sha256

import orjson
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal.core import selectors as core_selectors
from portal.core.models import Authority
from portal.inspections.draw import MINIMUM_RATIO_BP, months_before
from portal.inspections.models import (
    Draw,
    DrawFile,
    DrawnInspection,
    InspectionItem,
    InspectionItemChange,
    InspectionPlan,
    Inspector,
    InspectorAvailability,
    SubjectEntry,
)
from portal.inspections.risk import RiskInputs


@dataclass(frozen=True)
class ItemFilters:
    """The public list's filters; empty strings mean "any"."""

    province: str = ""  # a province's six-digit region code
    subject_type: str = ""
    department: str = ""


def _in_force_q(on: datetime.date) -> Q:
    return (
        Q(live=True, in_force_from__lte=on)
        & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        & Q(authority__live=True)
    )


def _province_q(province: str) -> Q:
    national = Q(authority__level=Authority.Level.NATIONAL)
    if not province:
        return Q()
    return national | Q(authority__level=Authority.Level.PROVINCIAL, authority__region_id=province)


def inspection_items_in_force(
    *, filters: ItemFilters | None = None, on: datetime.date | None = None
) -> QuerySet[InspectionItem]:
    """The items in force on `on` (today): live, from their start, not yet withdrawn, listed by
    a live authority. With a province, the national items plus that province's additions;
    without, every item. National items first, then by province, order and code."""
    filters = filters or ItemFilters()
    on = on or timezone.localdate()
    items = InspectionItem.objects.filter(_in_force_q(on) & _province_q(filters.province))
    if filters.subject_type:
        items = items.filter(subject_type=filters.subject_type)
    if filters.department:
        items = items.filter(department=filters.department)
    return items.select_related("authority__region").order_by(
        "authority__level", "authority__region_id", "sort_order", "code"
    )


def inspection_item_departments(
    *, province: str = "", on: datetime.date | None = None
) -> list[tuple[str, str]]:
    """The departments responsible for items in force (in the province's list when given), as
    (Chinese name, English name) pairs, for the department filter."""
    on = on or timezone.localdate()
    rows = (
        InspectionItem.objects.filter(_in_force_q(on) & _province_q(province))
        .order_by("department")
        .values_list("department", "department_en")
        .distinct()
    )
    seen: dict[str, str] = {}
    for name, english in rows:
        seen[name] = seen.get(name) or english
    return list(seen.items())


def provinces_for_items() -> QuerySet[Authority]:
    """The live provincial authorities, in region code order, for the province filter."""
    return (
        core_selectors.authorities_public()
        .filter(level=Authority.Level.PROVINCIAL)
        .order_by("region_id")
    )


def inspection_item_changes_public(*, province: str = "") -> QuerySet[InspectionItemChange]:
    """The published changes of the list, newest first, each with its item and authority; with
    a province, the changes of the national items and of that province's additions."""
    changes = InspectionItemChange.objects.select_related("item__authority__region")
    if province:
        changes = changes.filter(
            Q(item__authority__level=Authority.Level.NATIONAL)
            | Q(
                item__authority__level=Authority.Level.PROVINCIAL,
                item__authority__region_id=province,
            )
        )
    return changes.filter(item__authority__live=True)


def inspection_items_editable_by(user) -> QuerySet[InspectionItem]:
    """The items (live or draft) whose authority is in the user's editing scope."""
    return InspectionItem.objects.filter(authority__in=core_selectors.authorities_editable_by(user))


# ---------------------------------------------------------------------------------------------
# The double-random office: directories, plans, draws
# ---------------------------------------------------------------------------------------------


def province_prefix(province_code: str) -> str:
    """The two digits every region code of a province starts with."""
    return province_code[:2]


def subject_eligible_organisations(province_code: str) -> QuerySet:
    """Organisations eligible for the province's subject directory: in operation and registered
    in a region of the province (属地). Values: id, uscc, kind."""
    from portal.records.models import Organisation

    return Organisation.objects.filter(
        registration_status=Organisation.RegistrationStatus.ACTIVE,
        region__code__startswith=province_prefix(province_code),
    ).values_list("id", "uscc", "kind")


def risk_inputs_by_organisation(
    organisation_ids: list[int], *, on: datetime.date
) -> dict[int, RiskInputs]:
    """The inputs of the risk rule (`portal.inspections.risk`) for many organisations: rating,
    inspections with a problem found in the last 3 years that are still public on `on` (a
    repaired or expired finding no longer counts: the risk class is published with each draw),
    complaints in the last 12 months that were not rejected. Grouped queries, not one per
    organisation."""
    from django.db.models import Count

    from complaints.models import Complaint
    from portal.inspections.risk import COMPLAINT_MONTHS, FINDINGS_YEARS
    from portal.records import credit
    from portal.records import selectors as records_selectors
    from portal.records.models import CreditEvent, Organisation

    findings: dict[int, int] = {}
    complaints: dict[int, int] = {}
    ratings: dict[int, str] = {}
    for start in range(0, len(organisation_ids), 5000):
        block = organisation_ids[start : start + 5000]
        ratings.update(Organisation.objects.filter(pk__in=block).values_list("id", "credit_rating"))
        findings.update(
            records_selectors.credit_events_public(on=on)
            .filter(
                organisation_id__in=block,
                kind=CreditEvent.Kind.INSPECTION_RESULT,
                outcome__in=credit.NEGATIVE_OUTCOMES,
                decided_on__gt=months_before(on, 12 * FINDINGS_YEARS),
                decided_on__lte=on,
            )
            .values("organisation_id")
            .annotate(n=Count("id"))
            .values_list("organisation_id", "n")
        )
        since = months_before(on, COMPLAINT_MONTHS)
        complaints.update(
            Complaint.objects.filter(subject_organisation_id__in=block, received_at__date__gt=since)
            .exclude(status=Complaint.Status.NOT_ACCEPTED)
            .values("subject_organisation_id")
            .annotate(n=Count("id"))
            .values_list("subject_organisation_id", "n")
        )
    return {
        pk: RiskInputs(
            credit_rating=ratings.get(pk, "B"),
            negative_findings=findings.get(pk, 0),
            complaints=complaints.get(pk, 0),
        )
        for pk in organisation_ids
    }


def last_inspection_dates(organisation_ids: list[int]) -> dict[int, datetime.date]:
    """The date of each organisation's latest inspection result on record (any outcome)."""
    from django.db.models import Max

    from portal.records.models import CreditEvent

    dates: dict[int, datetime.date] = {}
    for start in range(0, len(organisation_ids), 5000):
        block = organisation_ids[start : start + 5000]
        dates.update(
            CreditEvent.objects.filter(
                organisation_id__in=block,
                kind=CreditEvent.Kind.INSPECTION_RESULT,
                decided_on__isnull=False,
            )
            .values("organisation_id")
            .annotate(last=Max("decided_on"))
            .values_list("organisation_id", "last")
        )
    return dates


def subject_entries_open(province_code: str) -> QuerySet[SubjectEntry]:
    """The open entries (current members) of a province's subject directory."""
    return SubjectEntry.objects.filter(province_id=province_code, exited_on__isnull=True)


def subject_directory_counts(province_code: str) -> dict[str, int]:
    """Current members of a province's directory per risk class (every class present)."""
    from django.db.models import Count

    counts = dict.fromkeys("ABCD", 0)
    rows = subject_entries_open(province_code).values("risk_class").annotate(n=Count("id"))
    for row in rows:
        counts[row["risk_class"]] = row["n"]
    return counts


def _inspectors_in_directory_q(on: datetime.date) -> Q:
    return Q(entered_on__lte=on) & (Q(exited_on__isnull=True) | Q(exited_on__gt=on))


def inspectors_available(province_code: str, *, on: datetime.date) -> QuerySet[Inspector]:
    """Inspectors who can be drawn on `on` in a province: in the directory that day, working
    for an authority of the province (provincial or prefectural), and inside one of their
    availability periods (or with none declared)."""
    in_period = Q(availability__starts_on__lte=on) & (
        Q(availability__ends_on__isnull=True) | Q(availability__ends_on__gte=on)
    )
    with_periods = InspectorAvailability.objects.values("inspector_id")
    return (
        Inspector.objects.filter(_inspectors_in_directory_q(on))
        .filter(authority__region__code__startswith=province_prefix(province_code))
        .filter(in_period | ~Q(pk__in=with_periods))
        .distinct()
    )


def inspector_directory_export(*, on: datetime.date | None = None) -> QuerySet[Inspector]:
    """STAFF ONLY: every directory row (past and present) for filing with the national
    authority, with what the export shows loaded."""
    return (
        Inspector.objects.select_related("user", "authority__region")
        .prefetch_related("specialities", "availability")
        .order_by("authority__region_id", "certificate_number", "entered_on")
    )


def plan_item_codes_by_kind(plan: InspectionPlan) -> dict[str, list[str]]:
    """The plan's item codes per subject kind drawn (employer, agency), sorted."""
    grouped: dict[str, list[str]] = {}
    for code, subject_type in plan.items.values_list("code", "subject_type"):
        if subject_type in ("employer", "agency"):
            grouped.setdefault(subject_type, []).append(code)
    return {kind: sorted(codes) for kind, codes in sorted(grouped.items())}


def last_inspectors_by_organisation(
    organisation_ids: list[int], *, before: Draw | None = None
) -> dict[int, list[int]]:
    """For each organisation, the inspectors (ids) of its most recent drawn inspection: whom
    recusal keeps from inspecting it again."""
    inspections = DrawnInspection.objects.filter(draw__status=Draw.Status.DRAWN).order_by(
        "organisation_id", "-draw__drawn_at", "-id"
    )
    if before is not None:
        inspections = inspections.exclude(draw=before)
    latest: dict[int, int] = {}
    for start in range(0, len(organisation_ids), 5000):
        block = organisation_ids[start : start + 5000]
        for inspection_id, organisation_id in inspections.filter(
            organisation_id__in=block
        ).values_list("id", "organisation_id"):
            latest.setdefault(organisation_id, inspection_id)
    result: dict[int, list[int]] = {}
    through = DrawnInspection.inspectors.through
    ids = list(latest.values())
    by_inspection = {inspection: organisation for organisation, inspection in latest.items()}
    for start in range(0, len(ids), 5000):
        for inspection_id, inspector_id in through.objects.filter(
            drawninspection_id__in=ids[start : start + 5000]
        ).values_list("drawninspection_id", "inspector_id"):
            result.setdefault(by_inspection[inspection_id], []).append(inspector_id)
    return result


def draws_public() -> QuerySet[Draw]:
    """Every draw, newest first: commitments are public from the moment they are made."""
    return Draw.objects.select_related("plan__authority__region")


def draw_public_get(pk: int) -> Draw | None:
    return draws_public().filter(pk=pk).first()


def draw_file_public(draw: Draw, name: str) -> DrawFile | None:
    """A published file of the draw; the seed and the result only once drawn."""
    return DrawFile.objects.filter(draw=draw, name=name).first()


# ---------------------------------------------------------------------------------------------
# Inspection results: who may do what, and the lists of the admin
# ---------------------------------------------------------------------------------------------
# Imports of this section stay here, so it only appends to the module.

from portal.core.models import AuditEntry, StaffMembership  # noqa: E402
from portal.inspections.models import (  # noqa: E402
    EnforcementAction,
    InspectionEvidence,
    InspectionItemRecord,
    InspectionResult,
)

# A second person approves a result: a reviewer of the responsible authority (by scope).
RESULT_REVIEWING_ROLES = core_selectors.PUBLISHING_ROLES
# Who may open an enforcement action and record the subject's statement or hearing request,
# besides the assigned inspectors (谁查处、谁录入).
ENFORCING_ROLES = frozenset({StaffMembership.Role.OFFICER, StaffMembership.Role.REVIEWER})
# Anyone with a role at the responsible authority (by scope) may see a result.
ALL_STAFF_ROLES = frozenset(StaffMembership.Role.values)


def is_assigned_inspector(user, inspection: DrawnInspection) -> bool:
    """Whether `user` is one of the inspectors the draw assigned to this inspection."""
    if not (user.is_authenticated and user.is_active):
        return False
    return inspection.inspectors.filter(user=user).exists()


def may_enter_result(user, result: InspectionResult) -> bool:
    """Only the assigned inspectors enter and change a result (谁抽查、谁录入), superusers
    included: nobody else writes the on-site record."""
    return is_assigned_inspector(user, result.inspection)


def may_review_result(user, result: InspectionResult) -> bool:
    """A reviewer whose scope covers the responsible authority, who is not on the team."""
    return core_selectors.authority_in_scope(
        user, result.authority, roles=RESULT_REVIEWING_ROLES
    ) and not is_assigned_inspector(user, result.inspection)


def may_handle_enforcement(user, result: InspectionResult) -> bool:
    """The assigned inspectors, and officers and reviewers whose scope covers the authority."""
    return is_assigned_inspector(user, result.inspection) or core_selectors.authority_in_scope(
        user, result.authority, roles=ENFORCING_ROLES
    )


def inspection_result_visible(user, result: InspectionResult) -> bool:
    """The assigned inspectors and the staff (any role) of the responsible authority's scope."""
    return is_assigned_inspector(user, result.inspection) or core_selectors.authority_in_scope(
        user, result.authority, roles=ALL_STAFF_ROLES
    )


def _results_loaded() -> QuerySet[InspectionResult]:
    return InspectionResult.objects.select_related(
        "inspection__organisation", "inspection__draw__plan", "authority__region"
    )


def inspection_results_visible_to(user, *, status: str = "") -> QuerySet[InspectionResult]:
    """STAFF ONLY: the results `user` may see (their own tasks and their authorities' scope),
    newest draw first; with `status`, only those in it."""
    if not (user.is_authenticated and user.is_active):
        return InspectionResult.objects.none()
    in_scope = core_selectors.authorities_in_scope(user, roles=ALL_STAFF_ROLES)
    own = DrawnInspection.objects.filter(inspectors__user=user).values("pk")
    results = _results_loaded().filter(Q(authority__in=in_scope) | Q(inspection__in=own))
    if status:
        results = results.filter(status=status)
    return results.order_by("-inspection__draw_id", "inspection__position")


def inspection_tasks_of(user) -> QuerySet[InspectionResult]:
    """The inspections `user` was assigned to whose result is still theirs to enter or fix."""
    if not (user.is_authenticated and user.is_active):
        return InspectionResult.objects.none()
    own = DrawnInspection.objects.filter(inspectors__user=user).values("pk")
    return (
        _results_loaded()
        .filter(inspection__in=own, status__in=InspectionResult.EDITABLE_STATUSES)
        .order_by("-inspection__draw_id", "inspection__position")
    )


def inspection_results_to_review(user) -> QuerySet[InspectionResult]:
    """Submitted results of the authorities `user` reviews for, except their own inspections."""
    if not (user.is_authenticated and user.is_active):
        return InspectionResult.objects.none()
    in_scope = core_selectors.authorities_in_scope(user, roles=RESULT_REVIEWING_ROLES)
    own = DrawnInspection.objects.filter(inspectors__user=user).values("pk")
    return (
        _results_loaded()
        .filter(status=InspectionResult.Status.SUBMITTED, authority__in=in_scope)
        .exclude(inspection__in=own)
        .order_by("submitted_at", "pk")
    )


def inspection_result_for_staff(user, pk: int) -> InspectionResult | None:
    """The result `pk` with what its page shows, when `user` may see it; otherwise None."""
    result = (
        _results_loaded()
        .prefetch_related("inspection__inspectors__user", "inspection__items")
        .filter(pk=pk)
        .first()
    )
    if result is None or not inspection_result_visible(user, result):
        return None
    return result


def item_records_of(result: InspectionResult) -> QuerySet[InspectionItemRecord]:
    """The result's item records with their item and evidence, in item code order."""
    return result.item_records.select_related("item").prefetch_related("evidence")


def inspection_results_due(*, on: datetime.date) -> QuerySet[InspectionResult]:
    """Approved results whose statement window (if any) ended before `on`: to publish on it."""
    return (
        InspectionResult.objects.filter(status=InspectionResult.Status.APPROVED)
        .filter(Q(window_ends_on__isnull=True) | Q(window_ends_on__lt=on))
        .order_by("pk")
    )


def enforcement_actions_due(*, on: datetime.date) -> QuerySet[EnforcementAction]:
    """Open enforcement actions whose window ended before `on` and whose requested hearing (if
    any) was held: to publish on it."""
    return (
        EnforcementAction.objects.filter(
            status=EnforcementAction.Status.OPEN, window_ends_on__lt=on
        )
        .exclude(hearing_requested_on__isnull=False, hearing_held_on__isnull=True)
        .order_by("pk")
    )


def inspection_result_audit_trail(result: InspectionResult) -> QuerySet[AuditEntry]:
    """STAFF ONLY: the audit entries of the result, its evidence and its enforcement actions,
    oldest first."""
    evidence = InspectionEvidence.objects.filter(record__result=result).values_list("pk", flat=True)
    actions = result.enforcement_actions.values_list("pk", flat=True)
    return (
        AuditEntry.objects.filter(
            Q(object_type="inspections.inspectionresult", object_id=str(result.pk))
            | Q(
                object_type="inspections.inspectionevidence",
                object_id__in=[str(pk) for pk in evidence],
            )
            | Q(
                object_type="inspections.enforcementaction",
                object_id__in=[str(pk) for pk in actions],
            )
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )


def inspection_results_published(ids: list[int]) -> QuerySet[InspectionResult]:
    """Published results among `ids`, with what a result notice shows (organisation, items,
    item records, draw and plan), in draw and position order."""
    return (
        InspectionResult.objects.filter(pk__in=ids, status=InspectionResult.Status.PUBLISHED)
        .select_related("inspection__organisation", "inspection__draw__plan__authority__region")
        .prefetch_related("item_records__item")
        .order_by("inspection__draw_id", "inspection__position")
    )


def draws_without_tasks() -> QuerySet[Draw]:
    """Drawn draws with inspections that have no task (no `InspectionResult`): those made
    before the results existed (migration 0003), annotated with `inspections_without_task`,
    in the order they were made."""
    return (
        Draw.objects.filter(status=Draw.Status.DRAWN)
        .annotate(
            inspections_without_task=Count(
                "inspections", filter=Q(inspections__result__isnull=True)
            )
        )
        .filter(inspections_without_task__gt=0)
        .select_related("plan")
        .order_by("drawn_at", "id")
    )


# ---------------------------------------------------------------------------------------------
# Yearly statistics of the draws, published (/inspections/statistics/<year>/)
# ---------------------------------------------------------------------------------------------

# How long computed figures are kept: a drawn draw never changes, and a new one changes the key.
STATISTICS_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Place:
    """A region as the statistics name it, in both languages."""

    code: str
    name: str
    name_en: str


@dataclass(frozen=True)
class StratumFigures:
    """One risk class of one draw (or, with `risk_class` "", the draw's total): the eligible
    candidates, the plan's sampling ratio committed with the draw (None for the total), and
    how many were selected."""

    risk_class: str
    candidates: int
    selected: int
    planned_bp: int | None  # 1/100 of 1 %

    @property
    def planned_percent(self) -> Decimal | None:
        return None if self.planned_bp is None else Decimal(self.planned_bp) / 100

    @property
    def actual_percent(self) -> Decimal | None:
        if not self.candidates:
            return None
        return (Decimal(self.selected * 100) / self.candidates).quantize(Decimal("0.01"))

    @property
    def below_plan(self) -> bool:
        """Fewer selected than the plan's ratio asks for (never, if the draw kept its rule)."""
        return self.planned_bp is not None and self.selected * 10_000 < (
            self.candidates * self.planned_bp
        )

    @property
    def below_minimum(self) -> bool:
        """A selection rate below the policy's 5% (a low-risk stratum may be, the total not)."""
        return bool(self.candidates) and self.selected * 10_000 < (
            self.candidates * MINIMUM_RATIO_BP
        )


@dataclass(frozen=True)
class DrawFigures:
    """The figures of one drawn draw: its plan, province, strata, total and recusals."""

    draw_id: int
    on: datetime.date
    plan_title: str
    province: Place
    strata: list[StratumFigures]
    total: StratumFigures
    recusals: dict[str, int]


@dataclass(frozen=True)
class RegionFigures:
    """Inspections drawn in a province (with its cities in `cities`) or a city."""

    place: Place
    inspections: int
    cities: list["RegionFigures"]


@dataclass(frozen=True)
class InspectionStatistics:
    """A year's published statistics of the draws (see `inspection_statistics`)."""

    year: int
    draws: list[DrawFigures]
    regions: list[RegionFigures]
    recusals: dict[str, int]
    inspections: int


RECUSAL_REASONS = ("conflict", "last_inspection")


def inspection_statistics_years() -> list[int]:
    """The plan years with at least one drawn draw, newest first."""
    return list(
        Draw.objects.filter(status=Draw.Status.DRAWN)
        .order_by("-plan__year")
        .values_list("plan__year", flat=True)
        .distinct()
    )


def inspection_statistics(year: int) -> InspectionStatistics | None:
    """The statistics of the draws drawn for the plans of `year` (None when there are none),
    from what each draw published: per draw and risk class the candidates, the plan's ratio
    (as committed in parameters.json), the selected and the actual rate (result.json); the
    joint inspections per province and city of the subject's registered region; the recusals
    by reason (result.json). Names no person: no inspector, no worker, no subject.

    Computed once per set of drawn draws (a result file can hold tens of thousands of
    inspections) and kept in the cache."""
    draws = list(
        Draw.objects.filter(status=Draw.Status.DRAWN, plan__year=year)
        .select_related("plan__authority__region")
        .order_by("plan__authority__region_id", "on", "pk")
    )
    if not draws:
        return None
    drawn = ",".join(f"{row.pk}:{row.result_sha256}" for row in draws)
    key = f"inspection-statistics:{year}:{sha256(drawn.encode()).hexdigest()}"
    statistics = cache.get(key)
    if statistics is None:
        statistics = _inspection_statistics(year, draws)
        cache.set(key, statistics, STATISTICS_CACHE_SECONDS)
    return statistics


def _inspection_statistics(year: int, draws: list[Draw]) -> InspectionStatistics:
    files = DrawFile.objects.filter(draw__in=draws).values_list("draw_id", "content")
    ratios_by_draw = {
        draw_id: orjson.loads(bytes(content))["strata"]
        for draw_id, content in files.filter(name="parameters.json")
    }
    # One result file at a time: only its counts and recusals are kept.
    results = {
        draw_id: {
            key: value
            for key, value in orjson.loads(bytes(content)).items()
            if key in ("counts", "recusals")
        }
        for draw_id, content in files.filter(name="result.json").iterator(chunk_size=1)
    }
    figures = []
    recusals = dict.fromkeys(RECUSAL_REASONS, 0)
    for row in draws:
        result, ratios = results[row.pk], ratios_by_draw[row.pk]
        strata = [
            StratumFigures(risk, candidates, selected, ratios.get(risk, 0))
            for risk, (candidates, selected) in sorted(result["counts"].items())
            if candidates or ratios.get(risk)
        ]
        draw_recusals = {reason: result["recusals"].get(reason, 0) for reason in RECUSAL_REASONS}
        for reason, count in draw_recusals.items():
            recusals[reason] += count
        region = row.plan.authority.region
        figures.append(
            DrawFigures(
                draw_id=row.pk,
                on=row.on,
                plan_title=row.plan.title,
                province=Place(region.code, region.name, region.name_en),
                strata=strata,
                total=StratumFigures(
                    "",
                    sum(s.candidates for s in strata),
                    sum(s.selected for s in strata),
                    None,
                ),
                recusals=draw_recusals,
            )
        )
    regions = _inspections_by_region(draws)
    return InspectionStatistics(
        year=year,
        draws=figures,
        regions=regions,
        recusals=recusals,
        inspections=sum(region.inspections for region in regions),
    )


def _inspections_by_region(draws: list[Draw]) -> list[RegionFigures]:
    """Joint inspections per province, and per city within it, of the subjects' regions."""
    from django.db.models import Count

    from portal.core.models import Region

    by_region = (
        DrawnInspection.objects.filter(draw__in=draws)
        .values_list("organisation__region_id")
        .annotate(n=Count("id"))
    )
    provinces: dict[str, int] = {}
    cities: dict[str, dict[str, int]] = {}
    for code, count in by_region:
        province = code[:2] + "0000"
        provinces[province] = provinces.get(province, 0) + count
        city = code[:4] + "00"
        if city != province:
            in_province = cities.setdefault(province, {})
            in_province[city] = in_province.get(city, 0) + count
    codes = set(provinces) | {city for group in cities.values() for city in group}
    names = {
        region.code: Place(region.code, region.name, region.name_en)
        for region in Region.objects.filter(code__in=codes)
    }

    def place(code: str) -> Place:
        return names.get(code) or Place(code, code, code)

    return [
        RegionFigures(
            place(province),
            count,
            [
                RegionFigures(place(city), city_count, [])
                for city, city_count in sorted(cities.get(province, {}).items())
            ],
        )
        for province, count in sorted(provinces.items())
    ]


# ---------------------------------------------------------------------------------------------
# Foreign workers in the double-random office: STAFF ONLY. Nothing here is read by a public
# view, a draw file, the statistics or a result notice.
# ---------------------------------------------------------------------------------------------
# Imports of this section stay here, so it only appends to the module.

from portal.inspections.models import (  # noqa: E402
    SubjectType,
    WorkerInspectionRecord,
    WorkerSubjectEntry,
)
from portal.inspections.risk import WorkerRiskInputs  # noqa: E402

# Who may see foreign workers (the directory, and the workers of an inspection): the roles that
# handle cases, not the editors of the public site. Assigned inspectors see their own
# inspection's workers whatever their role.
WORKER_ROLES = frozenset(
    {
        StaffMembership.Role.OFFICER,
        StaffMembership.Role.REVIEWER,
        StaffMembership.Role.INSPECTOR,
        StaffMembership.Role.SUPERVISOR,
    }
)
IDS_PER_QUERY = 5000


def worker_eligible(province_code: str, *, on: datetime.date) -> dict[int, int]:
    """Workers eligible for the province's directory on `on`, with their employer: those who
    hold a work permit that is valid (status valid, `valid_from` ≤ `on` ≤ `valid_to`) with an
    employer registered in a region of the province. With several such permits, the employer of
    the latest (by `valid_from`, then by id). One streamed query: {worker id: employer id}."""
    from portal.records.models import WorkPermit

    permits = (
        WorkPermit.objects.filter(
            status=WorkPermit.Status.VALID,
            valid_from__lte=on,
            valid_to__gte=on,
            employer__region__code__startswith=province_prefix(province_code),
        )
        .order_by("worker_id", "-valid_from", "-id")
        .values_list("worker_id", "employer_id")
    )
    eligible: dict[int, int] = {}
    for worker_id, employer_id in permits.iterator(chunk_size=IDS_PER_QUERY):
        eligible.setdefault(worker_id, employer_id)
    return eligible


def worker_risk_inputs(worker_ids: list[int], *, on: datetime.date) -> dict[int, WorkerRiskInputs]:
    """The inputs of the worker risk rule (`portal.inspections.risk.worker_risk_class_for`):
    violations and commendations on each worker's personal credit file decided in the last
    3 years up to `on`. Grouped queries by blocks of ids, not one per worker."""
    from django.db.models import Count

    from portal.inspections.risk import FINDINGS_YEARS
    from portal.records.models import WorkerCreditEntry

    since = months_before(on, 12 * FINDINGS_YEARS)
    counts: dict[tuple[int, str], int] = {}
    for start in range(0, len(worker_ids), IDS_PER_QUERY):
        rows = (
            WorkerCreditEntry.objects.filter(
                worker_id__in=worker_ids[start : start + IDS_PER_QUERY],
                decided_on__gt=since,
                decided_on__lte=on,
            )
            .values("worker_id", "kind")
            .annotate(n=Count("id"))
            .values_list("worker_id", "kind", "n")
        )
        for worker_id, kind, n in rows:
            counts[worker_id, kind] = n
    Kind = WorkerCreditEntry.Kind
    return {
        pk: WorkerRiskInputs(
            violations=counts.get((pk, Kind.VIOLATION), 0),
            commendations=counts.get((pk, Kind.COMMENDATION), 0),
        )
        for pk in worker_ids
    }


def worker_last_inspection_dates(worker_ids: list[int]) -> dict[int, datetime.date]:
    """The date of each worker's latest inspection with an approved result (approved or
    published) that covered them with an answer."""
    from django.db.models import Max

    dates: dict[int, datetime.date] = {}
    for start in range(0, len(worker_ids), IDS_PER_QUERY):
        dates.update(
            WorkerInspectionRecord.objects.filter(
                worker_id__in=worker_ids[start : start + IDS_PER_QUERY],
                compliant__isnull=False,
                result__status__in=(
                    InspectionResult.Status.APPROVED,
                    InspectionResult.Status.PUBLISHED,
                ),
                result__inspected_on__isnull=False,
            )
            .values("worker_id")
            .annotate(last=Max("result__inspected_on"))
            .values_list("worker_id", "last")
        )
    return dates


def worker_entries_open(province_code: str) -> QuerySet[WorkerSubjectEntry]:
    """STAFF ONLY: the open entries (current members) of a province's worker directory."""
    return WorkerSubjectEntry.objects.filter(province_id=province_code, exited_on__isnull=True)


def worker_entries_of_employers(
    province_code: str, employer_ids: list[int]
) -> list[tuple[int, int]]:
    """STAFF ONLY: (employer id, worker id) of the open worker entries of these employers in the
    province's directory, by blocks of ids."""
    pairs: list[tuple[int, int]] = []
    for start in range(0, len(employer_ids), IDS_PER_QUERY):
        pairs.extend(
            worker_entries_open(province_code)
            .filter(employer_id__in=employer_ids[start : start + IDS_PER_QUERY])
            .order_by("employer_id", "worker_id")
            .values_list("employer_id", "worker_id")
        )
    return pairs


def plan_worker_items(plan: InspectionPlan) -> QuerySet[InspectionItem]:
    """The plan's items whose subject is the foreign worker (inspected with the employer)."""
    return plan.items.filter(subject_type=SubjectType.FOREIGN_WORKER).order_by("code")


def may_see_workers(user, result: InspectionResult) -> bool:
    """Whether `user` may see the foreign workers of an inspection: its assigned inspectors,
    and staff of a worker role (`WORKER_ROLES`) whose scope covers the responsible authority."""
    return is_assigned_inspector(user, result.inspection) or core_selectors.authority_in_scope(
        user, result.authority, roles=WORKER_ROLES
    )


def worker_records_of(result: InspectionResult) -> QuerySet[WorkerInspectionRecord]:
    """STAFF ONLY: the workers an inspection covers, with their credit file entry, by code."""
    return result.worker_records.select_related("worker", "credit_entry").order_by(
        "worker__personal_code"
    )
