"""The Elasticsearch connection, opened lazily so that an unreachable cluster never breaks start-up.

Every call to Elasticsearch made on behalf of a request goes through `get_client()`; failures are
turned into `SearchUnavailable`, which views answer with a 503 page and tasks answer with a retry.
"""

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.serializer import OrjsonSerializer


class SearchUnavailable(Exception):
    """Elasticsearch could not be reached or answered with a server error."""


@cache
def get_client() -> Elasticsearch:
    """One client per process (it pools connections). Creating it does not connect."""
    return Elasticsearch(
        settings.ELASTICSEARCH_URL,
        # orjson reads and writes the JSON several times faster than the json module: a fifth of
        # the client's time on a search.
        serializer=OrjsonSerializer(),
        request_timeout=settings.ELASTICSEARCH_TIMEOUT,
        retry_on_timeout=False,
        max_retries=1,
    )


def is_unavailable_error(error: Exception) -> bool:
    """True for failures that mean "the cluster is down or overloaded", not "our request is bad"."""
    if isinstance(error, TransportError):  # connection refused, timeouts, TLS errors
        return True
    return isinstance(error, ApiError) and error.meta.status >= 500


def cluster_health(timeout: float = 2.0) -> dict:
    """`GET /_cluster/health`, raising SearchUnavailable when the cluster cannot answer."""
    try:
        response = get_client().options(request_timeout=timeout).cluster.health()
    except (TransportError, ApiError) as error:
        raise SearchUnavailable(str(error)) from error
    return dict(response.body)


@receiver(setting_changed)
def _forget_client(*, setting: str, **kwargs) -> None:
    """Tests point ELASTICSEARCH_URL elsewhere (an unreachable port, say); build a new client."""
    if setting in ("ELASTICSEARCH_URL", "ELASTICSEARCH_TIMEOUT"):
        get_client.cache_clear()
