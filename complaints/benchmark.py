"""The complaint benchmark behind `manage.py complaint_benchmark` (see README, "Benchmarks").

Browser-like clients file complaints through the real form of the production web server
(granian, production settings), on the database the command runs against
(scripts/complaint_benchmark.sh gives it PostgreSQL of its own, `portal_bench`). Each
submission is what a browser does: GET /complaints/new/ (the CSRF cookie and token, a fresh form
token), then POST the form with the cookie and an Origin header, and read the tracking number and
the access code off the confirmation page. It prints:

- a saturation run: `clients` clients (50) filing back to back, `submissions` in all (5,000):
  submissions per second, and the POST's latency p50/p95/p99 (the form's GET beside it);
- a paced run: the same clients offering `rate` submissions per second (100) between them, so
  the latency is the one a visitor meets at that load rather than at saturation (with 50
  clients back to back, latency is simply 50 / throughput);
- the check in the database, over every submission of both runs: each one that got its
  confirmation is there exactly once, under the number it was shown (0 lost, 0 duplicate
  tracking numbers), with one "received" step; some forms are sent again with the same form
  token, one after the other and two at once, and must get the same number back without a
  second complaint;
- the PDF receipt's render time (WeasyPrint), p50/p95 per language, in this process;
- where the machine's CPU went during each run, per submission (Linux: /proc): the web server
  (granian and its workers), PostgreSQL, the clients (this process) and the rest of the machine.
  Throughput on two shared cores moves with whatever else runs; the server's CPU per submission
  does not, and is what a change to the portal moves.

Only the benchmark's web server has the captcha off (COMPLAINT_CAPTCHA=none) and the rate limits
raised (COMPLAINT_RATE_SUBMIT, COMPLAINT_RATE_TRACK): through its environment, as any deployment
sets them; nothing in the portal reads a benchmark switch. Its confirmation e-mails are enqueued
as tasks like any other (no worker runs); at the end the benchmark deletes those still waiting, so
no later worker on that database mails thousands of made-up complainants. The load comes from
aiohttp on one asyncio loop in this process, on the same two cores as the server: the figures
are a floor.

Everything here is measurement; nothing in the portal imports it.
"""

import asyncio
import cProfile
import io
import logging
import os
import pstats
import re
import shutil
import subprocess  # noqa: S404 - runs collectstatic, our own command
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

import aiohttp
from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from urllib3 import encode_multipart_formdata

from complaints.models import Complaint, ComplaintEvent
from complaints.receipts import RECEIPT_LANGUAGES, complaint_receipt_render
from complaints.tasks import send_confirmation
from portal.core.models import Authority
from portal.records.models import Organisation
from portal.web_server import interpreter
from portal.web_server import web_server as production_server

BASE_DIR = Path(__file__).resolve().parent.parent
FORM_PATH = "/complaints/new/"

# The clients read the pages as bytes: decoding 100 KB of form for each submission is work of
# the clients' that the server's cores would pay for.
_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
_FORM_TOKEN = re.compile(rb'name="form_token" value="([0-9a-f]{32})"')
_TRACKING = re.compile(rb'id="tracking-number">\s*(TS-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\s*<')
_ACCESS_CODE = re.compile(rb'id="access-code">\s*([0-9A-Z]{5}-[0-9A-Z]{5})\s*<')


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


# ---------------------------------------------------------------------------------------------
# The server


def server_environment(static_root: Path) -> dict[str, str]:
    """Production settings against this database; the captcha off and the complaint rate limits
    raised through the environment variables any deployment has."""
    database = settings.DATABASES["default"]
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        DJANGO_SECRET_KEY="benchmark-only-not-secret",  # noqa: S106
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
        COMPLAINT_CAPTCHA="none",
        COMPLAINT_RATE_SUBMIT="1000000000/h",
        COMPLAINT_RATE_TRACK="1000000000/h",
        COMPLAINT_ATTACHMENTS_ROOT=str(static_root.parent / "complaint-benchmark-attachments"),
    )
    if database["ENGINE"].endswith("sqlite3"):
        environment["DATABASE_URL"] = f"sqlite:///{database['NAME']}"
    elif "DATABASE_URL" not in environment:
        raise RuntimeError("Set DATABASE_URL so the web processes use this database.")
    return environment


