"""Load demo authorities and organisations: `manage.py load_demo_data --organisations 100000`."""

import argparse

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from portal.records.demo import DemoDataInUse, demo_data_clear, demo_data_load
from portal.records.models import Organisation


class Command(BaseCommand):
    help = (
        "Add demo authorities and organisations (employers and agencies) that look like real "
        "registrations, with public credit events for some (--no-events: none). The same seed "
        "and size always give the same data (events: on the same day). Model signals do not "
        "fire: rebuild the search index afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisations", type=int, default=2000, metavar="N")
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument(
            "--agency-share", type=float, default=0.08, help="share of agencies (default 0.08)"
        )
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="rows per transaction (default 5000)"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when organisations exist (for `make run`)",
        )
        parser.add_argument("--clear", action="store_true", help="delete every organisation first")
        parser.add_argument(
            "--events",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="also add public credit events and statements to some organisations (default)",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("Organisations exist already; no demo data loaded.")
            return
        if options["clear"]:
            try:
                deleted = demo_data_clear()
            except DemoDataInUse as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Deleted {deleted} rows.")
        with tqdm(
            total=options["organisations"],
            unit=" organisations",
            unit_scale=True,
            disable=options["verbosity"] == 0,
        ) as bar:  # tqdm writes to stderr
            summary = demo_data_load(
                organisations=options["organisations"],
                seed=options["seed"],
                agency_share=options["agency_share"],
                batch_size=options["batch_size"],
                progress=bar.update,
                events=options["events"],
            )
        self.stdout.write(self.style.SUCCESS(f"Loaded {summary}."))
        self.stdout.write(
            "The bulk insert does not update the search index: "
            "run `manage.py search_index rebuild` next."
        )
