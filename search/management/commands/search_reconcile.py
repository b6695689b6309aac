"""`manage.py search_reconcile [--repair]`: report, and optionally repair, index drift."""

from django.core.management.base import BaseCommand, CommandError

from search.client import SearchUnavailable
from search.reconcile import drift_find, drift_repair

SHOWN = 10


class Command(BaseCommand):
    help = (
        "Compare every organisation in the database with its search document and report those "
        "missing from the index, stale, or left over; --repair fixes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="fix what differs")

    def handle(self, *args, repair: bool, **options):
        try:
            drift = drift_find()
            self.stdout.write(
                f"Checked {drift.checked}: {len(drift.missing)} missing, "
                f"{len(drift.stale)} stale, {len(drift.extra)} extra."
            )
            for label, codes in (
                ("missing", drift.missing),
                ("stale", drift.stale),
                ("extra", drift.extra),
            ):
                if codes:
                    more = f" (+{len(codes) - SHOWN} more)" if len(codes) > SHOWN else ""
                    self.stdout.write(f"  {label}: {' '.join(codes[:SHOWN])}{more}")
            if repair and not drift.clean:
                drift_repair(drift)
                self.stdout.write("Repaired.")
        except SearchUnavailable as error:
            raise CommandError(
                "Elasticsearch is not reachable at ELASTICSEARCH_URL; start it with "
                "`manage.py search_node start`."
            ) from error
        if not drift.clean and not repair:
            raise CommandError("The index differs from the database; run with --repair.")
