"""Reads of the inspection item list for the public pages, the admin and the inspection office."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.core import selectors as core_selectors
from portal.core.models import Authority
from portal.inspections.models import InspectionItem, InspectionItemChange


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
