"""Writes to the credit records. Each service runs in one transaction and writes an audit entry.

The contract with the search index: whenever an organisation's credit events or statements change,
the service saves the Organisation itself (through `organisation_rating_refresh`, which always
saves `credit_rating`, `rating_updated_at` and `updated_at`). The index follows Organisation's
post_save signal (see search/sync.py), so a changed event always reindexes its organisation.
"""

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from stdnum.iso7064 import mod_37_36

from portal.core.audit import record
from portal.core.models import Authority, Region
from portal.records import credit
from portal.records.models import (
    CreditEvent,
    ForeignWorker,
    FormerName,
    Organisation,
    OrganisationStatement,
    WorkerCreditEntry,
    WorkPermit,
)

Actor = AbstractBaseUser | AnonymousUser | None

ORGANISATION_FIELDS = (
    "kind",
    "name",
    "name_en",
    "region",
    "address",
    "industry",
    "legal_representative",
    "registration_status",
    "agency_licence_number",
    "foreign_staff_count",
)

CREDIT_EVENT_FIELDS = (
    "kind",
    "severity",
    "title",
    "facts",
    "legal_basis",
    "decision_number",
    "penalty",
    "authority",
    "decided_on",
    "published_on",
    "origin",
    "outcome",
    "list_kind",
    "starts_on",
    "scheduled_end_on",
    "removed_on",
    "removal_reason",
)


class CreditRepairRefused(ValueError):
    """A credit repair that the rules do not allow (yet); the message says why."""


def today() -> datetime.date:
    return timezone.localdate()


def _audit_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _apply(instance: models.Model, fields: Iterable[str], values: dict[str, Any]) -> dict:
    """Set `values` on `instance`; return {field: [old, new]} for what actually changed."""
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    changes = {}
    for name, new in values.items():
        old = getattr(instance, name)
        if _audit_value(old) != _audit_value(new):
            changes[name] = [_audit_value(old), _audit_value(new)]
            setattr(instance, name, new)
    return changes


# ---------------------------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def organisation_create(
    *,
    actor: Actor = None,
    uscc: str,
    kind: str,
    name: str,
    region: Region,
    audit_data: dict | None = None,
    **fields: Any,
) -> Organisation:
    """Create a validated organisation (USCC check character included) and audit it as
    `records.organisation.created`. Its rating starts at B (nothing public)."""
    organisation = Organisation(uscc=uscc, kind=kind, name=name, region=region)
    _apply(organisation, ORGANISATION_FIELDS, fields)
    organisation.rating_updated_at = timezone.now()
    organisation.full_clean()
    organisation.save()
    record(
        action="records.organisation.created",
        obj=organisation,
        actor=actor,
        data={"uscc": organisation.uscc, "name": name, **(audit_data or {})},
    )
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    actor: Actor = None,
    audit_data: dict | None = None,
    **fields: Any,
) -> dict[str, list]:
    """Change the given profile fields (not the USCC). Saves and audits
    `records.organisation.updated` only if something changed; returns the changes. A changed
    name keeps the old one as a former name, used until today."""
    old_name = organisation.name
    changes = _apply(organisation, ORGANISATION_FIELDS, fields)
    if changes:
        organisation.full_clean()
        if organisation.name != old_name:
            FormerName.objects.create(organisation=organisation, name=old_name, used_until=today())
        organisation.save()
        record(
            action="records.organisation.updated",
            obj=organisation,
            actor=actor,
            data={"changes": changes, **(audit_data or {})},
        )
    return changes


@transaction.atomic
def former_name_add(
    *,
    organisation: Organisation,
    name: str,
    used_until: datetime.date,
    used_from: datetime.date | None = None,
    actor: Actor = None,
) -> FormerName:
    """Record a name the organisation was registered under before (from the business register),
    audit `records.organisation.former_name_added`, and save the organisation so its search
    document follows."""
    former = FormerName(
        organisation=organisation, name=name, used_from=used_from, used_until=used_until
    )
    former.full_clean()
    former.save()
    organisation.save(update_fields=["updated_at"])
    record(
        action="records.organisation.former_name_added",
        obj=organisation,
        actor=actor,
        data={"name": name, "used_until": used_until.isoformat()},
    )
    return former


