"""The search benchmark behind `manage.py search_benchmark` (see README, "Benchmarks").

It measures what the public feels and what operators plan for, on the data in the database:

- a fixed query mix, drawn with a seed from the organisations themselves (full names, partial
  names, pinyin, initials, USCCs as typed, filtered and faceted searches, deep pages), sent as
  HTTP requests to the public API of the production web server (granian), at concurrency 1
  and 8: the end-to-end time next to Elasticsearch's own `took`;
- the same searches sent straight to Elasticsearch over its own HTTP, with no web code: what the
  web side adds is the difference;
- the same mix through the best database-only alternative (PostgreSQL with pg_trgm trigram
  indexes over a denormalised search table), on the same data in the same run;
- how long a committed change takes to become searchable with the task worker running.

Everything here is measurement; nothing in the portal imports it.
"""

import base64
import http.client
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction

from portal.records import services
from portal.records.models import CreditEvent, Organisation
from portal.web_server import interpreter
from portal.web_server import web_server as production_server
from search.api import api_search_query
from search.client import get_client
from search.forms import OrganisationSearchForm
from search.indexing import alias_name
from search.normalise import normalise_text
from search.pinyin import initials_of, syllables
from search.queries import build_organisation_search

BASE_DIR = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


# ---------------------------------------------------------------------------------------------
# The query mix


@dataclass(frozen=True)
class Probe:
    """One search: its category and the API parameters (the SQL alternative reads the same)."""

    category: str
    params: dict[str, str]


CATEGORIES = (
    "full name",
    "partial name",
    "pinyin",
    "initials",
    "USCC as typed",
    "filtered",
    "faceted browse",
    "deep page",
)


def _sample_organisations(rng: Random, count: int) -> list[Organisation]:
    """`count` organisations spread over the whole table (ids drawn at random, gaps skipped)."""
    bounds = Organisation.objects.order_by("pk").values_list("pk", flat=True)
    low, high = bounds.first(), bounds.last()
    if low is None:
        return []
    chosen: dict[int, Organisation] = {}
    while len(chosen) < count:
        ids = [rng.randint(low, high) for _ in range(count * 2)]
        for organisation in Organisation.objects.filter(pk__in=ids).select_related("region"):
            chosen.setdefault(organisation.pk, organisation)
    return [chosen[pk] for pk in sorted(chosen)[:count]]


def _trade_words(name: str, rng: Random) -> str:
    """Three or four characters from inside a registered name: what people remember of it."""
    core = re.sub(r"(有限责任公司|股份有限公司|有限公司|集团|公司)$", "", name)
    length = min(len(core), rng.choice((3, 4)))
    start = rng.randint(min(2, len(core) - length), len(core) - length)
    return core[start : start + length]


def _province(region_code: str) -> str:
    return region_code[:2] + "0000"


def query_mix(seed: int, per_category: int) -> list[Probe]:
    """The fixed query mix: the same seed and data give the same probes, in a shuffled order."""
    rng = Random(seed)
    organisations = _sample_organisations(rng, per_category * 6)
    probes: list[Probe] = []
    for index, organisation in enumerate(organisations):
        words = _trade_words(organisation.name, rng)
        spelled = syllables(normalise_text(words))
        slot = index % 6
        if slot == 0:
            probes.append(Probe("full name", {"q": organisation.name}))
        elif slot == 1:
            probes.append(Probe("partial name", {"q": words}))
        elif slot == 2:
            probes.append(Probe("pinyin", {"q": " ".join(spelled)}))
            probes.append(Probe("initials", {"q": "".join(initials_of(spelled))}))
        elif slot == 3:
            code = organisation.uscc.lower()
            probes.append(Probe("USCC as typed", {"q": f"{code[:6]} {code[6:12]}-{code[12:]}"}))
        elif slot == 4:
            probes.append(
                Probe(
                    "filtered",
                    {
                        "q": words[:2],
                        "province": _province(organisation.region_id),
                        "kind": organisation.kind,
                    },
                )
            )
        else:
            rating = rng.choice(("B", "C", "D"))
            event = rng.choice((CreditEvent.Kind.PENALTY, CreditEvent.Kind.INSPECTION_RESULT))
            probes.append(
                Probe(
                    "faceted browse",
                    {
                        "province": _province(organisation.region_id),
                        "rating": rating,
                        "event": event,
                        "facets": "true",
                    },
                )
            )
    rng.shuffle(probes)
    return probes


