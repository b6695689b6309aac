"""Writing to the index: creation, incremental sync, and rebuild behind an alias with no downtime.

Readers and writers always use the alias `<prefix>-organisations`; the concrete index behind it
is `<prefix>-organisations-<UTC timestamp>`. A rebuild fills a new index and swaps the alias in one
atomic request, so searches never see a half-built index.
"""

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import orjson
from django.conf import settings
from django.db import connections
from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import streaming_bulk

from portal.records.models import Organisation
from portal.records.selectors import (
    former_names_by_organisation,
    organisations_by_ids,
    public_events_by_organisation,
)
from search.client import SearchUnavailable, get_client, is_unavailable_error
from search.documents import (
    DOCUMENT_FIELDS,
    OrganisationDocument,
    RegionTable,
    organisation_document,
    schema_version,
)

logger = logging.getLogger(__name__)

ORGANISATIONS = "organisations"


def alias_name(kind: str = ORGANISATIONS) -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-{kind}"


def _dynamic_settings(*, building: bool) -> dict[str, Any]:
    # A bulk build goes faster without refreshes, replicas and an fsync per request; all three
    # come back before the swap (a build that dies half-way is thrown away, so nothing is lost).
    return {
        "number_of_replicas": 0 if building else settings.SEARCH_INDEX_REPLICAS,
        "refresh_interval": "-1" if building else "1s",
        "translog.durability": "async" if building else "request",
    }


def _create_index(*, building: bool) -> str:
    name = f"{alias_name()}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"
    index = OrganisationDocument._index.clone(name)
    index.settings(number_of_shards=1, **_dynamic_settings(building=building))
    index.create(using=get_client())
    get_client().indices.put_mapping(index=name, meta={"schema": schema_version()})
    return name


def call_cluster(function: Callable[[], Any]) -> Any:
    """Run a request, turning "the cluster is down" into SearchUnavailable."""
    try:
        return function()
    except (TransportError, ApiError) as error:
        if is_unavailable_error(error):
            raise SearchUnavailable(str(error)) from error
        raise


def indices_behind_alias() -> list[str]:
    client = get_client()
    try:
        return sorted(call_cluster(lambda: client.indices.get_alias(name=alias_name())).body)
    except NotFoundError:
        return []


def index_schema_is_current() -> bool:
    """Whether the index behind the alias was built with today's mapping and analysis."""
    indices = indices_behind_alias()
    if not indices:
        return False
    mapping = call_cluster(lambda: get_client().indices.get_mapping(index=indices[0]))
    meta = mapping[indices[0]]["mappings"].get("_meta", {})
    return meta.get("schema") == schema_version()


def index_ensure() -> str:
    """Create the index and its alias when they do not exist yet; return the alias."""
    if not indices_behind_alias():
        name = _create_index(building=False)
        call_cluster(lambda: get_client().indices.put_alias(index=name, name=alias_name()))
    return alias_name()


def _actions(organisations: Iterable[Organisation], index: str) -> Iterator[dict[str, Any]]:
    regions = RegionTable()
    # Events are read for a batch of organisations at a time: one query per batch.
    for batch in _batched(iter(organisations), 2000):
        ids = [organisation.pk for organisation in batch]
        events = public_events_by_organisation(ids)
        former_names = former_names_by_organisation(ids)
        for organisation in batch:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": organisation.uscc,
                "_source": organisation_document(
                    organisation,
                    regions,
                    events.get(organisation.pk, []),
                    former_names.get(organisation.pk, []),
                ),
            }


def _bulk(actions: Iterable[dict[str, Any]], *, chunk_size: int = 1000) -> int:
    count = 0
    for ok, item in streaming_bulk(
        get_client(), actions, chunk_size=chunk_size, raise_on_error=False, max_retries=2
    ):
        operation = next(iter(item.values()))
        if ok or operation.get("status") == 404:  # deleting what is already gone is fine
            count += 1
        else:
            raise RuntimeError(f"Elasticsearch refused a document: {operation}")
    return count


@dataclass(frozen=True)
class SyncResult:
    indexed: int
    deleted: int


def organisations_sync(*, uscc_by_id: dict[int, str]) -> SyncResult:
    """Make the index match the database for these organisations.

    The database is the truth: rows that exist are (re)indexed, rows that are gone are removed.
    `uscc_by_id` carries the code each id had, so a deleted row's document can still be found.
    Raises SearchUnavailable when the cluster is down, so the caller can retry later.
    """
    alias = index_ensure()
    present = list(organisations_by_ids(uscc_by_id))
    present_ids = {organisation.pk for organisation in present}
    gone = [
        {"_op_type": "delete", "_index": alias, "_id": code}
        for organisation_id, code in uscc_by_id.items()
        if organisation_id not in present_ids
    ]
    try:
        indexed = _bulk(_actions(present, alias))
        _bulk(gone)
    except (TransportError, ApiError) as error:
        if is_unavailable_error(error):
            raise SearchUnavailable(str(error)) from error
        raise
    return SyncResult(indexed=indexed, deleted=len(gone))


def _batched(items: Iterator[Any], size: int) -> Iterator[tuple[Any, ...]]:
    # itertools.batched arrives in Python 3.12.
    while batch := tuple(islice(items, size)):
        yield batch