@transaction.atomic
def organisation_rating_refresh(
    *, organisation: Organisation, on: datetime.date | None = None, actor: Actor = None
) -> str:
    """Recompute the rating from the organisation's events on `on` (today) and save the
    Organisation in every case, so that the search index picks up changed events. A changed
    rating is audited as `records.organisation.rating_changed`."""
    on = on or today()
    rating = credit.rating_for(organisation.credit_events.all(), on)
    old = organisation.credit_rating
    organisation.credit_rating = rating
    organisation.rating_updated_at = timezone.now()
    organisation.save(update_fields=["credit_rating", "rating_updated_at", "updated_at"])
    if rating != old:
        record(
            action="records.organisation.rating_changed",
            obj=organisation,
            actor=actor,
            data={"from": old, "to": rating, "on": on.isoformat()},
        )
    return rating


@dataclass
class RatingRefreshCounts:
    checked: int = 0
    changed: int = 0
    window_changed: int = 0  # rating unchanged but an event entered or left the public record


def ratings_refresh_all(
    *, on: datetime.date | None = None, since: datetime.date | None = None, chunk_size: int = 2000
) -> RatingRefreshCounts:
    """Recompute every organisation's rating on `on` (today), for the nightly run.

    Reads events in chunks; saves (one by one, so the index follows) only the organisations whose
    rating changed or whose public events changed by the passing of time between `since` (default:
    the day before `on`) and `on`. The others are not written.
    """
    on = on or today()
    since = since or on - datetime.timedelta(days=1)
    counts = RatingRefreshCounts()
    touched_by_time = set(
        CreditEvent.objects.filter(
            Q(published_on__gt=since, published_on__lte=on)
            | Q(public_until__gte=since, public_until__lt=on)
            | Q(repaired_on__gt=since, repaired_on__lte=on)
            | Q(removed_on__gt=since, removed_on__lte=on)
            | Q(starts_on__gt=since, starts_on__lte=on)
            | Q(scheduled_end_on__gte=since, scheduled_end_on__lt=on)
        ).values_list("organisation_id", flat=True)
    )
    last_id = 0
    while True:
        chunk = list(
            Organisation.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "credit_rating")[:chunk_size]
        )
        if not chunk:
            break
        last_id = chunk[-1][0]
        events_by_organisation: dict[int, list[CreditEvent]] = {}
        for event in CreditEvent.objects.filter(
            organisation_id__in=[pk for pk, _ in chunk], published_on__lte=on, public_until__gte=on
        ).only(
            "organisation_id",
            "kind",
            "severity",
            "outcome",
            "list_kind",
            "published_on",
            "public_until",
            "repaired_on",
            "starts_on",
            "scheduled_end_on",
            "removed_on",
        ):
            events_by_organisation.setdefault(event.organisation_id, []).append(event)
        for pk, current in chunk:
            counts.checked += 1
            rating = credit.rating_for(events_by_organisation.get(pk, ()), on)
            if rating != current:
                counts.changed += 1
            elif pk in touched_by_time:
                counts.window_changed += 1
            else:
                continue
            with transaction.atomic():
                organisation_rating_refresh(organisation=Organisation.objects.get(pk=pk), on=on)
    return counts


# ---------------------------------------------------------------------------------------------
# Credit events
# ---------------------------------------------------------------------------------------------


def _default_severity(values: dict[str, Any]) -> None:
    # A restriction list is for serious dishonesty, a warning list for ordinary matters.
    if values.get("kind") == CreditEvent.Kind.LIST_ENTRY and not values.get("severity"):
        values["severity"] = (
            CreditEvent.Severity.SERIOUS
            if values.get("list_kind") == CreditEvent.ListKind.RESTRICTION
            else CreditEvent.Severity.ORDINARY
        )


