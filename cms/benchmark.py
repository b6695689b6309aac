"""The page benchmark: how fast the public pages render, and how many anonymous requests per second
the site serves with its page cache, against the production web server (granian, production
settings).

It measures the database the command runs against (the portal's own after `make run`, or any
other with demo data and demo content) and prints:

- the uncached render time of each page type, p50 and p95 over `rounds` requests at concurrency
  1 (PAGE_CACHE_SECONDS=0 in the web processes; the time is the client's, from request to last
  byte over a kept-alive connection);
- requests per second and wrk's latency percentiles over all those pages, anonymous, at
  `connections` concurrent connections, without and with the page cache (cms/page_cache.py);
- the machine's cores and load average.

wrk (Debian package `wrk`) generates the load: a C program, so the load generator does not eat
the time it measures as a Python one would on two cores.
"""

import os
import re
import shutil
import subprocess  # noqa: S404 - runs collectstatic and wrk, our own commands
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from wagtail.models import Page

from portal.env import BASE_DIR
from portal.web_server import interpreter
from portal.web_server import web_server as production_server
from search.benchmark import child_environment, http_get, percentile


@dataclass(frozen=True)
class Target:
    kind: str
    path: str


def targets() -> list[Target]:
    """One live page of each type in each language, and the authority index."""
    found: list[Target] = []
    seen: set[tuple[str, str]] = set()
    pages = Page.objects.live().public().filter(depth__gt=1).specific().order_by("path")
    for page in pages:
        kind = (type(page).__name__, page.locale.language_code)
        if kind in seen:
            continue
        url = page.get_url()
        if not url or url.startswith("http"):
            continue
        seen.add(kind)
        found.append(Target(f"{kind[0]} ({kind[1]})", url))
    found.append(Target("authority index", "/authorities/"))
    return found


def _static_root() -> Path:
    """Production settings serve hashed static files: collect them once into a scratch folder."""
    root = Path(tempfile.mkdtemp(prefix="page-benchmark-static-"))
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=BASE_DIR,
        env={**child_environment(), "DJANGO_STATIC_ROOT": str(root)},
        check=True,
    )
    return root


@contextmanager
def web_server(
    static_root: Path, cache_seconds: int, workers: int, threads: int
) -> Iterator[tuple[str, int]]:
    """The production web server (portal/web_server.py) on a free port; yields (host, port)."""
    environment = {
        **child_environment(),
        "DJANGO_STATIC_ROOT": str(static_root),
        "PAGE_CACHE_SECONDS": str(cache_seconds),
    }
    with production_server(
        environment, workers=workers, threads=threads, ready_path="/healthz"
    ) as server:
        yield server.host, server.port


@dataclass
class RenderTimes:
    target: Target
    p50_ms: float
    p95_ms: float
    bytes: int


def render_times(host: str, port: int, pages: list[Target], rounds: int) -> list[RenderTimes]:
    results = []
    for target in pages:
        status, body, _ = http_get(host, port, target.path)  # warm-up: imports, templates
        if status != 200:
            raise RuntimeError(f"{target.path} answered {status}")
        times = [http_get(host, port, target.path)[2] * 1000 for _ in range(rounds)]
        results.append(
            RenderTimes(target, percentile(times, 0.5), percentile(times, 0.95), len(body))
        )
    return results


@dataclass
class Load:
    requests_per_second: float
    latency: dict[str, str]
    errors: str


WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def wrk_load(host: str, port: int, pages: list[Target], connections: int, seconds: int) -> Load:
    paths = ", ".join(f'"{target.path}"' for target in pages)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % paths)
    try:
        output = subprocess.run(  # noqa: S603
            [
                shutil.which("wrk") or "wrk",
                "--threads=2",
                f"--connections={connections}",
                f"--duration={seconds}s",
                "--latency",
                f"--script={script.name}",
                f"http://{host}:{port}/",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.+)", output)
    problems = ", ".join(
        part
        for part in (
            f"{errors.group(1)} non-2xx/3xx" if errors else "",
            socket_errors.group(1) if socket_errors else "",
        )
        if part
    )
    return Load(rate, latency, problems or "none")


def run(
    *,
    rounds: int,
    connections: int,
    seconds: int,
    workers: int,
    threads: int,
    cache_seconds: int,
    say: Callable[[str], None],
) -> None:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: apt-get install wrk")
    pages = targets()
    if len(pages) < 5:
        raise RuntimeError(
            "Too few pages to measure: load the demo content first "
            "(manage.py load_demo_data, manage.py load_demo_content)."
        )
    database = settings.DATABASES["default"]
    say(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}")
    say(f"granian: {workers} workers × {threads} threads, production settings")
    load_average = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    say(
        f"Machine: {os.cpu_count()} logical cores, load average {load_average} at the start; "
        f"{interpreter()}"
    )
    static_root = _static_root()
    try:
        with web_server(static_root, 0, workers, threads) as (host, port):
            say(f"\nUncached render, concurrency 1, {rounds} requests per page after a warm-up")
            say(f"{'page':<44} {'p50 ms':>8} {'p95 ms':>8} {'KiB':>6}")
            times = render_times(host, port, pages, rounds)
            for row in times:
                say(
                    f"{row.target.kind:<44} {row.p50_ms:8.1f} {row.p95_ms:8.1f} "
                    f"{row.bytes / 1024:6.0f}"
                )
            everything = sorted(row.p95_ms for row in times)
            say(f"{'worst page p95':<44} {'':>8} {everything[-1]:8.1f}")
            uncached = wrk_load(host, port, pages, connections, seconds)
        with web_server(static_root, cache_seconds, workers, threads) as (host, port):
            cached = wrk_load(host, port, pages, connections, seconds)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    say(
        f"\nAnonymous load with wrk: {len(pages)} pages in turn, {connections} connections, "
        f"{seconds} s"
    )
    say(f"{'':<24} {'requests/s':>11} {'p50':>9} {'p90':>9} {'p99':>9}  errors")
    for label, load in (("without page cache", uncached), ("with page cache", cached)):
        say(
            f"{label:<24} {load.requests_per_second:11.0f} {load.latency.get('50', '-'):>9} "
            f"{load.latency.get('90', '-'):>9} {load.latency.get('99', '-'):>9}  {load.errors}"
        )