# ---------------------------------------------------------------------------------------------
# Processes: the web server and the task worker, as production runs them


def child_environment() -> dict[str, str]:
    """Production settings against this database and cluster, with rate limits out of the way."""
    database = settings.DATABASES["default"]
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DJANGO_SECRET_KEY="benchmark-only-not-secret",  # noqa: S106
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        ELASTICSEARCH_URL=settings.ELASTICSEARCH_URL,
        SEARCH_INDEX_PREFIX=settings.SEARCH_INDEX_PREFIX,
        **{f"API_RATE_{scope.upper()}": "100000000/m" for scope in settings.API_RATES},
    )
    if database["ENGINE"].endswith("sqlite3"):
        environment["DATABASE_URL"] = f"sqlite:///{database['NAME']}"
    elif "DATABASE_URL" not in environment:
        raise RuntimeError("Set DATABASE_URL so the web and worker processes use this database.")
    return environment


@contextmanager
def web_server(workers: int, threads: int) -> Iterator[str]:
    """The production web server (portal/web_server.py) on a free port; yields host:port."""
    # The API serves no static files, but WhiteNoise warns about a STATIC_ROOT that is missing.
    with tempfile.TemporaryDirectory(prefix="search-benchmark-static-") as static_root:
        environment = {**child_environment(), "DJANGO_STATIC_ROOT": static_root}
        with production_server(
            environment,
            workers=workers,
            threads=threads,
            ready_path="/api/organisations?q=probe",
        ) as server:
            yield f"{server.host}:{server.port}"


@contextmanager
def task_worker(interval: float) -> Iterator[None]:
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name=search",
            "--no-startup-delay",
            f"--interval={interval}",
            "--verbosity=0",
        ],
        cwd=BASE_DIR,
        env=child_environment(),
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


# ---------------------------------------------------------------------------------------------
# HTTP against the API


_local = threading.local()


def http_get(host: str, port: int, path: str) -> tuple[int, bytes, float]:
    """GET over a kept-alive connection of this thread; returns (status, body, seconds)."""
    connection_ = getattr(_local, "connection", None)
    if connection_ is None:
        connection_ = _local.connection = http.client.HTTPConnection(host, port, timeout=30)
    started = time.perf_counter()
    try:
        connection_.request("GET", path)
        response = connection_.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException):
        connection_.close()
        _local.connection = None
        raise
    return response.status, body, time.perf_counter() - started


@dataclass
class Sample:
    category: str
    took_ms: float
    total_ms: float


def api_path(params: dict[str, str]) -> str:
    return "/api/organisations?" + urllib.parse.urlencode(params)


def deep_pages(base: str, pages: int, count: int, seed: int) -> list[Probe]:
    """Probes for page `pages` of broad searches, reached by walking their cursors."""
    host, port = base.split(":")
    rng = Random(seed)
    provinces = list(Organisation.objects.values_list("region_id", flat=True).order_by("pk")[:2000])
    probes = []
    for _ in range(count):
        params = {
            "province": _province(rng.choice(provinces)),
            "sort": rng.choice(("name", "latest", "relevance")),
            "size": "10",
        }
        after = ""
        for page in range(1, pages):
            status, body, _ = http_get(
                host, int(port), api_path({**params, "page": str(page), "after": after})
            )
            if status != 200:
                raise RuntimeError(f"walking deep pages: HTTP {status}: {body[:200]!r}")
            after = json.loads(body)["_meta"]["next_cursor"] or ""
            if not after:
                break
        if after:
            probes.append(Probe("deep page", {**params, "page": str(pages), "after": after}))
    return probes


