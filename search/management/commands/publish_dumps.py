"""`manage.py publish_dumps [--keep N]`: write tonight's full dumps of the public record."""

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from portal.records.selectors import (
    credit_events_public,
    organisations_with_regions,
    statements_public,
)
from search.dumps import DumpsError, dumps_directory, dumps_publish


class Command(BaseCommand):
    help = (
        "Write full dumps of the public credit record (organisations, public events, published "
        "statements) as gzip-compressed CSV and JSON Lines into PUBLIC_DUMPS_DIR, with a "
        "manifest of row counts, sizes and SHA-256; keep the newest PUBLIC_DUMPS_KEEP runs. "
        "Run it nightly; /data/ offers the latest run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep", type=int, help="runs to keep (default PUBLIC_DUMPS_KEEP)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, keep=None, no_progress=False, **options) -> None:
        on = timezone.localdate()
        # The bar's total is a count taken just before the run: close enough for a progress bar.
        total = 0
        if not no_progress:
            total = (
                organisations_with_regions().count()
                + credit_events_public(on=on).count()
                + statements_public(on=on).count()
            )
        with tqdm(
            total=total, unit="row", file=sys.stderr, disable=no_progress, desc="Public dumps"
        ) as bar:
            try:
                manifest = dumps_publish(keep=keep, progress=bar.update)
            except DumpsError as error:
                raise CommandError(str(error)) from error
        rows = ", ".join(f"{name} {data['rows']}" for name, data in manifest["datasets"].items())
        size = sum(item["bytes"] for item in manifest["files"])
        self.stdout.write(
            f"Published run {manifest['run']} in {dumps_directory()}: {rows} rows; "
            f"{size:,} bytes in {len(manifest['files'])} files."
        )