def _pipelined_bulk(
    client: Elasticsearch, actions: Iterator[dict[str, Any]], *, chunk_size: int = 2000
) -> Iterator[int]:
    """Send actions in chunks with two requests in flight, yielding how many each indexed.

    The database is read and documents are built here, in the calling thread (Django connections
    belong to their thread); only the HTTP requests run in the pool, so Python builds the next
    chunk while Elasticsearch indexes the last one.
    """
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending: deque[Future] = deque()
        for chunk in _batched(actions, chunk_size):
            pending.append(pool.submit(_send_chunk, client, chunk))
            if len(pending) >= 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _send_chunk(client: Elasticsearch, chunk: tuple[dict[str, Any], ...]) -> int:
    operations: list[dict[str, Any]] = []
    for action in chunk:
        operations.append({"index": {"_index": action["_index"], "_id": action["_id"]}})
        operations.append(action["_source"])
    # orjson, not the client's json module: serialising is a third of a rebuild's Python time.
    body = b"\n".join(orjson.dumps(line) for line in operations) + b"\n"
    # Only errors come back: parsing 2,000 "created" items per request is wasted work.
    response = client.bulk(operations=body, filter_path="errors,items.*.error")
    if response["errors"]:
        failed = response["items"]
        raise RuntimeError(f"Elasticsearch refused {len(failed)} documents: {failed[:3]}")
    return len(chunk)


def index_rebuild(
    *,
    queryset: QuerySet[Organisation] | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> tuple[str, int]:
    """Build a fresh index from the database and swap the alias to it; return (index, count).

    With `workers` > 1 the organisations are split into that many id ranges, each read, built
    and sent by a process of its own (documents are built in Python: one process uses one core).
    Changes committed while the build runs are indexed again after the swap, so none is lost.
    """
    started = timezone.now()
    # Bulk requests of a rebuild may wait on merges; they get longer than a search does.
    client = get_client().options(request_timeout=120)
    name = _create_index(building=True)
    # In pk order, so each batch's events are one range query (see records.selectors).
    rows = (queryset if queryset is not None else Organisation.objects.all()).order_by("pk")
    rows = rows.only(*DOCUMENT_FIELDS)
    if workers > 1 and not _database_is_in_memory():
        count = _fill_in_processes(rows, name, workers, progress)
    else:
        count = _fill(rows, name, progress)
    client.indices.put_settings(index=name, settings=_dynamic_settings(building=False))
    client.indices.refresh(index=name)
    old = indices_behind_alias()
    actions = [{"add": {"index": name, "alias": alias_name()}}]
    actions += [{"remove_index": {"index": index}} for index in old]
    client.indices.update_aliases(actions=actions)
    changed = dict(Organisation.objects.filter(updated_at__gte=started).values_list("pk", "uscc"))
    if changed:
        organisations_sync(uscc_by_id=changed)
    return name, count


def _fill(rows: QuerySet[Organisation], index: str, progress: Callable[[int], None] | None) -> int:
    client = get_client().options(request_timeout=120)
    count = 0
    for indexed in _pipelined_bulk(client, _actions(rows.iterator(chunk_size=5000), index)):
        count += indexed
        if progress:
            progress(indexed)
    return count


def _database_is_in_memory() -> bool:
    """An in-memory SQLite database (the test suite's) cannot be read from another process."""
    connection = connections["default"]
    return connection.vendor == "sqlite" and connection.creation.is_in_memory_db(
        connection.settings_dict["NAME"]
    )


def _fill_in_processes(
    rows: QuerySet[Organisation],
    index: str,
    workers: int,
    progress: Callable[[int], None] | None,
) -> int:
    """Fill the index from `workers` forked processes, one contiguous id range each."""
    bounds = rows.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return 0
    step = (bounds["high"] - bounds["low"]) // workers + 1
    ranges = [(bounds["low"] + n * step, bounds["low"] + (n + 1) * step) for n in range(workers)]
    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue()
    # Children must open their own database and HTTP connections, never share the parent's.
    connections.close_all()
    processes = [
        context.Process(target=_fill_range, args=(rows, index, low, high, queue), daemon=True)
        for low, high in ranges
    ]
    for process in processes:
        process.start()
    count, finished = 0, 0
    while finished < len(processes):
        message = queue.get()
        if message is None:
            finished += 1
        elif isinstance(message, str):
            for process in processes:
                process.terminate()
            raise RuntimeError(f"A rebuild process failed: {message}")
        else:
            count += message
            if progress:
                progress(message)
    for process in processes:
        process.join()
    return count


def _fill_range(rows: QuerySet[Organisation], index: str, low: int, high: int, queue: Any) -> None:
    get_client.cache_clear()
    try:
        _fill(rows.filter(pk__gte=low, pk__lt=high), index, queue.put)
    except BaseException as error:  # reported to the parent, which stops the rebuild
        queue.put(f"{type(error).__name__}: {error}")
    else:
        queue.put(None)
    finally:
        connections.close_all()


def documents_delete(codes: list[str]) -> int:
    """Remove these USCCs' documents (missing ones are fine); return how many were asked for."""
    alias = alias_name()
    actions = ({"_op_type": "delete", "_index": alias, "_id": code} for code in codes)
    try:
        return _bulk(actions)
    except (TransportError, ApiError) as error:
        if is_unavailable_error(error):
            raise SearchUnavailable(str(error)) from error
        raise


def index_document_count() -> int:
    """How many documents the alias holds (0 when it does not exist)."""
    if not indices_behind_alias():
        return 0
    return call_cluster(lambda: get_client().count(index=alias_name()))["count"]


def index_refresh() -> None:
    """Make every write so far visible to searches (tests and benchmarks use this)."""
    call_cluster(lambda: get_client().indices.refresh(index=alias_name()))