@contextmanager
def static_files() -> Iterator[Path]:
    """Production settings serve hashed static files: collect them once into a scratch folder."""
    scratch = Path(tempfile.mkdtemp(prefix="complaint-benchmark-"))
    root = scratch / "static"
    environment = server_environment(root)
    environment["DJANGO_SETTINGS_MODULE"] = "portal.settings.production"
    try:
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
            cwd=BASE_DIR,
            env=environment,
            check=True,
        )
        yield root
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def web_server(static_root: Path, workers: int, threads: int) -> Iterator[tuple[str, int]]:
    """The production web server (portal/web_server.py) on a free port; yields its base URL and
    its process id."""
    with production_server(
        server_environment(static_root), workers=workers, threads=threads, ready_path=FORM_PATH
    ) as server:
        yield server.base_url, server.pid


# ---------------------------------------------------------------------------------------------
# What the clients send


@dataclass(frozen=True)
class Choices:
    """Valid values for the form, read from the form page and the database."""

    categories: list[str]
    regions: list[str]
    usccs: list[str]


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.DOTALL)
    if select is None:
        raise RuntimeError(f"The form has no select {name!r}.")
    return [value for value in re.findall(r'<option value="([^"]+)"', select.group(0)) if value]


def choices_read(base: str) -> Choices:
    with urllib.request.urlopen(base + FORM_PATH, timeout=30) as response:  # noqa: S310
        html = response.read().decode()
    usccs = list(Organisation.objects.order_by("pk").values_list("uscc", flat=True)[:500])
    choices = Choices(_options(html, "category"), _options(html, "subject_region"), usccs)
    if not (choices.categories and choices.regions):
        raise RuntimeError("The form offers no categories or no cities: load the demo data.")
    return choices


def form_fields(number: int, choices: Choices, random: Random) -> dict[str, str]:
    """A believable complaint, varied: about an organisation in the records (by USCC) or one
    typed with its city; with an e-mail, a phone or both."""
    fields = {
        "website": "",
        "complainant_kind": random.choice(["foreign_worker", "employee", "other"]),
        "name": f"Benchmark Complainant {number}",
        "phone": f"138{number:08d}"[-11:],
        "subject_kind": "organisation",
        "category": random.choice(choices.categories),
        "what_happened": (
            "My wages for March and April were not paid, and my passport is kept by the "
            f"employer. Submission {number} of the complaint benchmark. " * 3
        ),
        "happened_when": "March 2026",
        "happened_where": "The company's office",
        "wanted_outcome": "Pay the wages and return the passport.",
    }
    if number % 3:
        fields["email"] = f"complainant{number}@example.org"
    if number % 4 == 0:
        fields["consent_to_publish"] = "on"
    if choices.usccs and number % 2:
        fields["organisation"] = random.choice(choices.usccs)
    else:
        fields["organisation"] = f"深圳市未登记测试{number}有限公司"
        fields["subject_region"] = random.choice(choices.regions)
    return fields


# ---------------------------------------------------------------------------------------------
# The load


@dataclass
class Filed:
    """One confirmed submission: its form token and what the confirmation page said."""

    form_token: str
    tracking_number: str
    access_code: str


@dataclass
class Run:
    label: str
    seconds: float = 0.0
    post_ms: list[float] = field(default_factory=list)
    get_ms: list[float] = field(default_factory=list)
    filed: list[Filed] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    # Forms sent again with the same token: (token, number first shown, numbers shown again).
    resent: list[tuple[str, str, list[str]]] = field(default_factory=list)
    # CPU seconds spent during the run, by whom (see CpuMeter); empty without /proc.
    cpu: dict[str, float] = field(default_factory=dict)


