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


def organisation_named(query: str) -> Organisation | None:
    """The one organisation that `query` names, by its USCC (any spacing or case) or its exact
    name; None when none does or the name is shared. Without its regions: the complaint form
    resolves every submission this way and needs only the organisation and its region code."""
    compact = uscc.compact(query)
    if uscc.is_valid(compact):
        matches = Organisation.objects.filter(uscc=compact)
    else:
        matches = Organisation.objects.filter(name=query.strip())
    found = list(matches.order_by()[:2])  # unordered: one match or none is the answer
    return found[0] if len(found) == 1 else None


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


def _by_organisation_ids(queryset: QuerySet, organisation_ids: Iterable[int]) -> QuerySet:
    """Restrict to these organisations. A dense block of ids (as a rebuild reads them, in pk
    order) is asked for as a range: Django prepares every value of a large IN list one by one,
    which cost more than the query itself; rows outside the block's ids are dropped by callers."""
    ids = sorted(set(organisation_ids))
    if ids and ids[-1] - ids[0] < 2 * len(ids):
        return queryset.filter(organisation_id__gte=ids[0], organisation_id__lte=ids[-1])
    return queryset.filter(organisation_id__in=ids)


def public_events_by_organisation(
    organisation_ids: Iterable[int], *, on: datetime.date | None = None
) -> dict[int, list[CreditEvent]]:
    """Public events on `on` (today) of many organisations at once, newest first, grouped by
    organisation id (one query, for the search index)."""
    wanted = set(organisation_ids)
    grouped: dict[int, list[CreditEvent]] = {}
    events = (
        _by_organisation_ids(credit_events_public(on=on), wanted)
        .select_related("authority")
        .order_by("organisation_id", "-published_on", "-id")
    )
    for event in events:
        if event.organisation_id in wanted:
            grouped.setdefault(event.organisation_id, []).append(event)
    return grouped


def former_names_by_organisation(organisation_ids: Iterable[int]) -> dict[int, list[str]]:
    """Former names of many organisations at once, most recent first (for the search index)."""
    wanted = set(organisation_ids)
    grouped: dict[int, list[str]] = {}
    rows = (
        _by_organisation_ids(FormerName.objects.all(), wanted)
        .order_by("organisation_id", "-used_until")
        .values_list("organisation_id", "name")
    )
    for organisation_id, name in rows:
        if organisation_id in wanted:
            grouped.setdefault(organisation_id, []).append(name)
    return grouped