@transaction.atomic
def credit_event_create(
    *,
    organisation: Organisation,
    actor: Actor = None,
    kind: str,
    reference: str,
    title: str,
    audit_data: dict | None = None,
    **fields: Any,
) -> CreditEvent:
    """Record a credit event (validated per kind), compute its credit clock, audit
    `records.credit_event.created`, and refresh the organisation's rating (which saves it)."""
    values = {"kind": kind, **fields}
    _default_severity(values)
    event = CreditEvent(organisation=organisation, reference=reference, title=title)
    _apply(event, CREDIT_EVENT_FIELDS, values)
    credit.clock_apply(event)
    event.full_clean()
    event.save()
    record(
        action="records.credit_event.created",
        obj=event,
        actor=actor,
        data={
            "organisation": organisation.uscc,
            "reference": reference,
            "kind": kind,
            **(audit_data or {}),
        },
    )
    organisation_rating_refresh(organisation=organisation, actor=actor)
    return event


@transaction.atomic
def credit_event_update(
    *, event: CreditEvent, actor: Actor = None, audit_data: dict | None = None, **fields: Any
) -> dict[str, list]:
    """Change an event's fields (not its organisation or reference), recompute its clock, audit
    `records.credit_event.updated` with the changes and refresh the rating. No change: no write."""
    if "title" in fields:
        title = fields.pop("title")
        changes = {"title": [event.title, title]} if title != event.title else {}
        event.title = title
    else:
        changes = {}
    changes |= _apply(event, CREDIT_EVENT_FIELDS, fields)
    if not changes:
        return {}
    credit.clock_apply(event)
    event.full_clean()
    event.save()
    record(
        action="records.credit_event.updated",
        obj=event,
        actor=actor,
        data={"reference": event.reference, "changes": changes, **(audit_data or {})},
    )
    organisation_rating_refresh(organisation=event.organisation, actor=actor)
    return changes


@transaction.atomic
def credit_event_repair(
    *, event: CreditEvent, actor: Actor = None, on: datetime.date | None = None, reason: str
) -> CreditEvent:
    """Grant credit repair (信用修复): the event leaves the public record from `on` (today).

    Refused (CreditRepairRefused) for positive events, events already repaired or no longer
    public, and before `repair_possible_from`. Audited as `records.credit_event.repaired`.
    """
    on = on or today()
    if not event.is_negative:
        raise CreditRepairRefused("Only negative events can be repaired.")
    if event.repaired_on is not None:
        raise CreditRepairRefused("This event has already been repaired.")
    if event.repair_possible_from is None or on < event.repair_possible_from:
        raise CreditRepairRefused(
            f"Credit repair is possible from {event.repair_possible_from}, not on {on}."
        )
    if not event.is_public(on):
        raise CreditRepairRefused("This event is no longer public; there is nothing to repair.")
    if not reason.strip():
        raise CreditRepairRefused("A credit repair needs its reason.")
    event.repaired_on = on
    event.repair_reason = reason
    event.save(update_fields=["repaired_on", "repair_reason", "updated_at"])
    record(
        action="records.credit_event.repaired",
        obj=event,
        actor=actor,
        data={"reference": event.reference, "on": on.isoformat(), "reason": reason},
    )
    organisation_rating_refresh(organisation=event.organisation, on=on, actor=actor)
    return event


@transaction.atomic
def list_entry_remove(
    *, event: CreditEvent, actor: Actor = None, removed_on: datetime.date, reason: str
) -> CreditEvent:
    """Take the organisation off a list (移出名单) from `removed_on`, with the reason. The entry
    stays shown, with its removal, until its window ends. Audited as
    `records.credit_event.list_removed`."""
    if event.kind != CreditEvent.Kind.LIST_ENTRY:
        raise ValidationError("Only list entries can be removed from a list.")
    if event.removed_on is not None:
        raise ValidationError("This entry has already been removed.")
    event.removed_on = removed_on
    event.removal_reason = reason
    credit.clock_apply(event)
    event.full_clean()
    event.save(update_fields=["removed_on", "removal_reason", "public_until", "updated_at"])
    record(
        action="records.credit_event.list_removed",
        obj=event,
        actor=actor,
        data={"reference": event.reference, "on": removed_on.isoformat(), "reason": reason},
    )
    organisation_rating_refresh(organisation=event.organisation, actor=actor)
    return event


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def statement_receive(
    *, event: CreditEvent, actor: Actor = None, text: str, received_on: datetime.date
) -> OrganisationStatement:
    """Record an organisation's statement about one of its events, not yet published.
    Audited as `records.statement.received`."""
    statement = OrganisationStatement(event=event, text=text, received_on=received_on)
    statement.full_clean()
    statement.save()
    record(
        action="records.statement.received",
        obj=statement,
        actor=actor,
        data={"event": event.reference, "organisation": event.organisation.uscc},
    )
    return statement