class CpuMeter:
    """CPU seconds used so far by the web server (a process and its children), PostgreSQL's
    processes, this process (the clients) and the whole machine, read from /proc (Linux)."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.available = os.path.exists("/proc/stat")
        self._ticks = os.sysconf("SC_CLK_TCK") if self.available else 100

    def _processes(self) -> dict[int, tuple[str, float]]:
        """(group, CPU seconds) of each process of the server and of PostgreSQL."""
        found = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    text = stat.read()
            except OSError:  # ended meanwhile
                continue
            name = text[text.index("(") + 1 : text.rindex(")")]
            fields = text[text.rindex(")") + 2 :].split()
            # Its own time and that of its children that ended (a closed connection's backend
            # is counted by the postmaster that reaped it).
            seconds = sum(int(value) for value in fields[11:15]) / self._ticks
            if self.server_pid in (int(entry.name), int(fields[1])):
                found[int(entry.name)] = ("server", seconds)
            elif name.startswith("postgres"):
                found[int(entry.name)] = ("database", seconds)
        return found

    def read(self) -> dict:
        if not self.available:
            return {}
        with open("/proc/stat") as stat:
            total = [int(value) for value in stat.readline().split()[1:]]
        idle = total[3] + total[4]  # idle and iowait
        times = os.times()
        return {
            "processes": self._processes(),
            "clients": times.user + times.system,
            "machine": (sum(total[:8]) - idle) / self._ticks,
        }

    @staticmethod
    def spent(before: dict, after: dict) -> dict[str, float]:
        """CPU seconds between two readings, by whom. A process started in between counts from
        zero; one that ended in between counts through its parent, whose children's time holds
        the child's whole life, so what the child had used before the first reading comes off."""
        if not before or not after:
            return {}
        spent = {"server": 0.0, "database": 0.0}
        for pid, (group, seconds) in after["processes"].items():
            spent[group] += seconds - before["processes"].get(pid, (group, 0.0))[1]
        for pid, (group, seconds) in before["processes"].items():
            if pid not in after["processes"]:
                spent[group] -= seconds
        spent["clients"] = after["clients"] - before["clients"]
        spent["machine"] = after["machine"] - before["machine"]
        spent["other"] = spent["machine"] - spent["server"] - spent["database"] - spent["clients"]
        return spent


class _Slots:
    """Hands out submission numbers, each at its scheduled time when paced (open loop)."""

    def __init__(self, first: int, count: int, rate: float) -> None:
        self.next, self.end, self.rate = first, first + count, rate
        self.first = first
        self.started = time.perf_counter()

    async def take(self) -> int | None:
        if self.next >= self.end:
            return None
        number = self.next
        self.next += 1
        if self.rate:
            delay = self.started + (number - self.first) / self.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        return number


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def multipart_body(data: dict[str, str]) -> tuple[bytes, str]:
    """The form as a browser sends it, multipart/form-data (the form has a file input), with
    the file input left empty: the body and its Content-Type. Encoded once per submission, so
    that sending it again costs the client nothing more."""
    fields = [*data.items(), ("attachments", ("", b"", "application/octet-stream"))]
    return encode_multipart_formdata(fields)


async def _post(
    http: aiohttp.ClientSession, base: str, cookies: dict[str, str], body: tuple[bytes, str]
) -> tuple[int, bytes, float]:
    """POST the form; its status, its body and the milliseconds to the last byte."""
    # The CSRF cookie is Secure in production; over plain HTTP on loopback a cookie jar would
    # not send it back, so the client keeps its cookies itself, as a browser behind TLS does.
    content, content_type = body
    started = time.perf_counter()
    async with http.post(
        base + FORM_PATH,
        data=content,
        headers={
            "Content-Type": content_type,
            "Cookie": _cookie_header(cookies),
            "Origin": base,
            "Referer": base + FORM_PATH,
        },
    ) as response:
        text = await response.read()
    return response.status, text, (time.perf_counter() - started) * 1000


async def _client(
    index: int, base: str, choices: Choices, slots: _Slots, run: Run, resend_every: int
) -> None:
    random = Random(index)  # noqa: S311 - varied test data, not security
    cookies = {"django_language": "en"} if index % 2 else {}
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=2),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=60),
    )
    async with session as http:
        while (number := await slots.take()) is not None:
            try:
                started = time.perf_counter()
                async with http.get(
                    base + FORM_PATH, headers={"Cookie": _cookie_header(cookies)}
                ) as page:
                    page_text = await page.read()
                run.get_ms.append((time.perf_counter() - started) * 1000)
                if page.status != 200:
                    run.failures[f"form GET {page.status}"] += 1
                    continue
                for set_cookie in page.headers.getall("Set-Cookie", ()):
                    if found := _CSRF_COOKIE.match(set_cookie):
                        cookies["csrftoken"] = found.group(1)
                csrf, token = _CSRF_INPUT.search(page_text), _FORM_TOKEN.search(page_text)
                if csrf is None or token is None or "csrftoken" not in cookies:
                    run.failures["form without CSRF token or form token"] += 1
                    continue
                form_token = token.group(1).decode()
                data = multipart_body(
                    {
                        **form_fields(number, choices, random),
                        "csrfmiddlewaretoken": csrf.group(1).decode(),
                        "form_token": form_token,
                    }
                )
                status, text, elapsed = await _post(http, base, cookies, data)
                run.post_ms.append(elapsed)
                number_shown = _TRACKING.search(text)
                code_shown = _ACCESS_CODE.search(text)
                if status != 200 or number_shown is None or code_shown is None:
                    run.failures[f"POST {status} without confirmation"] += 1
                    continue
                run.filed.append(
                    Filed(form_token, number_shown.group(1).decode(), code_shown.group(1).decode())
                )
                if resend_every and number % resend_every == 0:
                    # Sent again: once after the first answer, and twice at the same moment.
                    again = [await _post(http, base, cookies, data)]
                    if number % (resend_every * 2) == 0:
                        again += await asyncio.gather(
                            _post(http, base, cookies, data), _post(http, base, cookies, data)
                        )
                    shown = []
                    for again_status, again_text, _elapsed in again:
                        match = _TRACKING.search(again_text)
                        shown.append(match.group(1).decode() if match else f"HTTP {again_status}")
                    run.resent.append((form_token, number_shown.group(1).decode(), shown))
            except (aiohttp.ClientError, TimeoutError) as error:
                run.failures[type(error).__name__] += 1