def run_http(base: str, probes: list[Probe], concurrency: int) -> list[Sample]:
    host, port = base.split(":")

    def one(probe: Probe) -> Sample:
        status, body, seconds = http_get(host, int(port), api_path(probe.params))
        if status != 200:
            raise RuntimeError(f"{probe}: HTTP {status}: {body[:200]!r}")
        return Sample(probe.category, json.loads(body)["_meta"]["took_ms"], seconds * 1000)

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, probes))


def run_direct(probes: list[Probe]) -> list[Sample]:
    """The searches the API makes for these probes, sent one at a time straight to Elasticsearch
    over its own HTTP, with no web code and no client library: the part of an API request's time
    that the web side cannot remove. `total_ms` is the round trip."""
    url = urllib.parse.urlsplit(settings.ELASTICSEARCH_URL)
    kind = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    cluster = kind(url.hostname, url.port, timeout=30)
    path = f"{url.path.rstrip('/')}/{alias_name()}/_search"
    headers = {"Content-Type": "application/json"}
    if url.username:
        credentials = (
            f"{urllib.parse.unquote(url.username)}:{urllib.parse.unquote(url.password or '')}"
        )
        headers["Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
    samples = []
    try:
        for probe in probes:
            form = OrganisationSearchForm(probe.params)
            if not form.is_valid():
                raise RuntimeError(f"{probe}: {form.errors.as_text()}")
            body = json.dumps(build_organisation_search(api_search_query(form)), default=str)
            started = time.perf_counter()
            cluster.request("POST", path, body.encode(), headers)
            response = cluster.getresponse()
            data = response.read()
            seconds = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(
                    f"{probe}: Elasticsearch answered {response.status}: {data[:200]!r}"
                )
            samples.append(Sample(probe.category, json.loads(data)["took"], seconds * 1000))
    finally:
        cluster.close()
    return samples


# ---------------------------------------------------------------------------------------------
# The database-only alternative: PostgreSQL with pg_trgm

TRGM_TABLE = "benchmark_trgm_organisation"


def trgm_prepare(progress: Callable[[int], None] | None = None) -> None:
    """A denormalised search table with trigram indexes: what a careful team would build on
    PostgreSQL alone (names, former names, pinyin and initials, filters, latest event)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(f"DROP TABLE IF EXISTS {TRGM_TABLE}")
        cursor.execute(
            f"""CREATE UNLOGGED TABLE {TRGM_TABLE} (
                id bigint PRIMARY KEY, uscc text NOT NULL, name text NOT NULL,
                former_names text NOT NULL, pinyin text NOT NULL, initials text NOT NULL,
                kind text NOT NULL, province_code text NOT NULL, prefecture_code text NOT NULL,
                credit_rating text NOT NULL, event_kinds text[] NOT NULL, latest_event_on date)"""
        )
    kinds: dict[int, set[str]] = {}
    latest: dict[int, Any] = {}
    for organisation_id, kind, published_on in CreditEvent.objects.filter(
        published_on__isnull=False
    ).values_list("organisation_id", "kind", "published_on"):
        kinds.setdefault(organisation_id, set()).add(kind)
        if organisation_id not in latest or published_on > latest[organisation_id]:
            latest[organisation_id] = published_on
    former: dict[int, list[str]] = {}
    from portal.records.models import FormerName

    for organisation_id, name in FormerName.objects.values_list("organisation_id", "name"):
        former.setdefault(organisation_id, []).append(normalise_text(name))
    columns = "id, uscc, name, former_names, pinyin, initials, kind, province_code, "
    columns += "prefecture_code, credit_rating, event_kinds, latest_event_on"
    # COPY is the fast way in; it gets a connection of its own, since Django's is reading.
    raw = connection.get_new_connection(connection.get_connection_params())
    with (
        raw,
        raw.cursor() as cursor,
        cursor.copy(f"COPY {TRGM_TABLE} ({columns}) FROM STDIN") as copy,
    ):
        rows = Organisation.objects.order_by("pk").values_list(
            "pk", "uscc", "name", "kind", "region_id", "credit_rating"
        )
        for count, (pk, code, name, kind, region, rating) in enumerate(rows.iterator(5000), 1):
            text = normalise_text(name)
            spelled = syllables(text)
            copy.write_row(
                (
                    pk,
                    code,
                    text,
                    " ".join(former.get(pk, [])),
                    "".join(spelled),
                    "".join(initials_of(spelled)),
                    kind,
                    _province(region),
                    region[:4] + "00",
                    rating,
                    sorted(kinds.get(pk, ())),
                    latest.get(pk),
                )
            )
            if progress and count % 5000 == 0:
                progress(5000)
    with connection.cursor() as cursor:
        for column in ("name", "former_names", "pinyin", "initials"):
            cursor.execute(f"CREATE INDEX ON {TRGM_TABLE} USING gin ({column} gin_trgm_ops)")
        cursor.execute(f"CREATE INDEX ON {TRGM_TABLE} (uscc)")
        cursor.execute(f"CREATE INDEX ON {TRGM_TABLE} (province_code, credit_rating)")
        cursor.execute(f"CREATE INDEX ON {TRGM_TABLE} (name, id)")
        cursor.execute(f"ANALYZE {TRGM_TABLE}")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def trgm_sql(probe: Probe) -> list[tuple[str, list[Any]]]:
    """The SQL for one probe: a page of 10 and the total (with facet counts when the probe asks
    for them), as the API returns."""
    params = probe.params
    where, args = [], []
    text = normalise_text(params.get("q", ""))
    order = "name, id"
    if probe.category == "USCC as typed":
        where.append("uscc = %s")
        args.append(re.sub(r"[\s-]", "", text).upper())
    elif text:
        compact = text.replace(" ", "")
        where.append(
            "(name ILIKE %s OR former_names ILIKE %s OR pinyin ILIKE %s OR initials ILIKE %s)"
        )
        args += [_like(text), _like(text), _like(compact), _like(compact)]
        order = "similarity(name, %s) DESC, id"
    for column in ("province", "kind"):
        if params.get(column):
            where.append(f"{'province_code' if column == 'province' else column} = %s")
            args.append(params[column])
    if params.get("rating"):
        where.append("credit_rating = %s")
        args.append(params["rating"])
    if params.get("event"):
        where.append("%s = ANY(event_kinds)")
        args.append(params["event"])
    condition = " AND ".join(where) or "TRUE"
    page_args = list(args) + ([text] if order.startswith("similarity") else [])
    offset = (int(params.get("page", 1)) - 1) * 10
    page = (
        f"SELECT uscc, name FROM {TRGM_TABLE} WHERE {condition} ORDER BY {order} "
        f"LIMIT 10 OFFSET {offset}"
    )
    if params.get("facets") == "true":
        counts = (
            f"SELECT kind, province_code, prefecture_code, count(*) FROM {TRGM_TABLE} WHERE "
            f"{condition} GROUP BY GROUPING SETS ((kind), (province_code), (prefecture_code), ())"
        )
    else:
        counts = f"SELECT count(*) FROM {TRGM_TABLE} WHERE {condition}"
    return [(page, page_args), (counts, list(args))]


def run_trgm(probes: list[Probe], concurrency: int) -> list[Sample]:
    def one(probe: Probe) -> Sample:
        started = time.perf_counter()
        with connections["default"].cursor() as cursor:
            for sql, args in trgm_sql(probe):
                cursor.execute(sql, args)
                cursor.fetchall()
        milliseconds = (time.perf_counter() - started) * 1000
        return Sample(probe.category, milliseconds, milliseconds)

    def worker(chunk: list[Probe]) -> list[Sample]:
        try:
            return [one(probe) for probe in chunk]
        finally:
            connections.close_all()

    chunks = [probes[index::concurrency] for index in range(concurrency)]
    with ThreadPoolExecutor(concurrency) as pool:
        return [sample for samples in pool.map(worker, chunks) for sample in samples]


# ---------------------------------------------------------------------------------------------
# Commit to searchable


def superseded_syncs_drop(before) -> int:
    """Delete sync tasks still waiting that were enqueued before a rebuild began: the rebuild
    read the database after them, so they would only redo its work (a `--replace` load deletes
    the old rows one by one, enqueuing a task each). Returns how many were dropped."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status="READY", task_path="search.tasks.sync_organisations", enqueued_at__lt=before
    )
    return waiting.delete()[0]