@transaction.atomic
def statement_publish(
    *, statement: OrganisationStatement, actor: Actor = None, on: datetime.date | None = None
) -> OrganisationStatement:
    """Publish a received statement from `on` (today) beside its event; audited as
    `records.statement.published`; saves the organisation so its public record is reindexed."""
    statement.published_on = on or today()
    statement.save(update_fields=["published_on", "updated_at"])
    record(
        action="records.statement.published",
        obj=statement,
        actor=actor,
        data={"event": statement.event.reference, "on": statement.published_on.isoformat()},
    )
    organisation_rating_refresh(organisation=statement.event.organisation, actor=actor)
    return statement


# ---------------------------------------------------------------------------------------------
# Foreign workers (private)
# ---------------------------------------------------------------------------------------------

PERSONAL_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def personal_code_generate() -> str:
    """15 random characters and an ISO 7064 MOD 37,36 check character: 16 in all."""
    body = "".join(secrets.choice(PERSONAL_CODE_ALPHABET) for _ in range(15))
    return body + mod_37_36.calc_check_digit(body)


def personal_code_is_valid(code: str) -> bool:
    return len(code) == 16 and mod_37_36.is_valid(code)


@transaction.atomic
def foreign_worker_create(
    *,
    actor: Actor = None,
    surname: str,
    given_names: str = "",
    chinese_name: str = "",
    nationality: str,
    passport_number: str,
    birth_date: datetime.date,
) -> ForeignWorker:
    """Register a foreign worker with a new lifelong personal code (一人一码). Codes are never
    reused: workers are never deleted (PROTECT everywhere), and the code is unique. Audited as
    `records.foreign_worker.created` with the code only (no personal data in the audit trail)."""
    code = personal_code_generate()
    while ForeignWorker.objects.filter(personal_code=code).exists():  # 36**15: practically never
        code = personal_code_generate()
    worker = ForeignWorker(
        personal_code=code,
        surname=surname,
        given_names=given_names,
        chinese_name=chinese_name,
        nationality=nationality.upper(),
        passport_number=passport_number,
        birth_date=birth_date,
    )
    worker.full_clean()
    worker.save()
    record(
        action="records.foreign_worker.created",
        obj=worker,
        actor=actor,
        data={"personal_code": code},
    )
    return worker


@transaction.atomic
def work_permit_create(
    *,
    actor: Actor = None,
    worker: ForeignWorker,
    employer: Organisation,
    permit_number: str,
    valid_from: datetime.date,
    valid_to: datetime.date,
) -> WorkPermit:
    """Add a work permit to a worker; the worker keeps their personal code. Audited as
    `records.work_permit.created`."""
    permit = WorkPermit(
        worker=worker,
        employer=employer,
        permit_number=permit_number,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    permit.full_clean()
    permit.save()
    record(
        action="records.work_permit.created",
        obj=permit,
        actor=actor,
        data={"personal_code": worker.personal_code, "employer": employer.uscc},
    )
    return permit


@transaction.atomic
def worker_credit_entry_create(
    *,
    actor: Actor = None,
    worker: ForeignWorker,
    kind: str,
    title: str,
    decided_on: datetime.date,
    facts: str = "",
    authority: Authority | None = None,
) -> WorkerCreditEntry:
    """Add an entry to a worker's personal credit file (staff only). Audited as
    `records.worker_credit_entry.created`."""
    entry = WorkerCreditEntry(
        worker=worker,
        kind=kind,
        title=title,
        facts=facts,
        decided_on=decided_on,
        authority=authority,
    )
    entry.full_clean()
    entry.save()
    record(
        action="records.worker_credit_entry.created",
        obj=entry,
        actor=actor,
        data={"personal_code": worker.personal_code, "kind": kind},
    )
    return entry
