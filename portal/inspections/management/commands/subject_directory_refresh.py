"""Bring the subject directory of one or every province up to date (nightly): organisations,
and the foreign workers kept privately with them."""

from django.core.management.base import BaseCommand, CommandError

from portal.core.models import Region
from portal.inspections import services


class Command(BaseCommand):
    help = (
        "Refresh the subject directory (entries, exits, risk classes) of provinces: "
        "organisations and, privately, foreign workers."
    )

    def add_arguments(self, parser):
        parser.add_argument("provinces", nargs="*", help="six-digit province codes (default: all)")

    def handle(self, *args, provinces: list[str], **options):
        regions = Region.objects.filter(level=Region.Level.PROVINCE, is_active=True)
        if provinces:
            regions = regions.filter(code__in=provinces)
            if regions.count() != len(set(provinces)):
                raise CommandError("Unknown province code.")
        for region in regions:
            counts = services.subject_directory_refresh(province=region)
            self.stdout.write(f"{region.code} {counts}")
