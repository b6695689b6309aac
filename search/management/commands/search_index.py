"""`manage.py search_index ensure|rebuild`: create the index, or rebuild it behind its alias."""

import time

from django.core.management.base import BaseCommand, CommandError
from elasticsearch import TransportError
from tqdm import tqdm

from portal.records.models import Organisation
from search.client import SearchUnavailable
from search.indexing import (
    alias_name,
    index_document_count,
    index_ensure,
    index_rebuild,
    index_schema_is_current,
)


class Command(BaseCommand):
    help = (
        "ensure: create the organisation index, and fill it when it holds fewer documents than "
        "the database (as after a bulk load); rebuild: rebuild it with no downtime."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["ensure", "rebuild"])
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="processes that build and send documents (default 1; about one per core)",
        )

    def handle(self, *args, action: str, no_progress: bool, workers: int, **options):
        try:
            total = Organisation.objects.count()
            if action == "ensure":
                index_ensure()
                if not index_schema_is_current():
                    self.stdout.write("The index was built by older code: rebuilding it.")
                elif index_document_count() >= total:
                    self.stdout.write(f"Index {alias_name()} is ready ({total} organisations).")
                    return
            started = time.monotonic()
            with tqdm(
                total=total, unit="doc", disable=no_progress, desc="Indexing organisations"
            ) as bar:
                index, count = index_rebuild(progress=bar.update, workers=max(1, workers))
        except (SearchUnavailable, TransportError) as error:
            raise CommandError(
                "Elasticsearch is not reachable at ELASTICSEARCH_URL; start it with "
                "`manage.py search_node start` or point ELASTICSEARCH_URL at a running cluster."
            ) from error
        seconds = time.monotonic() - started
        rate = count / seconds if seconds else 0
        self.stdout.write(
            f"Indexed {count} organisations into {index} in {seconds:.1f} s ({rate:,.0f} docs/s); "
            f"alias {alias_name()} now points to it."
        )
