"""Make a committed draw: reveal its seed and publish the result."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.inspections import services
from portal.inspections.models import Draw


class Command(BaseCommand):
    help = "Make a committed draw (services.draw_reveal); prints the SHA-256 of the result."

    def add_arguments(self, parser):
        parser.add_argument("draw", type=int, help="the draw's id")

    def handle(self, *args, draw: int, **options):
        found = Draw.objects.filter(pk=draw).first()
        if found is None:
            raise CommandError(f"No draw {draw}.")
        try:
            found = services.draw_reveal(draw_row=found)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"{found.pk} {found.result_sha256}")
