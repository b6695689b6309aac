"""Publishing and withdrawing inspection items. Every published change goes into the public
history (`InspectionItemChange`) and the audit trail, in the transaction of the change."""

import datetime
import json
import secrets
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Revision

from portal.core.audit import record
from portal.core.models import Authority, Region, StaffMembership
from portal.inspections import draw, selectors
from portal.inspections.models import (
    Draw,
    DrawFile,
    DrawInspectorCode,
    DrawnInspection,
    InspectionItem,
    InspectionItemChange,
    InspectionPlan,
    Inspector,
    SubjectEntry,
)
from portal.inspections.risk import risk_class_for

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
    exits keep their row. Returns the counts (entered, exited, updated, members)."""
    on = on or timezone.localdate()
    eligible = {
        pk: (uscc, kind)
        for pk, uscc, kind in selectors.subject_eligible_organisations(province.code)
    }
    open_entries = {
        entry.organisation_id: entry
        for entry in selectors.subject_entries_open(province.code).select_for_update()
    }
    exited = [entry for pk, entry in open_entries.items() if pk not in eligible]
    for entry in exited:
        entry.exited_on = on
        entry.exit_reason = "no longer eligible (not in operation or not in the province)"
    SubjectEntry.objects.bulk_update(exited, ["exited_on", "exit_reason", "updated_at"])
    ids = sorted(eligible)
    inputs = selectors.risk_inputs_by_organisation(ids, on=on)
    last_dates = selectors.last_inspection_dates(ids)
    created, changed = [], []
    for pk in ids:
        risk_class, reasons = risk_class_for(inputs[pk])
        last = last_dates.get(pk)
        entry = open_entries.get(pk)
        if entry is None:
            created.append(
                SubjectEntry(
                    organisation_id=pk,
                    province=province,
                    risk_class=risk_class,
                    risk_reasons=reasons,
                    last_inspected_on=last,
                    entered_on=on,
                )
            )
        elif (entry.risk_class, entry.risk_reasons, entry.last_inspected_on) != (
            risk_class,
            reasons,
            last,
        ):
            entry.risk_class, entry.risk_reasons = risk_class, reasons
            entry.last_inspected_on = last
            changed.append(entry)
    SubjectEntry.objects.bulk_create(created, batch_size=2000)
    SubjectEntry.objects.bulk_update(
        changed, ["risk_class", "risk_reasons", "last_inspected_on", "updated_at"], batch_size=2000
    )
    counts = {
        "entered": len(created),
        "exited": len(exited),
        "updated": len(changed),
        "members": len(ids),
    }
    record(
        action="inspections.subject_directory.refreshed",
        obj=province,
        actor=actor,
        data={"on": on.isoformat(), **counts},
    )
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
    record(
        action="inspections.draw.drawn",
        obj=draw_row,
        actor=actor,
        data={
            "result_sha256": draw_row.result_sha256,
            "seed_hex": draw_row.seed_hex,
            "inspections": len(inspections),
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
