"""Reads of complaint categories and complaints."""

from django.db.models import QuerySet

from complaints.models import Complaint, ComplaintCategory
from portal.core.models import Authority, Region
from portal.core.selectors import authorities_public
from portal.records.models import Organisation


def categories_for_form() -> list[ComplaintCategory]:
    """The active categories in tree order (each parent followed by its children), each with
    `depth` set (0 for a top-level category)."""
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
