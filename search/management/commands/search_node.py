"""`manage.py search_node start|stop|status`: the local single-node Elasticsearch.

All the work is in `search.node`; this only parses the action and prints the outcome.
"""

from django.core.management.base import BaseCommand, CommandError

from search import node


class Command(BaseCommand):
    help = (
        "Start, stop or report on the local single-node Elasticsearch that ELASTICSEARCH_URL "
        "points at (development and tests; not needed when it points at a real cluster)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status"])
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            help="Seconds to wait for the node to become healthy (start, default 120) or to "
            "exit after SIGTERM (stop, default 30).",
        )

    def handle(self, *args, action, timeout, **options):
        config = node.NodeConfig.from_settings()
        try:
            if action == "start":
                result = node.start(config, timeout=timeout or 120.0, log=self._progress)
                self.stdout.write(result.message)
            elif action == "stop":
                self.stdout.write(node.stop(config, timeout=timeout or 30.0, log=self._progress))
            else:
                result = node.status(config)
                if not result.up:
                    raise CommandError(result.message)
                self.stdout.write(result.message)
        except node.NodeError as exc:
            raise CommandError(str(exc)) from exc

    def _progress(self, message):
        self.stdout.write(message)
