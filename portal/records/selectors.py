"""Reads of the credit records, for the other apps (search, cms, complaints, inspections)."""

from collections.abc import Iterable

from django.db.models import QuerySet

from portal.records import uscc
from portal.records.models import Organisation


def organisations_with_regions() -> QuerySet[Organisation]:
    """Organisations with their region, prefecture and province loaded in the same query."""
    return Organisation.objects.select_related("region__parent__parent")


def organisations_by_ids(ids: Iterable[int]) -> QuerySet[Organisation]:
    """The organisations among `ids` that exist, with their regions."""
    return organisations_with_regions().filter(pk__in=list(ids))


def organisation_get_by_uscc(code: str) -> Organisation | None:
    """The organisation with this USCC (any spacing or case), or None."""
    return organisations_with_regions().filter(uscc=uscc.compact(code)).first()
