"""Every write of the double-random office, in sections: the inspection items (each published
change goes into the public history, `InspectionItemChange`), the subject and inspector
directories (foreign workers privately), the annual plans, the draw (commit and reveal), and the
inspection results (tasks, the on-site record, review, enforcement actions, the subject's answers
to a notice, publication). Each writes the audit trail in the transaction of its change."""

import contextlib
import datetime
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Revision

from portal.core import selectors as core_selectors
from portal.core.audit import record
from portal.core.models import Authority, Region, StaffMembership
from portal.inspections import draw, selectors
from portal.inspections.evidence import InspectedFile
from portal.inspections.models import (
    DirectoryPeriod,
    Draw,
    DrawFile,
    DrawInspectorCode,
    DrawnInspection,
    EnforcementAction,
    InspectionEvidence,
    InspectionItem,
    InspectionItemChange,
    InspectionItemRecord,
    InspectionPlan,
    InspectionResult,
    Inspector,
    SubjectEntry,
    WorkerInspectionRecord,
    WorkerSubjectEntry,
)
from portal.inspections.risk import risk_class_for, worker_risk_class_for
from portal.inspections.signals import results_published
from portal.records import credit
from portal.records import services as records_services
from portal.records.models import CreditEvent, OrganisationStatement, WorkerCreditEntry

User = AbstractBaseUser | AnonymousUser | None

# What the public history compares between two published versions of an item.
TRACKED_FIELDS = (
    "code",
    "name",
    "name_en",
    "authority",
    "subject_type",
    "method",
    "legal_basis",
    "legal_basis_en",
    "frequency",
    "frequency_en",
    "department",
    "department_en",
    "in_force_from",
    "withdrawn_on",
)


def _snapshot(item: InspectionItem) -> dict[str, Any]:
    values = {}
    for name in TRACKED_FIELDS:
        field = InspectionItem._meta.get_field(name)
        value = getattr(item, field.attname)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": name, "before": before.get(name), "after": after[name]}
        for name in TRACKED_FIELDS
        if before.get(name) != after[name]
    ]


def _actor(actor: User):
    return actor if actor is not None and actor.is_authenticated else None


def inspection_item_validate(item: InspectionItem) -> None:
    """Raise ValidationError unless the item is listed by the national authority or a provincial
    one: the policy has the national list and provincial additions, nothing below."""
    authority = Authority.objects.get(pk=item.authority_id)
    if authority.level not in (Authority.Level.NATIONAL, Authority.Level.PROVINCIAL):
        raise ValidationError(
            {"authority": _("Items are listed by the national or a provincial authority.")}
        )
    if item.withdrawn_on and item.withdrawn_on < item.in_force_from:
        raise ValidationError(
            {"withdrawn_on": _("An item cannot be withdrawn before it comes into force.")}
        )


@transaction.atomic
def inspection_item_publish(
    *,
    item: InspectionItem,
    actor: User = None,
    revision: Revision | None = None,
) -> InspectionItemChange | None:
    """Publish `revision` of the item (by default a new revision of `item` as it stands) and
    log what the public sees change: "added" the first time it goes live (or goes live again),
    "changed" with the fields that differ from the live version, "withdrawn" when the change
    sets a withdrawal date. Returns the logged change, or None when no public field changed
    (the audit entry is written either way)."""
    inspection_item_validate(item if revision is None else revision.as_object())
    live = None
    if item.pk is not None:
        live = InspectionItem.objects.filter(pk=item.pk, live=True).first()
    before = _snapshot(live) if live is not None else None
    if revision is None:
        if item.pk is None:
            item.live = False  # saved as a draft first, so the revision has an object to follow
            item.save()
        revision = item.save_revision(user=_actor(actor))
    revision.publish(user=_actor(actor), skip_permission_checks=True)
    item.refresh_from_db()
    after = _snapshot(item)
    today = timezone.localdate()
    if before is None:
        kind, fields, effective_on = InspectionItemChange.Kind.ADDED, [], item.in_force_from
    else:
        fields = _differences(before, after)
        kind, effective_on = InspectionItemChange.Kind.CHANGED, today
        if item.withdrawn_on and before["withdrawn_on"] != after["withdrawn_on"]:
            kind, effective_on = InspectionItemChange.Kind.WITHDRAWN, item.withdrawn_on
    record(
        action="inspections.item.published",
        obj=item,
        actor=actor,
        data={"revision": revision.pk, "kind": kind, "fields": [f["field"] for f in fields]},
    )
    if kind == InspectionItemChange.Kind.CHANGED and not fields:
        return None
    return InspectionItemChange.objects.create(
        item=item,
        kind=kind,
        effective_on=effective_on,
        fields=fields,
        revision=revision,
        actor=_actor(actor),
    )


@transaction.atomic
def inspection_item_withdraw(
    *,
    item: InspectionItem,
    on: datetime.date | None = None,
    actor: User = None,
    reason: str = "",
) -> InspectionItemChange:
    """Withdraw a live item from the list on `on` (today by default; a later day schedules it:
    the item stays in force until then). Saves and publishes a revision of the live version
    with the date, so the snippet's history shows it; a draft in progress is superseded."""
    on = on or timezone.localdate()
    live = InspectionItem.objects.select_for_update().get(pk=item.pk)
    if not live.live:
        raise ValidationError(_("Only a published item can be withdrawn."))
    if live.withdrawn_on is not None and live.withdrawn_on <= on:
        raise ValidationError(_("This item is already withdrawn."))
    if on < live.in_force_from:
        raise ValidationError(_("An item cannot be withdrawn before it comes into force."))
    before = _snapshot(live)
    live.withdrawn_on = on
    revision = live.save_revision(user=_actor(actor))
    revision.publish(user=_actor(actor), skip_permission_checks=True)
    live.refresh_from_db()
    item.refresh_from_db()
    change = InspectionItemChange.objects.create(
        item=live,
        kind=InspectionItemChange.Kind.WITHDRAWN,
        effective_on=on,
        fields=_differences(before, _snapshot(live)),
        revision=revision,
        actor=_actor(actor),
    )
    record(
        action="inspections.item.withdrawn",
        obj=live,
        actor=actor,
        data={"revision": revision.pk, "withdrawn_on": on.isoformat(), "reason": reason},
    )
    return change


@transaction.atomic
def inspection_item_unpublished(
    *, item: InspectionItem, actor: User = None
) -> InspectionItemChange:
    """Log that an item was taken off the list by unpublishing it (the admin's Unpublish): for
    the public that is a withdrawal today."""
    today = timezone.localdate()
    record(action="inspections.item.unpublished", obj=item, actor=actor)
    return InspectionItemChange.objects.create(
        item=item,
        kind=InspectionItemChange.Kind.WITHDRAWN,
        effective_on=today,
        fields=[],
        actor=_actor(actor),
    )


