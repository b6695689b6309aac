"""Streaming CSV export of any public search, bounded so one request cannot dump the register.

Rows come through search_after pages in (name, USCC) order; the export refuses up front, with a
clear message, a search that matches more than SEARCH_EXPORT_LIMIT organisations (the nightly full
dump has everything). Only public fields are exported.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from django.conf import settings

from portal.records.models import CreditEvent
from search.queries import OrganisationQuery, build_organisation_search
from search.results import run_search

PAGE = 1000
EVENT_KINDS = list(CreditEvent.Kind.values)
COLUMNS = [
    "uscc",
    "kind",
    "name",
    "name_en",
    "region_code",
    "region",
    "industry",
    "registration_status",
    "credit_rating",
    *[f"public_{kind}_count" for kind in EVENT_KINDS],
    "latest_event_on",
    "latest_penalty_on",
]


class ExportTooLarge(Exception):
    def __init__(self, total: int, limit: int) -> None:
        super().__init__(f"{total} organisations match; an export holds at most {limit}.")
        self.total, self.limit = total, limit


def _body(query: OrganisationQuery, after: list | None) -> dict[str, Any]:
    body = build_organisation_search(replace(query, sort="name", page=1, size=PAGE, after=None))
    for key in ("aggs", "highlight", "from", "_source"):
        body.pop(key, None)
    if after:
        body["search_after"] = after
    return body


def _row(source: dict[str, Any]) -> list[Any]:
    counts = source.get("event_counts") or {}
    return [
        source["uscc"],
        source["kind"],
        source["display_name"],
        source.get("display_name_en") or "",
        source.get("region_code") or "",
        source.get("region_display") or "",
        source.get("industry") or "",
        source.get("registration_status") or "",
        source.get("credit_rating") or "",
        *[counts.get(kind, 0) for kind in EVENT_KINDS],
        source.get("latest_event_on") or "",
        source.get("latest_penalty_on") or "",
    ]


def _line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def organisations_export(query: OrganisationQuery) -> tuple[int, Iterator[str]]:
    """(total, CSV lines) for a search. The first page is fetched now, so a cluster outage or a
    too-large export is raised before any byte is sent; the rest streams as it is read."""
    limit = settings.SEARCH_EXPORT_LIMIT
    first = run_search(_body(query, None))["hits"]
    total = first["total"]["value"]
    if total > limit:
        raise ExportTooLarge(total, limit)

    def lines() -> Iterator[str]:
        # A byte-order mark, so spreadsheet programs read the Chinese text as UTF-8.
        yield "\ufeff" + _line(COLUMNS)
        hits = first["hits"]
        while hits:
            for hit in hits:
                yield _line(_row(hit["_source"]))
            if len(hits) < PAGE:
                return
            hits = run_search(_body(query, hits[-1]["sort"]))["hits"]["hits"]

    return total, lines()
