"""`manage.py inspection_tasks_open [--draw ID] [--dry-run]`: open the missing inspection tasks
of the drawn draws (portal.inspections.services.inspection_tasks_open). A draw opens its tasks
when it is made; draws made before the inspection results existed (migration 0003) have none.
Idempotent: a second run opens nothing."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.inspections import selectors, services
from portal.inspections.models import Draw


class Command(BaseCommand):
    help = (
        "Open the task (an inspection result with an empty record per item, for the assigned "
        "inspectors) of every inspection of a drawn draw that has none: every draw, or the one "
        "given with --draw. Each draw's tasks open in one transaction and are audited on the "
        "draw. Idempotent. With --dry-run, list what would be opened and change nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--draw", type=int, help="only this draw (its id)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list what is missing, change nothing"
        )

    def handle(self, *args, draw: int | None = None, dry_run: bool = False, **options) -> None:
        draws = selectors.draws_without_tasks()
        if draw is not None:
            found = Draw.objects.filter(pk=draw).first()
            if found is None:
                raise CommandError(f"No draw {draw}.")
            if found.status != Draw.Status.DRAWN:
                raise CommandError(f"Draw {draw} is not drawn yet: it has no inspections.")
            draws = draws.filter(pk=draw)
        verb = "would open" if dry_run else "opened"
        tasks = 0
        for draw_row in draws:
            if dry_run:
                count = draw_row.inspections_without_task
            else:
                count = services.inspection_tasks_open(draw_row=draw_row)
            tasks += count
            self.stdout.write(f"draw {draw_row.pk} ({draw_row.plan}): {verb} {count} tasks")
        self.stdout.write(f"{tasks} tasks {verb} in {len(draws)} draws.")