# ---------------------------------------------------------------------------------------------
# The double-random office: the subject directory, plans, draws (commit, reveal)
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def subject_directory_refresh(
    *, province: Region, on: datetime.date | None = None, actor: User = None
) -> dict[str, int]:
    """Bring a province's subject directory up to date on `on` (today): open an entry for every
    eligible organisation without one, close (exit) the entries of those no longer eligible,
    and recompute the risk class and last inspection date of the others. Nothing is deleted:
    exits keep their row. Then the province's foreign workers (`worker_directory_refresh`).
    Returns the counts (entered, exited, updated, members), and the workers' under "workers"."""
    on = on or timezone.localdate()
    eligible = {
        pk: (uscc, kind)
        for pk, uscc, kind in selectors.subject_eligible_organisations(province.code)
    }
    open_entries = {
        entry.organisation_id: entry
        for entry in selectors.subject_entries_open(province.code).select_for_update()
    }
    ids = sorted(eligible)
    inputs = selectors.risk_inputs_by_organisation(ids, on=on)
    last_dates = selectors.last_inspection_dates(ids)
    wanted = {}
    for pk in ids:
        risk_class, reasons = risk_class_for(inputs[pk])
        wanted[pk] = {
            "risk_class": risk_class,
            "risk_reasons": reasons,
            "last_inspected_on": last_dates.get(pk),
        }
    counts = _directory_sync(
        SubjectEntry,
        key="organisation_id",
        province=province,
        on=on,
        actor=actor,
        open_entries=open_entries,
        wanted=wanted,
        exit_reason="no longer eligible (not in operation or not in the province)",
        action="inspections.subject_directory.refreshed",
    )
    counts["workers"] = worker_directory_refresh(province=province, on=on, actor=actor)
    return counts


@transaction.atomic
def worker_directory_refresh(
    *, province: Region, on: datetime.date | None = None, actor: User = None
) -> dict[str, int]:
    """Bring the foreign workers of a province's directory (STAFF ONLY) up to date on `on`
    (today), as `subject_directory_refresh` does for organisations, which calls it: open an
    entry for every eligible worker without one (`selectors.worker_eligible`: a valid work
    permit with an employer in the province), close the entries of those no longer eligible,
    and bring the employer, risk class (`risk.worker_risk_class_for`) and last inspection date
    of the others up to date. Nothing is deleted. Audited as
    `inspections.worker_directory.refreshed` with the counts only (no worker is named).
    Returns the counts (entered, exited, updated, members)."""
    on = on or timezone.localdate()
    eligible = selectors.worker_eligible(province.code, on=on)
    open_entries = {
        entry.worker_id: entry
        for entry in selectors.worker_entries_open(province.code).select_for_update()
    }
    ids = sorted(eligible)
    inputs = selectors.worker_risk_inputs(ids, on=on)
    last_dates = selectors.worker_last_inspection_dates(ids)
    wanted = {}
    for pk in ids:
        risk_class, reasons = worker_risk_class_for(inputs[pk])
        wanted[pk] = {
            "employer_id": eligible[pk],
            "risk_class": risk_class,
            "risk_reasons": reasons,
            "last_inspected_on": last_dates.get(pk),
        }
    return _directory_sync(
        WorkerSubjectEntry,
        key="worker_id",
        province=province,
        on=on,
        actor=actor,
        open_entries=open_entries,
        wanted=wanted,
        exit_reason="no longer eligible (no valid work permit with an employer there)",
        action="inspections.worker_directory.refreshed",
    )


