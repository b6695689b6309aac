"""`manage.py inspection_results_publish [--on DATE] [--dry-run]`: publish the approved
inspection results and the penalties whose statement window has passed
(portal.inspections.services.inspection_results_publish). Run it daily; a second run publishes
nothing twice."""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.inspections.services import inspection_results_publish


class Command(BaseCommand):
    help = (
        "Publish approved inspection results and penalties whose window for a statement or a "
        "hearing request ended before the day (today by default): their credit events go on "
        "the public record and the CMS drafts a result notice. Idempotent; run it daily. With "
        "--dry-run, list what would be published and change nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="the day of publication, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list what is due, change nothing"
        )

    def handle(self, *args, on: str | None = None, dry_run: bool = False, **options) -> None:
        try:
            day = datetime.date.fromisoformat(on) if on else None
        except ValueError as error:
            raise CommandError(f"--on: {error}") from error
        run = inspection_results_publish(on=day, dry_run=dry_run)
        verb = "would publish" if dry_run else "published"
        for pk in run.results:
            self.stdout.write(f"{verb} inspection result {pk}")
        for pk in run.enforcement_actions:
            self.stdout.write(f"{verb} enforcement action {pk}")
        self.stdout.write(
            f"{len(run.results)} results and {len(run.enforcement_actions)} penalties "
            f"{verb} on {run.on.isoformat()}."
        )