def commit_to_searchable(rounds: int, seed: int, timeout: float = 30.0) -> list[float]:
    """Seconds from a committed change (through the services, as staff would make it) until a
    search finds it, with the task worker running and the index refreshing every second.

    One more change goes first, unmeasured: it waits for the worker to start."""
    rng = Random(seed)
    client = get_client()
    latencies = []
    for organisation in _sample_organisations(rng, rounds + 1):
        # A token no earlier run wrote: the seed picks the same organisations every run, and a
        # name they already carry would change nothing, so nothing would be enqueued.
        token = "probe" + secrets.token_hex(6)
        with transaction.atomic():
            changes = services.organisation_update(
                organisation=organisation, name_en=f"{token} Trading Ltd"
            )
        if not changes:
            raise RuntimeError(f"{organisation.uscc}: the probe changed nothing")
        committed = time.perf_counter()
        while True:
            response = client.count(index=alias_name(), query={"match": {"name_en": token}})
            if response["count"]:
                latencies.append(time.perf_counter() - committed)
                break
            if time.perf_counter() - committed > timeout:
                raise RuntimeError(f"{organisation.uscc} was not searchable after {timeout} s")
            time.sleep(0.01)
    return latencies[1:]


# ---------------------------------------------------------------------------------------------
# Machine facts


