"""Reads of the credit records, for the other apps (search, cms, complaints, inspections)."""

import datetime
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from portal.records import uscc
from portal.records.models import CreditEvent, FormerName, Organisation, OrganisationStatement


def organisations_with_regions() -> QuerySet[Organisation]:
    """Organisations with their region, prefecture and province loaded in the same query."""
    return Organisation.objects.select_related("region__parent__parent")


def organisations_by_ids(ids: Iterable[int]) -> QuerySet[Organisation]:
    """The organisations among `ids` that exist, with their regions."""
    return organisations_with_regions().filter(pk__in=list(ids))


def organisation_get_by_uscc(code: str) -> Organisation | None:
    """The organisation with this USCC (any spacing or case), or None."""
    return organisations_with_regions().filter(uscc=uscc.compact(code)).first()


def credit_events_public(*, on: datetime.date | None = None) -> QuerySet[CreditEvent]:
    """Every credit event shown to the public on `on` (today): published, inside its credit
    clock's window and not repaired by then. The same rule as `credit.is_public`."""
    on = on or timezone.localdate()
    return CreditEvent.objects.filter(published_on__lte=on, public_until__gte=on).filter(
        Q(repaired_on__isnull=True) | Q(repaired_on__gt=on)
    )


def statements_public(*, on: datetime.date | None = None) -> QuerySet[OrganisationStatement]:
    """Published statements whose event is public on `on` (today)."""
    on = on or timezone.localdate()
    return OrganisationStatement.objects.filter(
        published_on__lte=on, event__in=credit_events_public(on=on)
    ).order_by("published_on", "id")


def public_events(
    organisation: Organisation, on: datetime.date | None = None
) -> QuerySet[CreditEvent]:
    """The organisation's public events on `on` (today), newest first, with their authority and
    their published statements (as `event.public_statements`) loaded."""
    on = on or timezone.localdate()
    return (
        credit_events_public(on=on)
        .filter(organisation=organisation)
        .select_related("authority")
        .prefetch_related(
            Prefetch("statements", queryset=statements_public(on=on), to_attr="public_statements")
        )
        .order_by("-published_on", "-id")
    )


def credit_event_history(organisation: Organisation) -> QuerySet[CreditEvent]:
    """STAFF ONLY: every event of the organisation, public or not any more, newest first."""
    return (
        CreditEvent.objects.filter(organisation=organisation)
        .select_related("authority")
        .prefetch_related("statements")
        .order_by("-published_on", "-id")
    )


def public_events_by_organisation(
    organisation_ids: Iterable[int], *, on: datetime.date | None = None
) -> dict[int, list[CreditEvent]]:
    """Public events on `on` (today) of many organisations at once, newest first, grouped by
    organisation id (one query, for the search index)."""
    grouped: dict[int, list[CreditEvent]] = {}
    events = (
        credit_events_public(on=on)
        .filter(organisation_id__in=list(organisation_ids))
        .select_related("authority")
        .order_by("organisation_id", "-published_on", "-id")
    )
    for event in events:
        grouped.setdefault(event.organisation_id, []).append(event)
    return grouped


def former_names_by_organisation(organisation_ids: Iterable[int]) -> dict[int, list[str]]:
    """Former names of many organisations at once, most recent first (for the search index)."""
    grouped: dict[int, list[str]] = {}
    rows = (
        FormerName.objects.filter(organisation_id__in=list(organisation_ids))
        .order_by("organisation_id", "-used_until")
        .values_list("organisation_id", "name")
    )
    for organisation_id, name in rows:
        grouped.setdefault(organisation_id, []).append(name)
    return grouped