async def _load(
    base: str, choices: Choices, run: Run, first: int, count: int, clients: int, rate: float
) -> None:
    slots = _Slots(first, count, rate)
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(index, base, choices, slots, run, 50) for index in range(clients))
    )
    run.seconds = time.perf_counter() - started


def load(
    base: str,
    choices: Choices,
    label: str,
    first: int,
    count: int,
    clients: int,
    rate: float,
    meter: CpuMeter | None = None,
) -> Run:
    run = Run(label)
    before = meter.read() if meter else {}
    asyncio.run(_load(base, choices, run, first, count, clients, rate))
    run.cpu = CpuMeter.spent(before, meter.read() if meter else {})
    return run


# ---------------------------------------------------------------------------------------------
# The check in the database


@dataclass
class Check:
    confirmed: int
    found: int
    lost: list[str]
    wrong_number: list[str]
    duplicate_numbers: int
    without_one_received_step: int
    resent: int
    resent_answered_otherwise: list[tuple[str, str, list[str]]]
    resent_rows_beyond_one: int


def database_check(runs: list[Run]) -> Check:
    """Every confirmed submission is in the database exactly once, under the number shown."""
    filed = [item for run in runs for item in run.filed]
    resent = [item for run in runs for item in run.resent]
    shown = {item.form_token: item.tracking_number for item in filed}
    stored: dict[str, list[str]] = {}
    tokens = list(shown)
    for start in range(0, len(tokens), 1000):
        rows = Complaint.objects.filter(idempotency_key__in=tokens[start : start + 1000])
        for token, number in rows.values_list("idempotency_key", "tracking_number"):
            stored.setdefault(token, []).append(number)
    lost = [token for token in shown if token not in stored]
    wrong = [token for token, numbers in stored.items() if numbers != [shown[token]]]
    numbers = [item.tracking_number for item in filed]
    steps = (
        Complaint.objects.filter(tracking_number__in=numbers)
        .annotate(
            received_steps=Count("events", filter=Q(events__kind=ComplaintEvent.Kind.RECEIVED))
        )
        .exclude(received_steps=1)
        .count()
        if numbers
        else 0
    )
    resent_tokens = [token for token, _number, _again in resent]
    beyond_one = sum(
        row["rows"] - 1
        for row in Complaint.objects.filter(idempotency_key__in=resent_tokens)
        .values("idempotency_key")
        .annotate(rows=Count("pk"))
    )
    return Check(
        confirmed=len(filed),
        found=sum(len(numbers) for numbers in stored.values()),
        lost=lost,
        wrong_number=wrong,
        duplicate_numbers=len(numbers) - len(set(numbers)),
        without_one_received_step=steps,
        resent=len(resent),
        resent_answered_otherwise=[
            item for item in resent if any(number != item[1] for number in item[2])
        ],
        resent_rows_beyond_one=beyond_one,
    )


def unsent_confirmations_drop(since) -> int:
    """Delete the confirmation e-mails enqueued since `since` that no worker has taken."""
    waiting = DBTaskResult.objects.filter(
        task_path=send_confirmation.module_path,
        status=TaskResultStatus.READY,
        enqueued_at__gte=since,
    )
    return waiting.delete()[0]


# ---------------------------------------------------------------------------------------------
# Receipts