def _directory_sync(
    model: type[DirectoryPeriod],
    *,
    key: str,
    province: Region,
    on: datetime.date,
    actor: User,
    open_entries: dict[int, DirectoryPeriod],
    wanted: dict[int, dict[str, Any]],
    exit_reason: str,
    action: str,
) -> dict[str, int]:
    """Bring one province's directory (`model`, its subject in the field `key`) to `wanted`:
    the subjects eligible on `on`, each with the values its open row must hold. An open row of
    a subject no longer eligible exits (kept, with `exit_reason`); an eligible subject without
    one enters; an open row whose values differ is updated. In bulk; audited as `action` with
    the counts only. Returns the counts (entered, exited, updated, members)."""
    exited = [entry for pk, entry in open_entries.items() if pk not in wanted]
    for entry in exited:
        entry.exited_on, entry.exit_reason = on, exit_reason
    model.objects.bulk_update(exited, ["exited_on", "exit_reason", "updated_at"], batch_size=2000)
    created, changed = [], []
    for pk, values in wanted.items():
        entry = open_entries.get(pk)
        if entry is None:
            created.append(model(**{key: pk}, province=province, entered_on=on, **values))
        elif any(getattr(entry, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(entry, name, value)
            changed.append(entry)
    model.objects.bulk_create(created, batch_size=2000)
    if changed:
        fields = [*next(iter(wanted.values())), "updated_at"]
        model.objects.bulk_update(changed, fields, batch_size=2000)
    counts = {
        "entered": len(created),
        "exited": len(exited),
        "updated": len(changed),
        "members": len(wanted),
    }
    record(action=action, obj=province, actor=actor, data={"on": on.isoformat(), **counts})
    return counts


@transaction.atomic
def inspector_exit(
    *, inspector: Inspector, on: datetime.date | None = None, reason: str, actor: User = None
) -> Inspector:
    """Take an inspector out of the directory on `on` (today): the row is closed, not deleted;
    a return later is a new entry."""
    on = on or timezone.localdate()
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    if inspector.exited_on is not None:
        raise ValidationError(_("This inspector has already left the directory."))
    if on < inspector.entered_on:
        raise ValidationError(_("An inspector cannot leave before entering the directory."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for leaving the directory."))
    inspector.exited_on = on
    inspector.exit_reason = reason.strip()
    inspector.save(update_fields=["exited_on", "exit_reason"])
    record(
        action="inspections.inspector.exited",
        obj=inspector,
        actor=actor,
        data={"on": on.isoformat(), "reason": inspector.exit_reason},
    )
    return inspector


def inspector_validate(inspector: Inspector) -> None:
    """Raise ValidationError unless the directory row makes sense: a user holding a staff role,
    an exit on or after the entry and with a reason."""
    errors = {}
    if (
        inspector.user_id is not None
        and not StaffMembership.objects.filter(user_id=inspector.user_id).exists()
    ):
        errors["user"] = _("Only staff with a role at an authority can be inspectors.")
    if inspector.exited_on and inspector.exited_on < inspector.entered_on:
        errors["exited_on"] = _("An inspector cannot leave before entering the directory.")
    if inspector.exited_on and not inspector.exit_reason.strip():
        errors["exit_reason"] = _("Give the reason for leaving the directory.")
    if errors:
        raise ValidationError(errors)


def inspection_plan_validate(
    *,
    authority: Authority,
    year: int,
    items: list[InspectionItem],
    ratios: dict[str, Decimal],
    inspectors_per_inspection: int,
) -> None:
    """Raise ValidationError unless the plan can be drawn: a provincial authority, items from
    the national list or that province's additions for employers or agencies, ratios between 0
    and 100 %, at least two inspectors per inspection, and a total sample of at least 5% of the
    province's current subject directory (each stratum's ratio applied to its current members,
    rounded up; with an empty directory, the classes count equally)."""
    errors: dict[str, str] = {}
    if authority.level != Authority.Level.PROVINCIAL or authority.region_id is None:
        errors["authority"] = _("A plan belongs to a provincial authority.")
    else:
        for item in items:
            national = item.authority.level == Authority.Level.NATIONAL
            if not national and item.authority_id != authority.pk:
                errors["items"] = _(
                    "Items come from the national list or this province's additions."
                )
    if items and not any(item.subject_type in ("employer", "agency") for item in items):
        errors["items"] = _("A plan needs at least one item for employers or agencies.")
    if not items:
        errors["items"] = _("A plan needs at least one item.")
    if inspectors_per_inspection < draw.MINIMUM_INSPECTORS:
        errors["inspectors_per_inspection"] = _("At least two inspectors per inspection.")
    if any(not (Decimal(0) <= ratio <= Decimal(100)) for ratio in ratios.values()):
        # xgettext:no-python-format
        errors["strata"] = _("Sampling ratios are between 0 and 100%.")
    elif "authority" not in errors:
        counts = selectors.subject_directory_counts(authority.region_id)
        if not sum(counts.values()):
            counts = dict.fromkeys(draw.RISK_CLASSES, 100)
        basis_points = {risk: int(ratio * 100) for risk, ratio in ratios.items()}
        planned = sum(
            min(counts[risk], draw.ceil_ratio(counts[risk], basis_points.get(risk, 0)))
            for risk in draw.RISK_CLASSES
        )
        minimum = draw.ceil_ratio(sum(counts.values()), draw.MINIMUM_RATIO_BP)
        if planned < minimum:
            errors["strata"] = _(
                "These ratios would inspect %(planned)s of %(total)s subjects: fewer than "
                "the 5%% minimum (%(minimum)s)."
            ) % {"planned": planned, "total": sum(counts.values()), "minimum": minimum}
    if errors:
        raise ValidationError(errors)


def draw_parameters(plan: InspectionPlan, *, on: datetime.date) -> dict[str, Any]:
    """The parameters document (portal.inspections.draw, section 1) of a plan on a date."""
    return {
        "algorithm": draw.ALGORITHM_VERSION,
        "exclusion_months": plan.exclusion_months,
        "inspectors_per_inspection": plan.inspectors_per_inspection,
        "items": selectors.plan_item_codes_by_kind(plan),
        "minimum_ratio_bp": draw.MINIMUM_RATIO_BP,
        "on": on.isoformat(),
        "plan": plan.pk,
        "province": plan.authority.region_id,
        "strata": {stratum.risk_class: stratum.basis_points for stratum in plan.strata.all()},
    }


def _store_file(draw_row: Draw, name: str, content: bytes) -> DrawFile:
    return DrawFile.objects.create(
        draw=draw_row,
        name=name,
        content=content,
        sha256=draw.sha256_hex(content),
        size=len(content),
    )


def _inspector_code() -> str:
    return "I" + secrets.token_hex(5).upper()


@transaction.atomic
def draw_commit(
    *, plan: InspectionPlan, on: datetime.date | None = None, actor: User = None
) -> Draw:
    """Freeze the candidates and publish the commitment of a draw (before it is made).

    The snapshot holds the open entries of the province's subject directory and the inspectors
    available on `on` (today), each under a code drawn for this draw; the parameters are the
    plan's; the seed is 32 random bytes from the operating system, kept secret until
    `draw_reveal`. Publishes snapshot.json, parameters.json and commitment.json (with the
    SHA-256 of each and of the seed) and audits `inspections.draw.committed`."""
    on = on or timezone.localdate()
    plan = InspectionPlan.objects.select_related("authority").get(pk=plan.pk)
    province = plan.authority.region_id
    inspection_plan_validate(
        authority=plan.authority,
        year=plan.year,
        items=list(plan.items.select_related("authority")),
        ratios={stratum.risk_class: stratum.ratio for stratum in plan.strata.all()},
        inspectors_per_inspection=plan.inspectors_per_inspection,
    )
    inspectors = list(
        selectors.inspectors_available(province, on=on).prefetch_related(
            "specialities", "conflicts__organisation"
        )
    )
    codes: dict[int, str] = {}
    used: set[str] = set()
    for inspector in inspectors:
        code = _inspector_code()
        while code in used:
            code = _inspector_code()
        used.add(code)
        codes[inspector.pk] = code
    entries = list(
        selectors.subject_entries_open(province).values_list(
            "organisation_id",
            "organisation__uscc",
            "organisation__kind",
            "risk_class",
            "last_inspected_on",
        )
    )
    previous = selectors.last_inspectors_by_organisation([row[0] for row in entries])
    snapshot_bytes = draw.snapshot_build(
        (
            (
                uscc,
                kind,
                risk,
                last,
                [codes[i] for i in previous.get(pk, []) if i in codes],
            )
            for pk, uscc, kind, risk, last in entries
        ),
        (
            (
                codes[inspector.pk],
                [item.code for item in inspector.specialities.all()],
                [conflict.organisation.uscc for conflict in inspector.conflicts.all()],
            )
            for inspector in inspectors
        ),
    )
    parameters_bytes = draw.canonical_json(draw_parameters(plan, on=on))
    seed = secrets.token_bytes(draw.SEED_BYTES)
    now = timezone.now()
    draw_row = Draw.objects.create(
        plan=plan,
        status=Draw.Status.COMMITTED,
        on=on,
        algorithm=draw.ALGORITHM_VERSION,
        snapshot_sha256=draw.sha256_hex(snapshot_bytes),
        parameters_sha256=draw.sha256_hex(parameters_bytes),
        seed_sha256=draw.sha256_hex(seed),
        seed_hex=seed.hex(),
        committed_at=now,
    )
    commitment_bytes = draw.canonical_json(
        {
            "algorithm": draw.ALGORITHM_VERSION,
            "committed_at": now.isoformat(),
            "draw": draw_row.pk,
            "parameters": json.loads(parameters_bytes),
            "parameters_sha256": draw_row.parameters_sha256,
            "seed_sha256": draw_row.seed_sha256,
            "snapshot_sha256": draw_row.snapshot_sha256,
        }
    )
    draw_row.commitment_sha256 = draw.sha256_hex(commitment_bytes)
    draw_row.save(update_fields=["commitment_sha256"])
    _store_file(draw_row, "snapshot.json", snapshot_bytes)
    _store_file(draw_row, "parameters.json", parameters_bytes)
    _store_file(draw_row, "commitment.json", commitment_bytes)
    DrawInspectorCode.objects.bulk_create(
        [DrawInspectorCode(draw=draw_row, inspector_id=pk, code=code) for pk, code in codes.items()]
    )
    record(
        action="inspections.draw.committed",
        obj=draw_row,
        actor=actor,
        data={
            "plan": plan.pk,
            "on": on.isoformat(),
            "commitment_sha256": draw_row.commitment_sha256,
            "snapshot_sha256": draw_row.snapshot_sha256,
            "subjects": len(entries),
            "inspectors": len(inspectors),
        },
    )
    return draw_row


@transaction.atomic
def draw_reveal(*, draw_row: Draw, actor: User = None) -> Draw:
    """Make a committed draw: reveal the seed, run `portal.inspections.draw.run` on the
    committed files, publish result.json and seed.txt, and record the joint inspections with
    their inspectors. Audits `inspections.draw.drawn`. A draw that cannot be staffed raises
    ValidationError and changes nothing."""
    draw_row = Draw.objects.select_for_update().get(pk=draw_row.pk)
    if draw_row.status != Draw.Status.COMMITTED:
        raise ValidationError(_("This draw has already been made."))
    files = {f.name: bytes(f.content) for f in draw_row.files.all()}
    seed = bytes.fromhex(draw_row.seed_hex)
    try:
        result = draw.run(
            snapshot_bytes=files["snapshot.json"],
            parameters_bytes=files["parameters.json"],
            seed=seed,
            algorithm=draw_row.algorithm,
        )
    except draw.DrawError as error:
        raise ValidationError(
            _("The draw cannot be made: %(reason)s") % {"reason": error}
        ) from error
    result_bytes = draw.result_bytes(result)
    _store_file(draw_row, "result.json", result_bytes)
    _store_file(draw_row, "seed.txt", (draw_row.seed_hex + "\n").encode())
    inspectors_by_code = dict(
        DrawInspectorCode.objects.filter(draw=draw_row).values_list("code", "inspector_id")
    )
    organisations = _organisation_ids_by_uscc([row[0] for row in result["inspections"]])
    items_by_code = dict(
        InspectionItem.objects.filter(
            code__in={code for row in result["inspections"] for code in row[2]}
        ).values_list("code", "id")
    )
    inspections = DrawnInspection.objects.bulk_create(
        [
            DrawnInspection(
                draw=draw_row,
                organisation_id=organisations[uscc],
                risk_class=risk,
                position=position,
            )
            for position, (uscc, risk, _items, _team) in enumerate(result["inspections"])
        ],
        batch_size=2000,
    )
    if inspections and inspections[0].pk is None:  # backends that return no keys
        inspections = list(DrawnInspection.objects.filter(draw=draw_row).order_by("position"))
    item_through = DrawnInspection.items.through
    team_through = DrawnInspection.inspectors.through
    item_through.objects.bulk_create(
        [
            item_through(drawninspection_id=inspection.pk, inspectionitem_id=items_by_code[code])
            for inspection, row in zip(inspections, result["inspections"], strict=True)
            for code in row[2]
        ],
        batch_size=5000,
    )
    team_through.objects.bulk_create(
        [
            team_through(drawninspection_id=inspection.pk, inspector_id=inspectors_by_code[code])
            for inspection, row in zip(inspections, result["inspections"], strict=True)
            for code in row[3]
        ],
        batch_size=5000,
    )
    draw_row.status = Draw.Status.DRAWN
    draw_row.result_sha256 = draw.sha256_hex(result_bytes)
    draw_row.drawn_at = timezone.now()
    draw_row.save(update_fields=["status", "result_sha256", "drawn_at"])
    tasks = inspection_tasks_open(draw_row=draw_row, actor=actor, audit=False)
    record(
        action="inspections.draw.drawn",
        obj=draw_row,
        actor=actor,
        data={
            "result_sha256": draw_row.result_sha256,
            "seed_hex": draw_row.seed_hex,
            "inspections": len(inspections),
            "tasks": tasks,
            "counts": result["counts"],
            "recusals": result["recusals"],
        },
    )
    return draw_row


def _organisation_ids_by_uscc(usccs: list[str]) -> dict[str, int]:
    from portal.records.models import Organisation

    found: dict[str, int] = {}
    for start in range(0, len(usccs), 5000):
        found.update(
            Organisation.objects.filter(uscc__in=usccs[start : start + 5000]).values_list(
                "uscc", "id"
            )
        )
    return found


# ---------------------------------------------------------------------------------------------
# Inspection results: tasks, the on-site record, review, enforcement actions, publication
# ---------------------------------------------------------------------------------------------

RESULT_FIELDS = ("inspected_on", "place", "participants", "outcome", "severity")
ITEM_RECORD_FIELDS = ("checklist", "compliant", "findings", "public_finding")


def statement_window_days() -> int:
    """Days the subject has, from the notice, for a statement or a hearing request."""
    return settings.INSPECTION_STATEMENT_DAYS


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _locked_result(result: InspectionResult) -> InspectionResult:
    # Only the result's row is locked: not the organisation, draw or authority it names.
    return (
        InspectionResult.objects.select_for_update(of=("self",))
        .select_related("inspection__organisation", "inspection__draw", "authority")
        .get(pk=result.pk)
    )


def _audit_plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


@transaction.atomic
def inspection_tasks_open(*, draw_row: Draw, actor: User = None, audit: bool = True) -> int:
    """Open the task of every inspection of a made draw that has none: an InspectionResult
    ("assigned") with an empty record per item, for the assigned inspectors. The responsible
    authority is the one of the subject's place (`authority_for_region`: 属地), or the plan's
    when none is live there. When the plan has items for foreign workers, each task also lists
    the workers of the directory employed by the subject (joint inspection, staff only:
    `_worker_records_open`). Idempotent; audits `inspections.task.opened` (with the count) on
    the draw when it opened any, unless `audit` is False (`draw_reveal` opens the tasks and
    counts them in its own entry). Returns how many it opened."""
    inspections = list(
        DrawnInspection.objects.filter(draw=draw_row, result__isnull=True)
        .select_related("organisation", "draw__plan")
        .order_by("position")
    )
    if not inspections:
        return 0
    authorities: dict[str, Authority] = {}
    for inspection in inspections:
        region = inspection.organisation.region_id
        if region not in authorities:
            authorities[region] = (
                core_selectors.authority_for_region(region) or draw_row.plan.authority
            )
    InspectionResult.objects.bulk_create(
        [
            InspectionResult(
                inspection=inspection,
                authority=authorities[inspection.organisation.region_id],
            )
            for inspection in inspections
        ],
        batch_size=2000,
    )
    result_ids = dict(
        InspectionResult.objects.filter(inspection__in=[i.pk for i in inspections]).values_list(
            "inspection_id", "id"
        )
    )
    items = DrawnInspection.items.through.objects.filter(
        drawninspection_id__in=list(result_ids)
    ).values_list("drawninspection_id", "inspectionitem_id")
    InspectionItemRecord.objects.bulk_create(
        [
            InspectionItemRecord(result_id=result_ids[inspection_id], item_id=item_id)
            for inspection_id, item_id in items
        ],
        batch_size=5000,
    )
    _worker_records_open(
        draw_row=draw_row,
        results={i.organisation_id: result_ids[i.pk] for i in inspections},
        actor=actor,
    )
    if audit:
        record(
            action="inspections.task.opened",
            obj=draw_row,
            actor=actor,
            data={"tasks": len(inspections)},
        )
    return len(inspections)


@transaction.atomic
def inspection_result_save(
    *,
    result: InspectionResult,
    actor: User,
    item_records: dict[int, dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Save the on-site record as entered by an assigned inspector (only they may: 谁抽查、
    谁录入), while it is theirs (assigned, being entered or returned): the result's fields
    (`RESULT_FIELDS`) and, per item record id, its fields (`ITEM_RECORD_FIELDS`). Audits
    `inspections.result.saved` with the names of the fields that changed (not their contents,
    which may name people). Returns those names: {"result": [...], "items": {id: [...]}}."""
    _refuse_unless(selectors.may_enter_result(actor, result))
    locked = _locked_result(result)
    if locked.status not in InspectionResult.EDITABLE_STATUSES:
        raise ValidationError(_("This result is no longer being entered."))
    unknown = set(fields) - set(RESULT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    items_changed: dict[int, list[str]] = {}
    records = {r.pk: r for r in locked.item_records.all()}
    for pk, values in (item_records or {}).items():
        if pk not in records:
            raise ValidationError(_("That item is not part of this inspection."))
        item_record = records[pk]
        names = [n for n, v in values.items() if n in ITEM_RECORD_FIELDS]
        names = [n for n in names if getattr(item_record, n) != values[n]]
        for name in names:
            setattr(item_record, name, values[name])
        if names:
            item_record.full_clean()
            item_record.save(update_fields=names)
            items_changed[pk] = names
    if locked.status == InspectionResult.Status.ASSIGNED:
        locked.status = InspectionResult.Status.DRAFT
    locked.save()
    record(
        action="inspections.result.saved",
        obj=locked,
        actor=actor,
        data={"fields": changed, "items": {str(k): v for k, v in items_changed.items()}},
    )
    result.refresh_from_db()
    return {"result": changed, "items": items_changed}


@transaction.atomic
def inspection_evidence_add(
    *, item_record: InspectionItemRecord, actor: User, files: list[InspectedFile]
) -> list[InspectionEvidence]:
    """Store evidence (already checked by `portal.inspections.evidence.evidence_inspect`) with
    an item record, by an assigned inspector while the result is theirs. Each file is audited
    as `inspections.evidence.added` (type, size, SHA-256; not the name given)."""
    result = item_record.result
    _refuse_unless(selectors.may_enter_result(actor, result))
    if _locked_result(result).status not in InspectionResult.EDITABLE_STATUSES:
        raise ValidationError(_("This result is no longer being entered."))
    stored = []
    for inspected in files:
        evidence = InspectionEvidence.objects.create(
            record=item_record,
            file=ContentFile(inspected.content, name=inspected.kind),
            original_name=inspected.original_name,
            content_type=inspected.content_type,
            size=len(inspected.content),
            sha256=inspected.sha256,
            uploaded_by=actor,
        )
        record(
            action="inspections.evidence.added",
            obj=evidence,
            actor=actor,
            data={
                "result": result.pk,
                "item": item_record.item_id,
                "type": evidence.content_type,
                "size": evidence.size,
                "sha256": evidence.sha256,
            },
        )
        stored.append(evidence)
    return stored


def inspection_result_check(result: InspectionResult) -> None:
    """Raise ValidationError unless the result is complete and coherent: date (not in the
    future, not before the draw), place, participants, an outcome; an answer per item unless
    the subject was not found; "no problem found" only when every item complies, "problem
    found" only with an item that does not, each with its finding for publication; an answer
    per foreign worker listed, a problem found described; a severity exactly when the outcome
    is negative."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if result.inspected_on is None:
        add("inspected_on", _("Give the date of the inspection."))
    else:
        if result.inspected_on > timezone.localdate():
            add("inspected_on", _("The inspection cannot be in the future."))
        drawn_at = result.inspection.draw.drawn_at
        if drawn_at is not None and result.inspected_on < timezone.localdate(drawn_at):
            add("inspected_on", _("The inspection cannot be before the draw."))
    if not result.place.strip():
        add("place", _("Give the place of the inspection."))
    if not result.participants.strip():
        add("participants", _("Name the participants."))
    item_records = list(result.item_records.all())
    Outcome = CreditEvent.Outcome
    if not result.outcome:
        add("outcome", _("Choose the outcome."))
    elif result.outcome != Outcome.NOT_LOCATED:
        if any(r.compliant is None for r in item_records):
            add("__all__", _("Answer for every item whether the subject complies."))
        failing = [r for r in item_records if r.compliant is False]
        if result.outcome == Outcome.COMPLIANT and failing:
            add("outcome", _("An item does not comply: the outcome is “problem found”."))
        if result.outcome == Outcome.NON_COMPLIANT and not failing:
            add("outcome", _("“Problem found” needs an item that does not comply."))
        if any(not r.public_finding.strip() for r in failing):
            add("__all__", _("Write the finding for publication of every item that fails."))
        _worker_records_check(result, add)
    negative = result.outcome in credit.NEGATIVE_OUTCOMES
    if negative and not result.severity:
        add("severity", _("A problem found needs a severity."))
    if result.outcome == Outcome.COMPLIANT and result.severity:
        add("severity", _("“No problem found” has no severity."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def inspection_result_submit(*, result: InspectionResult, actor: User) -> InspectionResult:
    """An assigned inspector submits the complete result for review (see
    `inspection_result_check`); audited as `inspections.result.submitted`."""
    _refuse_unless(selectors.may_enter_result(actor, result))
    locked = _locked_result(result)
    if locked.status not in (InspectionResult.Status.DRAFT, InspectionResult.Status.RETURNED):
        raise ValidationError(_("Only a result being entered or returned can be submitted."))
    inspection_result_check(locked)
    before = locked.status
    locked.status = InspectionResult.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.submitted_by = actor
    locked.save()
    record(
        action="inspections.result.submitted",
        obj=locked,
        actor=actor,
        data={"before": before, "after": locked.status, "outcome": locked.outcome},
    )
    return locked


@transaction.atomic
def inspection_result_return(
    *, result: InspectionResult, actor: User, reason: str
) -> InspectionResult:
    """A reviewer (not on the team) sends a submitted result back to the inspectors with the
    reason; audited as `inspections.result.returned`."""
    _refuse_unless(selectors.may_review_result(actor, result))
    locked = _locked_result(result)
    if locked.status != InspectionResult.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted result can be returned."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for returning it.")})
    locked.status = InspectionResult.Status.RETURNED
    locked.return_reason = reason.strip()
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = actor
    locked.save()
    record(
        action="inspections.result.returned",
        obj=locked,
        actor=actor,
        data={"before": "submitted", "after": locked.status, "reason": locked.return_reason},
    )
    return locked


def _in_default_language(text: Callable[[], str]) -> str:
    # What goes on the public record is written in the site's primary language (the record page
    # shows stored text as it is), like the records the authorities import.
    with translation.override(settings.LANGUAGE_CODE):
        return str(text())


def _result_facts(item_records: list[InspectionItemRecord]) -> str:
    lines = []
    for item_record in item_records:
        if item_record.compliant is False and item_record.public_finding.strip():
            lines.append(f"{item_record.item.name}：{item_record.public_finding.strip()}")
    return "\n".join(lines)


@transaction.atomic
def inspection_result_approve(
    *, result: InspectionResult, actor: User, on: datetime.date | None = None
) -> InspectionResult:
    """A reviewer of the responsible authority who is not on the team approves a submitted
    result on `on` (today). The result goes on the organisation's credit record as an
    inspection result of a random draw, unpublished (`published_on` empty: nothing public
    yet). A negative outcome notifies the subject, who has `INSPECTION_STATEMENT_DAYS` for a
    statement; publication follows the window (`inspection_results_publish`). A problem found
    with a foreign worker of the inspection goes to that worker's personal credit file, never to
    the public record (`_worker_findings_file`). Audited as `inspections.result.approved`."""
    _refuse_unless(selectors.may_review_result(actor, result))
    on = on or timezone.localdate()
    locked = _locked_result(result)
    if locked.status != InspectionResult.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted result can be approved."))
    inspection_result_check(locked)
    inspection = locked.inspection
    item_records = list(locked.item_records.select_related("item"))
    event = records_services.credit_event_create(
        organisation=inspection.organisation,
        actor=actor,
        kind=CreditEvent.Kind.INSPECTION_RESULT,
        reference=f"DRAW-{inspection.draw_id}-{inspection.pk}",
        title=_in_default_language(
            lambda: (
                _("Random inspection (double random): %(outcome)s")
                % {"outcome": CreditEvent.Outcome(locked.outcome).label}
            )
        ),
        facts=_result_facts(item_records),
        authority=locked.authority,
        decided_on=locked.inspected_on,
        origin=CreditEvent.Origin.DRAW,
        outcome=locked.outcome,
        severity=locked.severity if locked.outcome in credit.NEGATIVE_OUTCOMES else "",
        audit_data={"inspection_result": locked.pk},
    )
    locked.credit_event = event
    if locked.outcome in credit.NEGATIVE_OUTCOMES:
        locked.notice_sent_on = on
        locked.window_ends_on = on + datetime.timedelta(days=statement_window_days())
    locked.status = InspectionResult.Status.APPROVED
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = actor
    locked.return_reason = ""
    locked.save()
    _worker_findings_file(locked, actor=actor)
    record(
        action="inspections.result.approved",
        obj=locked,
        actor=actor,
        data={
            "before": "submitted",
            "after": locked.status,
            "outcome": locked.outcome,
            "credit_event": event.pk,
            "notice_sent_on": _audit_plain(locked.notice_sent_on),
            "window_ends_on": _audit_plain(locked.window_ends_on),
        },
    )
    return locked


@transaction.atomic
def enforcement_action_open(
    *,
    result: InspectionResult,
    item_record: InspectionItemRecord,
    actor: User,
    decision_number: str,
    legal_basis: str,
    facts: str,
    penalty: str,
    severity: str,
    decided_on: datetime.date | None = None,
    on: datetime.date | None = None,
) -> EnforcementAction:
    """Open an administrative penalty (查处) on a finding of an approved result, on `on`
    (today): the penalty goes on the credit record unpublished (decision number, legal basis,
    facts, penalty, authority, date, severity), and the subject is notified with
    `INSPECTION_STATEMENT_DAYS` for a statement or a hearing request. Only the assigned
    inspectors and the officers and reviewers of the authority may. Audited as
    `inspections.enforcement.opened`."""
    _refuse_unless(selectors.may_handle_enforcement(actor, result))
    on = on or timezone.localdate()
    locked = _locked_result(result)
    if locked.status not in (InspectionResult.Status.APPROVED, InspectionResult.Status.PUBLISHED):
        raise ValidationError(_("A penalty follows an approved result."))
    if item_record.result_id != locked.pk or item_record.compliant is not False:
        raise ValidationError(_("A penalty follows a finding of this result that failed."))
    inspection = locked.inspection
    number = locked.enforcement_actions.count() + 1
    try:
        event = records_services.credit_event_create(
            organisation=inspection.organisation,
            actor=actor,
            kind=CreditEvent.Kind.PENALTY,
            reference=f"DRAW-{inspection.draw_id}-{inspection.pk}-P{number}",
            title=_in_default_language(
                lambda: (
                    _("Administrative penalty after a random inspection: %(item)s")
                    % {"item": item_record.item.name}
                )
            ),
            facts=facts,
            legal_basis=legal_basis,
            decision_number=decision_number,
            penalty=penalty,
            authority=locked.authority,
            decided_on=decided_on or on,
            severity=severity,
            audit_data={"inspection_result": locked.pk},
        )
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    action = EnforcementAction.objects.create(
        result=locked,
        record=item_record,
        credit_event=event,
        opened_by=actor,
        notice_sent_on=on,
        window_ends_on=on + datetime.timedelta(days=statement_window_days()),
    )
    record(
        action="inspections.enforcement.opened",
        obj=action,
        actor=actor,
        data={
            "result": locked.pk,
            "item": item_record.item_id,
            "credit_event": event.pk,
            "decision_number": decision_number,
            "severity": severity,
            "notice_sent_on": on.isoformat(),
            "window_ends_on": action.window_ends_on.isoformat(),
        },
    )
    return action


def _notice_window(
    target: InspectionResult | EnforcementAction,
) -> tuple[datetime.date, datetime.date]:
    return target.notice_sent_on, target.window_ends_on


@contextlib.contextmanager
def _notice_answer(
    target: InspectionResult | EnforcementAction,
    *,
    actor: User,
    audit_action: str,
    is_open: Callable[[Any], bool],
    closed: str,
    day_field: str,
    day: datetime.date,
    outside: str,
    window: Callable[[Any], tuple[datetime.date, datetime.date | None]] = _notice_window,
) -> Iterator[tuple[Any, dict[str, Any]]]:
    """The steps of the subject's answer to a notice (a statement, a hearing request, the
    hearing held), around what each step writes: refuse (403) unless `actor` may handle the
    enforcement of the result; lock the target; refuse with `closed` unless `is_open(target)`;
    refuse `day` (under `day_field`) with `outside` unless it falls in `window(target)` (first
    day, last day or None, both inclusive; by default from the notice to its deadline). The
    body gets the locked target and the audit data ({day_field: day}), may add to it, and
    writes; then the step is audited as `audit_action` on the target, in the same transaction
    (nothing is audited when the body raises)."""
    if isinstance(target, InspectionResult):
        _refuse_unless(selectors.may_handle_enforcement(actor, target))
        locked = _locked_result(target)
    else:
        _refuse_unless(selectors.may_handle_enforcement(actor, target.result))
        locked = EnforcementAction.objects.select_for_update().get(pk=target.pk)
    if not is_open(locked):
        raise ValidationError(closed)
    first, last = window(locked)
    if day < first or (last is not None and day > last):
        raise ValidationError({day_field: outside})
    audit_data = {day_field: day.isoformat()}
    yield locked, audit_data
    record(action=audit_action, obj=locked, actor=actor, data=audit_data)


@transaction.atomic
def inspection_statement_record(
    *,
    target: InspectionResult | EnforcementAction,
    actor: User,
    text: str,
    received_on: datetime.date,
) -> OrganisationStatement:
    """Record the subject's statement (陈述、申辩) about a notified result or penalty, received
    within its window, as a statement of the credit event (`records.statement_receive`); it is
    published with the event. Audited as `inspections.statement.recorded`."""
    with _notice_answer(
        target,
        actor=actor,
        audit_action="inspections.statement.recorded",
        is_open=lambda locked: locked.published_on is None and locked.window_ends_on is not None,
        closed=_("There is no open notice to answer."),
        day_field="received_on",
        day=received_on,
        outside=_("A statement is received between the notice and its deadline."),
    ) as (locked, audit_data):
        if not text.strip():
            raise ValidationError({"text": _("Write the statement.")})
        statement = records_services.statement_receive(
            event=locked.credit_event, actor=actor, text=text.strip(), received_on=received_on
        )
        audit_data["statement"] = statement.pk
    return statement


@transaction.atomic
def enforcement_hearing_request(
    *, action: EnforcementAction, actor: User, requested_on: datetime.date
) -> EnforcementAction:
    """Record the subject's hearing request (听证), made within the window: the penalty waits
    for the hearing before it is published. Audited as
    `inspections.enforcement.hearing_requested`."""
    with _notice_answer(
        action,
        actor=actor,
        audit_action="inspections.enforcement.hearing_requested",
        is_open=lambda locked: (
            locked.status == EnforcementAction.Status.OPEN and not locked.hearing_requested_on
        ),
        closed=_("A hearing can be requested once, before publication."),
        day_field="requested_on",
        day=requested_on,
        outside=_("A hearing is requested between the notice and its deadline."),
    ) as (locked, _audit_data):
        locked.hearing_requested_on = requested_on
        locked.save(update_fields=["hearing_requested_on"])
    return locked


@transaction.atomic
def enforcement_hearing_held(
    *, action: EnforcementAction, actor: User, held_on: datetime.date, penalty: str = ""
) -> EnforcementAction:
    """Record that the requested hearing was held, and the penalty as decided after it (when
    it changed); the penalty is published at the next run. Audited as
    `inspections.enforcement.hearing_held`."""
    with _notice_answer(
        action,
        actor=actor,
        audit_action="inspections.enforcement.hearing_held",
        is_open=lambda locked: locked.hearing_pending,
        closed=_("No hearing is pending."),
        day_field="held_on",
        day=held_on,
        outside=_("A hearing is held after it was requested."),
        window=lambda locked: (locked.hearing_requested_on, None),
    ) as (locked, audit_data):
        changes = {}
        if penalty.strip():
            changes = records_services.credit_event_update(
                event=locked.credit_event, actor=actor, penalty=penalty.strip()
            )
        locked.hearing_held_on = held_on
        locked.save(update_fields=["hearing_held_on"])
        audit_data["penalty_changed"] = bool(changes)
    return locked


def _publish_event(event: CreditEvent, *, on: datetime.date, actor: User) -> None:
    # Through the records services: they compute the credit clock and save the organisation,
    # which the index follows after commit.
    records_services.credit_event_update(event=event, actor=actor, published_on=on)
    for statement in event.statements.filter(published_on__isnull=True):
        records_services.statement_publish(statement=statement, actor=actor, on=on)


@transaction.atomic
def inspection_result_publish(
    *, result: InspectionResult, on: datetime.date | None = None, actor: User = None
) -> bool:
    """Publish one approved result on `on` (today) when its window has passed: its credit
    event from `on` (the credit clock computed by the records services) with the statements
    received. Audited as `inspections.result.published`. False (and nothing written) when it
    is not due or already published."""
    on = on or timezone.localdate()
    locked = _locked_result(result)
    if not selectors.inspection_results_due(on=on).filter(pk=locked.pk).exists():
        return False
    _publish_event(locked.credit_event, on=on, actor=actor)
    locked.status = InspectionResult.Status.PUBLISHED
    locked.published_on = on
    locked.save()
    record(
        action="inspections.result.published",
        obj=locked,
        actor=actor,
        data={
            "before": "approved",
            "after": locked.status,
            "on": on.isoformat(),
            "credit_event": locked.credit_event_id,
        },
    )
    return True


@transaction.atomic
def enforcement_action_publish(
    *, action: EnforcementAction, on: datetime.date | None = None, actor: User = None
) -> bool:
    """Publish one penalty on `on` (today) when its window has passed and a requested hearing
    was held. Audited as `inspections.enforcement.published`. False when not due."""
    on = on or timezone.localdate()
    locked = EnforcementAction.objects.select_for_update().get(pk=action.pk)
    if not selectors.enforcement_actions_due(on=on).filter(pk=locked.pk).exists():
        return False
    _publish_event(locked.credit_event, on=on, actor=actor)
    locked.status = EnforcementAction.Status.PUBLISHED
    locked.published_on = on
    locked.save(update_fields=["status", "published_on"])
    record(
        action="inspections.enforcement.published",
        obj=locked,
        actor=actor,
        data={"on": on.isoformat(), "credit_event": locked.credit_event_id},
    )
    return True


@dataclass
class PublicationRun:
    """What one run of `inspection_results_publish` published (or would publish)."""

    on: datetime.date
    results: list[int] = field(default_factory=list)
    enforcement_actions: list[int] = field(default_factory=list)


def inspection_results_publish(
    *, on: datetime.date | None = None, dry_run: bool = False, actor: User = None
) -> PublicationRun:
    """Publish every approved result and open penalty whose window ended before `on` (today),
    each in its own transaction (one failure does not hold back the others). Idempotent: what
    is published is not due any more. With `dry_run`, only lists them. After the publications
    commit, sends `signals.results_published` with the results, for the CMS to draft a result
    notice."""
    on = on or timezone.localdate()
    run = PublicationRun(on=on)
    due_results = list(selectors.inspection_results_due(on=on).values_list("pk", flat=True))
    due_actions = list(selectors.enforcement_actions_due(on=on).values_list("pk", flat=True))
    if dry_run:
        run.results, run.enforcement_actions = due_results, due_actions
        return run
    for pk in due_results:
        result = InspectionResult.objects.get(pk=pk)
        if inspection_result_publish(result=result, on=on, actor=actor):
            run.results.append(pk)
    for pk in due_actions:
        action = EnforcementAction.objects.get(pk=pk)
        if enforcement_action_publish(action=action, on=on, actor=actor):
            run.enforcement_actions.append(pk)
    if run.results:
        published = list(run.results)
        transaction.on_commit(
            lambda: results_published.send(sender=InspectionResult, results=published, on=on)
        )
    return run


# ---------------------------------------------------------------------------------------------
# Foreign workers in a joint inspection (联合抽查; STAFF ONLY): listed with their employer's
# task, their findings entered with the on-site record, filed on approval in their personal
# credit file (外国人的个人信息要记入其个人信用档案), never on the public record.
# ---------------------------------------------------------------------------------------------

WORKER_RECORD_FIELDS = ("compliant", "findings")


def _worker_records_open(*, draw_row: Draw, results: dict[int, int], actor: User) -> int:
    """List the foreign workers of each newly opened task (`results`: organisation id → result
    id) when the plan has items for foreign workers: the workers in the province's directory
    with that employer. Audited on the draw as `inspections.task.workers_listed`, with counts
    only. Returns how many were listed."""
    plan = draw_row.plan
    if not results or not selectors.plan_worker_items(plan).exists():
        return 0
    pairs = selectors.worker_entries_of_employers(plan.authority.region_id, list(results))
    WorkerInspectionRecord.objects.bulk_create(
        [
            WorkerInspectionRecord(result_id=results[employer_id], worker_id=worker_id)
            for employer_id, worker_id in pairs
        ],
        batch_size=5000,
    )
    if pairs:
        record(
            action="inspections.task.workers_listed",
            obj=draw_row,
            actor=actor,
            data={
                "tasks": len({employer_id for employer_id, _worker in pairs}),
                "workers": len(pairs),
            },
        )
    return len(pairs)


@transaction.atomic
def inspection_worker_findings_save(
    *, result: InspectionResult, actor: User, worker_records: dict[int, dict[str, Any]]
) -> dict[int, list[str]]:
    """Save, per worker record id, whether the worker complies and the problem found
    (`WORKER_RECORD_FIELDS`), as entered by an assigned inspector while the result is theirs
    (the rules of `inspection_result_save`). Audits `inspections.result.workers_saved` with the
    record ids and the names of the fields that changed, never their contents. Returns those
    names per record id."""
    _refuse_unless(selectors.may_enter_result(actor, result))
    locked = _locked_result(result)
    if locked.status not in InspectionResult.EDITABLE_STATUSES:
        raise ValidationError(_("This result is no longer being entered."))
    records = {r.pk: r for r in locked.worker_records.all()}
    changed: dict[int, list[str]] = {}
    for pk, values in worker_records.items():
        if pk not in records:
            raise ValidationError(_("That worker is not part of this inspection."))
        worker_record = records[pk]
        names = [n for n, v in values.items() if n in WORKER_RECORD_FIELDS]
        names = [n for n in names if getattr(worker_record, n) != values[n]]
        for name in names:
            setattr(worker_record, name, values[name])
        if names:
            worker_record.full_clean()
            worker_record.save(update_fields=names)
            changed[pk] = names
    if changed:
        if locked.status == InspectionResult.Status.ASSIGNED:
            locked.status = InspectionResult.Status.DRAFT
            locked.save()
        record(
            action="inspections.result.workers_saved",
            obj=locked,
            actor=actor,
            data={"workers": {str(k): v for k, v in changed.items()}},
        )
    result.refresh_from_db()
    return changed


def _worker_records_check(result: InspectionResult, add: Callable[[str, str], None]) -> None:
    # Part of `inspection_result_check` when the subject was found: every worker listed is
    # answered, and a problem found is described (it goes to the worker's credit file).
    worker_records = list(result.worker_records.all())
    if any(r.compliant is None for r in worker_records):
        add("__all__", _("Answer for every foreign worker whether they comply."))
    if any(r.compliant is False and not r.findings.strip() for r in worker_records):
        add("__all__", _("Describe the problem found with every foreign worker who fails."))


def _worker_findings_file(result: InspectionResult, *, actor: User) -> list[int]:
    """On approval: a violation in the personal credit file (`records.WorkerCreditEntry`) of
    every worker of the inspection with a problem found, dated the day of the inspection, by the
    responsible authority; never a public credit event. Audited as
    `inspections.result.worker_findings_filed` (record ids only). Returns the record ids."""
    if result.outcome == CreditEvent.Outcome.NOT_LOCATED:
        return []
    employer = result.inspection.organisation
    filed = []
    for worker_record in result.worker_records.filter(
        compliant=False, credit_entry__isnull=True
    ).select_related("worker"):
        worker_record.credit_entry = records_services.worker_credit_entry_create(
            actor=actor,
            worker=worker_record.worker,
            kind=WorkerCreditEntry.Kind.VIOLATION,
            title=_in_default_language(
                lambda: (
                    _("Problem found in a joint random inspection at the employer %(employer)s")
                    % {"employer": employer.name}
                )
            ),
            facts=worker_record.findings.strip(),
            decided_on=result.inspected_on,
            authority=result.authority,
        )
        worker_record.save(update_fields=["credit_entry"])
        filed.append(worker_record.pk)
    if filed:
        record(
            action="inspections.result.worker_findings_filed",
            obj=result,
            actor=actor,
            data={"worker_records": filed},
        )
    return filed