@dataclass
class Facts:
    rows: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, value: Any) -> None:
        self.rows.append((name, str(value)))


def machine_facts() -> Facts:
    facts = Facts()
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1) if match else cpu
    facts.add("CPU", f"{cpu}, {os.cpu_count()} logical cores")
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        facts.add("Memory", f"{kilobytes / 1024 / 1024:.1f} GiB")
    facts.add("OS", platform.platform())
    facts.add("Python", interpreter().removeprefix("Python "))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            facts.add("Database", f"PostgreSQL {cursor.fetchone()[0]}")
        else:
            facts.add("Database", f"{connection.vendor} {connection.Database.sqlite_version}")
    client = get_client()
    nodes = client.nodes.info(metric="jvm")["nodes"]
    stats = client.nodes.stats(metric="jvm")["nodes"]
    for node_id, node in nodes.items():
        heap = stats[node_id]["jvm"]["mem"]
        facts.add(
            "Elasticsearch",
            f"{node['version']} on Java {node['jvm']['version']}, heap "
            f"{heap['heap_used_in_bytes'] / 2**20:,.0f} MiB used of "
            f"{heap['heap_max_in_bytes'] / 2**20:,.0f} MiB",
        )
    index_stats = client.indices.stats(index=alias_name(), metric="docs,store")["_all"]
    facts.add(
        "Index",
        f"{index_stats['primaries']['docs']['count']:,} documents, "
        f"{index_stats['primaries']['store']['size_in_bytes'] / 2**20:,.0f} MiB",
    )
    return facts


def summarise(samples: list[Sample], attribute: str) -> tuple[float, float]:
    values = [getattr(sample, attribute) for sample in samples]
    return percentile(values, 0.5), percentile(values, 0.95)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
