"""`manage.py page_benchmark`: page render times and anonymous requests per second."""

from django.core.management.base import BaseCommand, CommandParser

from cms import benchmark


class Command(BaseCommand):
    help = (
        "Measure the public pages against the production web server: uncached render "
        "p50/p95 per page type, and anonymous requests/s with wrk, without and with the page cache."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", type=int, default=100, help="requests per page, uncached")
        parser.add_argument("--connections", type=int, default=16, help="wrk connections")
        parser.add_argument("--seconds", type=int, default=20, help="wrk duration per run")
        parser.add_argument(
            "--web-workers", type=int, default=2, help="granian worker processes (2)"
        )
        parser.add_argument(
            "--web-threads", type=int, default=4, help="application threads per worker (4)"
        )
        parser.add_argument(
            "--cache-seconds", type=int, default=300, help="PAGE_CACHE_SECONDS of the cached run"
        )

    def handle(self, *args, **options) -> None:
        benchmark.run(
            rounds=options["rounds"],
            connections=options["connections"],
            seconds=options["seconds"],
            workers=options["web_workers"],
            threads=options["web_threads"],
            cache_seconds=options["cache_seconds"],
            say=self.stdout.write,
        )