def receipt_times(numbers: list[str], rounds: int) -> dict[str, tuple[float, float, int]]:
    """p50 and p95 (ms) and the size of the last PDF, per language, over `rounds` renders of
    the receipts of the complaints filed (after one warm-up render per language)."""
    complaints = list(
        Complaint.objects.select_related(
            "category", "routed_authority", "subject_organisation", "subject_authority"
        ).filter(tracking_number__in=numbers[: max(rounds, 1)])
    )
    if not complaints:
        raise RuntimeError("No complaint was filed, so no receipt can be rendered.")
    for logger in ("weasyprint", "fontTools"):  # their INFO lines would bury the figures
        logging.getLogger(logger).setLevel(logging.WARNING)
    results = {}
    for language in RECEIPT_LANGUAGES:
        complaint_receipt_render(complaint=complaints[0], language=language)
        times, size = [], 0
        for round_ in range(rounds):
            started = time.perf_counter()
            pdf = complaint_receipt_render(
                complaint=complaints[round_ % len(complaints)], language=language
            )
            times.append((time.perf_counter() - started) * 1000)
            size = len(pdf)
        results[language] = (percentile(times, 0.5), percentile(times, 0.95), size)
    return results


# ---------------------------------------------------------------------------------------------
# A profile of one submission, in this process


def profile(submissions: int, say: Callable[[str], None]) -> None:
    """cProfile over `submissions` submissions through Django's test client (the form's GET and
    the POST, captcha off, rate limit raised), then the 30 costliest functions by own time and
    by cumulative time. The complaints stay in the database like the others."""
    from django.test import Client, override_settings

    random = Random(1)  # noqa: S311
    with override_settings(
        COMPLAINT_CAPTCHA="none",
        COMPLAINT_RATES={"submit": "1000000000/h", "track": "1000000000/h"},
        ALLOWED_HOSTS=["testserver"],
    ):
        browser = Client()
        page = browser.get(FORM_PATH).content.decode()
        choices = Choices(
            _options(page, "category"),
            _options(page, "subject_region"),
            list(Organisation.objects.order_by("pk").values_list("uscc", flat=True)[:500]),
        )

        split: dict[str, list[float]] = {"GET": [], "POST": []}

        def submit(number: int) -> None:
            started = time.perf_counter()
            html = browser.get(FORM_PATH).content
            split["GET"].append((time.perf_counter() - started) * 1000)
            data = {**form_fields(number, choices, random)}
            data["form_token"] = _FORM_TOKEN.search(html).group(1).decode()
            started = time.perf_counter()
            response = browser.post(FORM_PATH, data)
            split["POST"].append((time.perf_counter() - started) * 1000)
            if _TRACKING.search(response.content) is None:
                raise RuntimeError(f"Submission refused ({response.status_code}).")

        submit(10**8)  # warm-up: imports, templates
        for number in range(submissions):  # without the profiler first
            submit(10**8 + 10**6 + number)
        say(
            f"Without the profiler, in this process: form GET p50 "
            f"{percentile(split['GET'][1:], 0.5):.1f} ms, POST p50 "
            f"{percentile(split['POST'][1:], 0.5):.1f} ms (load average "
            f"{os.getloadavg()[0]:.2f})"
        )
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for number in range(submissions):
            submit(10**8 + 1 + number)
        profiler.disable()
        elapsed = time.perf_counter() - started
    say(
        f"\nProfile: {submissions} submissions (GET + POST) in this process, "
        f"{elapsed / submissions * 1000:.1f} ms each under the profiler"
    )
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(30)
        say(out.getvalue())


# ---------------------------------------------------------------------------------------------
# The report


def _latency_row(label: str, values: list[float]) -> str:
    if not values:
        return f"{label:<34} {'-':>8} {'-':>8} {'-':>8}"
    return (
        f"{label:<34} {percentile(values, 0.5):8.1f} {percentile(values, 0.95):8.1f} "
        f"{percentile(values, 0.99):8.1f}"
    )


