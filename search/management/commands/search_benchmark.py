"""`manage.py search_benchmark`: load N organisations, rebuild the index, measure searches.

See search/benchmark.py for what is measured and README.md ("Benchmarks") for how to run it.
"""

import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from tqdm import tqdm

from complaints.models import Complaint
from portal.records.models import Organisation
from search import benchmark
from search.indexing import index_rebuild


class Command(BaseCommand):
    help = (
        "Benchmark the credit search: rebuild throughput, API latency at concurrency 1 and 8 next "
        "to Elasticsearch's took, the same queries on PostgreSQL with pg_trgm, and "
        "commit-to-searchable latency. Replaces the organisations in the database when it does "
        "not hold exactly N of them: run it on a database of its own (scripts/benchmark.sh)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=100_000, metavar="N")
        parser.add_argument("--seed", type=int, default=20261128)
        parser.add_argument(
            "--per-category", type=int, default=60, help="probes per query category (default 60)"
        )
        parser.add_argument("--deep-page", type=int, default=50, help="the deep page (default 50)")
        parser.add_argument("--commits", type=int, default=40, help="commit-to-searchable rounds")
        parser.add_argument(
            "--web-workers", type=int, default=2, help="granian worker processes (2)"
        )
        parser.add_argument(
            "--web-threads", type=int, default=4, help="application threads per worker (4)"
        )
        parser.add_argument(
            "--worker-interval",
            type=float,
            default=0.25,
            help="seconds the task worker waits between polls of an empty queue (as make run)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="allow replacing the organisations in this database with benchmark data "
            "(complaints naming them, the complaint benchmark's, are deleted too)",
        )
        parser.add_argument("--skip-rebuild", action="store_true")
        parser.add_argument(
            "--rebuild-workers", type=int, default=os.cpu_count() or 1, help="default: one per core"
        )

    def handle(self, *args, **options):
        count = options["organisations"]
        existing = Organisation.objects.count()
        if existing != count:
            if existing and not options["replace"]:
                raise CommandError(
                    f"The database holds {existing:,} organisations, not {count:,}. The benchmark "
                    "replaces them: pass --replace, on a database of its own."
                )
            self.section(f"Loading {count:,} organisations (seed {options['seed']})")
            if existing:
                # The complaint benchmark, on the same database, files complaints against these
                # organisations; a complaint is never deleted with the organisation it names.
                filed, _ = Complaint.objects.filter(subject_organisation__isnull=False).delete()
                if filed:
                    self.stdout.write(f"Deleted {filed:,} rows of complaints naming them.")
            call_command(
                "load_demo_data",
                organisations=count,
                seed=options["seed"],
                clear=bool(existing),
                verbosity=1,
            )
        call_command("createcachetable", verbosity=0)
        rows: list[tuple[str, str, str]] = []

        rebuild_started = None
        if not options["skip_rebuild"]:
            rebuild_started = timezone.now()
            self.section("Rebuilding the index")
            started = time.monotonic()
            with tqdm(total=count, unit="doc", desc="Indexing") as bar:
                _, indexed = index_rebuild(progress=bar.update, workers=options["rebuild_workers"])
            seconds = time.monotonic() - started
            rate = indexed / seconds
            rows.append(("Rebuild", f"{indexed:,} docs in {seconds:.1f} s", f"{rate:,.0f} docs/s"))
            self.stdout.write(f"{rate:,.0f} docs/s (target ≥ 8,000)")

        probes = benchmark.query_mix(options["seed"], options["per_category"])
        table: dict[str, dict[str, tuple[float, float]]] = {}
        with benchmark.web_server(options["web_workers"], options["web_threads"]) as base:
            probes += benchmark.deep_pages(
                base, options["deep_page"], options["per_category"], options["seed"]
            )
            self.section(f"Query mix: {len(probes)} searches through the API ({base})")
            benchmark.run_http(base, probes[:50], 2)  # warm caches and connections
            for concurrency in (1, 8):
                started = time.monotonic()
                samples = benchmark.run_http(base, probes, concurrency)
                elapsed = time.monotonic() - started
                table[f"Elasticsearch, c={concurrency}"] = self.report(
                    samples, elapsed, with_took=True
                )

        self.section("The same searches straight to Elasticsearch, over its own HTTP (c=1)")
        started = time.monotonic()
        direct = benchmark.run_direct(probes)
        table["direct"] = self.report(direct, time.monotonic() - started, with_took=True)

        trgm_ok = connection.vendor == "postgresql"
        if trgm_ok:
            self.section("The same mix on PostgreSQL with pg_trgm (a search table, GIN indexes)")
            with tqdm(total=count, unit="row", desc="Building the trigram table") as bar:
                benchmark.trgm_prepare(progress=bar.update)
            benchmark.run_trgm(probes[:50], 2)
            for concurrency in (1, 8):
                started = time.monotonic()
                samples = benchmark.run_trgm(probes, concurrency)
                elapsed = time.monotonic() - started
                table[f"pg_trgm, c={concurrency}"] = self.report(samples, elapsed, with_took=False)
        else:
            self.stdout.write("pg_trgm comparison skipped: it needs DATABASE_URL on PostgreSQL.")

        self.section(f"Commit to searchable ({options['commits']} changes, task worker running)")
        if rebuild_started:
            dropped = benchmark.superseded_syncs_drop(rebuild_started)
            if dropped:
                self.stdout.write(f"Dropped {dropped:,} queued syncs that the rebuild superseded.")
        with benchmark.task_worker(options["worker_interval"]):
            latencies = benchmark.commit_to_searchable(options["commits"], options["seed"])
        p50, p95 = benchmark.percentile(latencies, 0.5), benchmark.percentile(latencies, 0.95)
        rows.append(("Commit to searchable", f"p50 {p50:.2f} s", f"p95 {p95:.2f} s (target ≤ 2 s)"))

        self.section("Summary")
        for name, (first, second) in (
            ("Elasticsearch took, c=1", table["Elasticsearch, c=1"]["took"]),
            ("API over HTTP, c=1", table["Elasticsearch, c=1"]["http"]),
            ("Elasticsearch took, c=8", table["Elasticsearch, c=8"]["took"]),
            ("API over HTTP, c=8", table["Elasticsearch, c=8"]["http"]),
        ):
            rows.append((name, f"p50 {first:.1f} ms", f"p95 {second:.1f} ms"))
        if trgm_ok:
            for concurrency in (1, 8):
                sql = table[f"pg_trgm, c={concurrency}"]["http"]
                took = table[f"Elasticsearch, c={concurrency}"]["took"]
                http = table[f"Elasticsearch, c={concurrency}"]["http"]
                rows.append(
                    (
                        f"pg_trgm SQL time, c={concurrency}",
                        f"p50 {sql[0]:.1f} ms ({sql[0] / max(took[0], 0.1):.1f}× took, "
                        f"{sql[0] / http[0]:.1f}× HTTP)",
                        f"p95 {sql[1]:.1f} ms ({sql[1] / max(took[1], 0.1):.1f}× took, "
                        f"{sql[1] / http[1]:.1f}× HTTP)",
                    )
                )
        direct = table["direct"]["http"]
        rows.append(
            (
                "Elasticsearch alone, c=1",
                f"p50 {direct[0]:.1f} ms  p95 {direct[1]:.1f} ms",
                "(the same searches over its own HTTP, no web code)",
            )
        )
        took, http = table["Elasticsearch, c=1"]["took"], table["Elasticsearch, c=1"]["http"]
        rows.append(
            (
                "Targets at 1M, c=1",
                f"HTTP p95 {http[1]:.1f} ms (≤ 25 ms)",
                f"HTTP p50 / took p50 = {http[0] / max(took[0], 0.1):.1f} (≤ 2)",
            )
        )
        for name, value in benchmark.machine_facts().rows:
            rows.append((name, value, ""))
        width = max(len(row[0]) for row in rows)
        for name, first, second in rows:
            self.stdout.write(f"{name:<{width}}  {first}  {second}".rstrip())

    def section(self, title: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"\n{title}"))

    def report(self, samples, elapsed: float, *, with_took: bool) -> dict[str, tuple[float, float]]:
        """Print per-category p50/p95; return the overall figures."""
        self.stdout.write(
            f"{'category':<16} {'n':>4}  "
            + ("took p50/p95 ms    " if with_took else "")
            + ("HTTP p50/p95 ms" if with_took else "SQL p50/p95 ms")
        )
        for category in benchmark.CATEGORIES:
            chosen = [sample for sample in samples if sample.category == category]
            if not chosen:
                continue
            took = benchmark.summarise(chosen, "took_ms")
            total = benchmark.summarise(chosen, "total_ms")
            self.stdout.write(
                f"{category:<16} {len(chosen):>4}  "
                + (f"{took[0]:>6.1f} / {took[1]:>6.1f}    " if with_took else "")
                + f"{total[0]:>6.1f} / {total[1]:>6.1f}"
            )
        self.stdout.write(
            f"{len(samples)} searches in {elapsed:.1f} s: {len(samples) / elapsed:.0f}/s"
        )
        return {
            "took": benchmark.summarise(samples, "took_ms"),
            "http": benchmark.summarise(samples, "total_ms"),
        }
