"""Finding and repairing drift between the database (the truth) and the index.

Both sides are read in USCC order and merged, so memory stays flat however many organisations
there are: the database through a server-side iterator, the index through search_after pages.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.dateparse import parse_datetime

from portal.records.models import Organisation
from search.client import get_client
from search.indexing import (
    alias_name,
    call_cluster,
    documents_delete,
    index_ensure,
    index_refresh,
    organisations_sync,
)

PAGE = 5000


@dataclass
class Drift:
    """What differs: documents missing from the index, stale ones, and ones the database lacks."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def _database() -> Iterator[tuple[str, int, datetime]]:
    rows = Organisation.objects.order_by("uscc").values_list("uscc", "pk", "updated_at")
    yield from rows.iterator(chunk_size=PAGE)


def _index() -> Iterator[tuple[str, datetime | None]]:
    client = get_client()
    after = None
    while True:
        body = {
            "size": PAGE,
            "sort": [{"uscc": "asc"}],
            "_source": ["updated_at"],
            "query": {"match_all": {}},
        }
        if after:
            body["search_after"] = after
        hits = call_cluster(lambda body=body: client.search(index=alias_name(), **body))["hits"][
            "hits"
        ]
        for hit in hits:
            yield hit["_id"], parse_datetime(hit["_source"].get("updated_at") or "")
        if len(hits) < PAGE:
            return
        after = hits[-1]["sort"]


def drift_find() -> Drift:
    """Compare every organisation with its document."""
    index_ensure()
    index_refresh()
    drift = Drift()
    database, index = _database(), _index()
    row, document = next(database, None), next(index, None)
    while row is not None or document is not None:
        if document is None or (row is not None and row[0] < document[0]):
            drift.missing.append(row[0])
            row = next(database, None)
        elif row is None or document[0] < row[0]:
            drift.extra.append(document[0])
            document = next(index, None)
        else:
            if document[1] != row[2]:
                drift.stale.append(row[0])
            row, document = next(database, None), next(index, None)
        drift.checked += 1
    return drift


def drift_repair(drift: Drift) -> None:
    """Index what is missing or stale and delete what the database no longer has."""
    codes = drift.missing + drift.stale
    for start in range(0, len(codes), PAGE):
        batch = dict(
            Organisation.objects.filter(uscc__in=codes[start : start + PAGE]).values_list(
                "pk", "uscc"
            )
        )
        organisations_sync(uscc_by_id=batch)
    documents_delete(drift.extra)
    index_refresh()
