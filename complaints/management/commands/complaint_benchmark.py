"""`manage.py complaint_benchmark`: complaints filed per second through the real form, their
latency, nothing lost or doubled, and the PDF receipt's render time. See complaints/benchmark.py."""

import signal
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints import benchmark


class Command(BaseCommand):
    help = (
        "File complaints through the form of the production web server (50 browser-like "
        "clients: GET the form, POST it): submissions/s and latency p50/p95/p99 at saturation "
        "and at a paced rate; then check in the database that every confirmed submission is "
        "there exactly once; and time the PDF receipt in both languages. Adds complaints to the "
        "database: run it on a database of its own (scripts/complaint_benchmark.sh). Exit "
        "status 1 when anything was lost or doubled."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--submissions", type=int, default=5000, help="saturation run (default 5000)"
        )
        parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
        parser.add_argument(
            "--rate", type=float, default=100, help="submissions/s offered in the paced run"
        )
        parser.add_argument(
            "--paced-submissions",
            type=int,
            default=3000,
            help="submissions of the paced run (0: no paced run)",
        )
        parser.add_argument("--warmup", type=int, default=200, help="submissions not measured")
        parser.add_argument(
            "--receipt-rounds", type=int, default=50, help="receipt renders per language"
        )
        parser.add_argument(
            "--web-workers", type=int, default=2, help="granian worker processes (2)"
        )
        parser.add_argument(
            "--web-threads", type=int, default=4, help="application threads per worker (4)"
        )
        parser.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="N",
            help="instead: profile N submissions in this process with cProfile",
        )

    def handle(self, *args, **options) -> None:
        # Stopped with SIGTERM (a timeout, a supervisor): unwind, so the web server is stopped too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        if options["profile"]:
            benchmark.profile(options["profile"], self.stdout.write)
            return
        try:
            clean = benchmark.run(
                submissions=options["submissions"],
                clients=options["clients"],
                paced_submissions=options["paced_submissions"],
                rate=options["rate"],
                warmup=options["warmup"],
                receipt_rounds=options["receipt_rounds"],
                workers=options["web_workers"],
                threads=options["web_threads"],
                say=self.stdout.write,
            )
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        if not clean:
            raise CommandError("Submissions were lost or doubled: see the check above.")
