"""Import organisations and credit events: `manage.py import_records FILE [--report FILE]`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from portal.records.importing import count_rows, detect_format, records_import, rejections_write


class Command(BaseCommand):
    help = (
        "Import organisations and credit events from a CSV or JSON Lines file (format: "
        "docs/import-format.md). Idempotent on USCC and event reference; each row all or nothing. "
        "Exits with status 1 if any row was rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=["csv", "jsonl"],
            help="default: from the suffix",
        )
        parser.add_argument("--report", type=Path, metavar="FILE", help="write rejects as CSV")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(
        self, *args, path: Path, file_format=None, report=None, no_progress=False, **options
    ):
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            file_format = file_format or detect_format(path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        with (
            path.open(encoding="utf-8-sig", newline="") as stream,
            tqdm(
                total=count_rows(path),
                unit="row",
                file=sys.stderr,
                disable=no_progress,
                desc=path.name,
            ) as bar,
        ):
            result = records_import(
                stream, file_format=file_format, source=f"import:{path.name}", progress=bar.update
            )
        for item in result.rejections:
            self.stderr.write(f"line {item.line}: {item.reason}")
        if report is not None:
            with report.open("w", encoding="utf-8", newline="") as stream:
                rejections_write(result.rejections, stream)
        self.stdout.write(result.summary())
        if result.rejected:
            raise CommandError(f"{result.rejected} row(s) rejected", returncode=1)
