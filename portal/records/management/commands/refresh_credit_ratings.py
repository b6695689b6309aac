"""Recompute every organisation's credit rating for today: `manage.py refresh_credit_ratings`."""

import datetime

from django.core.management.base import BaseCommand, CommandParser

from portal.records.services import ratings_refresh_all


class Command(BaseCommand):
    help = (
        "Recompute credit ratings on a date (default today), for the nightly run: events enter "
        "and leave the public record as time passes. Saves only the organisations whose rating "
        "or public events changed since the previous day, so the search index follows them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            help="last run's date (default: the day before --on); window changes after it count",
        )
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, on=None, since=None, chunk_size=2000, **options) -> None:
        counts = ratings_refresh_all(on=on, since=since, chunk_size=chunk_size)
        self.stdout.write(
            f"checked {counts.checked}, rating changed {counts.changed}, "
            f"public events changed {counts.window_changed}"
        )