def run(
    *,
    submissions: int,
    clients: int,
    paced_submissions: int,
    rate: float,
    warmup: int,
    receipt_rounds: int,
    workers: int,
    threads: int,
    say: Callable[[str], None],
) -> bool:
    """Run the benchmark and print its figures; True when nothing was lost or doubled."""
    if not Authority.objects.filter(live=True).exists():
        raise RuntimeError("No live authority: load the demo data first (load_demo_data).")
    database = settings.DATABASES["default"]
    say(f"Database: {connection.vendor} {database['NAME']}")
    say(f"granian: {workers} workers × {threads} threads, production settings")
    load_average = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    say(
        f"Machine: {os.cpu_count()} logical cores, load average {load_average} at the start; "
        f"{interpreter()}, aiohttp {aiohttp.__version__} on the same machine"
    )
    before = Complaint.objects.count()
    started = timezone.now()
    with static_files() as static_root, web_server(static_root, workers, threads) as server:
        base, server_pid = server
        meter = CpuMeter(server_pid)
        choices = choices_read(base)
        say(
            f"Form: {len(choices.categories)} categories, {len(choices.regions)} cities, "
            f"{len(choices.usccs)} organisations to name"
        )
        runs = []
        if warmup:
            runs.append(load(base, choices, "warm-up", 0, warmup, clients, 0))
        saturation = load(base, choices, "saturation", warmup, submissions, clients, 0, meter)
        runs.append(saturation)
        if paced_submissions and rate:
            first = warmup + submissions
            runs.append(
                load(
                    base,
                    choices,
                    f"paced {rate:g}/s",
                    first,
                    paced_submissions,
                    clients,
                    rate,
                    meter,
                )
            )
    say(f"\n{clients} clients; each submission = GET the form + POST it, like a browser")
    say(
        f"{'run':<16} {'filed':>7} {'seconds':>8} {'filed/s':>8} {'failed':>7}  "
        f"{'POST p50':>8} {'p95':>7} {'p99':>7}  {'GET p95':>7}"
    )
    for item in runs[1:] if warmup else runs:
        post = item.post_ms or [0.0]
        say(
            f"{item.label:<16} {len(item.filed):7d} {item.seconds:8.1f} "
            f"{len(item.filed) / item.seconds:8.1f} {sum(item.failures.values()):7d}  "
            f"{percentile(post, 0.5):8.1f} {percentile(post, 0.95):7.1f} "
            f"{percentile(post, 0.99):7.1f}  {percentile(item.get_ms or [0.0], 0.95):7.1f}"
        )
        for reason, count in item.failures.most_common():
            say(f"    {count} × {reason}")
    say("(latency in ms, from sending the request to the last byte of the answer)")
    measured = [item for item in runs if item.cpu and item.filed]
    if measured:
        say(f"\nCPU per submission, ms ({os.cpu_count()} cores give {os.cpu_count()} s a second)")
        say(f"{'run':<16} {'server':>7} {'database':>9} {'clients':>8} {'other':>7} {'machine':>8}")
        for item in measured:
            per = {name: 1000 * value / len(item.filed) for name, value in item.cpu.items()}
            say(
                f"{item.label:<16} {per['server']:7.1f} {per['database']:9.1f} "
                f"{per['clients']:8.1f} {per['other']:7.1f} {per['machine']:8.1f}"
            )

    check = database_check(runs)
    after = Complaint.objects.count()
    say("\nIn the database, over every run including the warm-up")
    say(f"  confirmations shown            {check.confirmed}")
    say(f"  complaints found for them      {check.found}  (table grew by {after - before})")
    say(f"  lost                           {len(check.lost)}")
    say(f"  under another number           {len(check.wrong_number)}")
    say(f"  duplicate tracking numbers     {check.duplicate_numbers}")
    say(f"  without exactly one 'received' {check.without_one_received_step}")
    say(f"  forms sent again (same token)  {check.resent}")
    say(f"    answered with another number {len(check.resent_answered_otherwise)}")
    say(f"    second complaints created    {check.resent_rows_beyond_one}")
    for token, number, again in check.resent_answered_otherwise[:5]:
        say(f"    e.g. {token}: {number} first, then {', '.join(again)}")
    dropped = unsent_confirmations_drop(started)
    say(f"  confirmation e-mails dropped   {dropped}  (waiting tasks; nobody to mail)")

    numbers = [item.tracking_number for run_ in runs for item in run_.filed]
    if receipt_rounds and numbers:
        say(f"\nPDF receipt (WeasyPrint, in this process), {receipt_rounds} renders per language")
        say(f"{'language':<10} {'p50 ms':>8} {'p95 ms':>8} {'KiB':>6}")
        for language, (p50, p95, size) in receipt_times(numbers, receipt_rounds).items():
            say(f"{language:<10} {p50:8.1f} {p95:8.1f} {size / 1024:6.0f}")
    return not (
        check.lost
        or check.wrong_number
        or check.duplicate_numbers
        or check.without_one_received_step
        or check.resent_answered_otherwise
        or check.resent_rows_beyond_one
    )
