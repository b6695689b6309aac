"""Commit a draw of a plan: freeze and publish the snapshot, parameters and seed hash."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.inspections import services
from portal.inspections.models import InspectionPlan


class Command(BaseCommand):
    help = "Commit a draw of an inspection plan (services.draw_commit); prints the draw's id."

    def add_arguments(self, parser):
        parser.add_argument("plan", type=int, help="the plan's id")
        parser.add_argument("--on", type=datetime.date.fromisoformat, help="reference date")

    def handle(self, *args, plan: int, on=None, **options):
        found = InspectionPlan.objects.filter(pk=plan).first()
        if found is None:
            raise CommandError(f"No plan {plan}.")
        try:
            draw_row = services.draw_commit(plan=found, on=on)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"{draw_row.pk} {draw_row.commitment_sha256}")
