"""Background work that carries database changes to the index (django-tasks, database queue).

When Elasticsearch is down the task re-enqueues itself with a growing delay; the database write
that caused it has long been committed, so nothing waits on the cluster and nothing is lost.
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from search.client import SearchUnavailable
from search.dumps import dumps_publish
from search.indexing import organisations_sync

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(minutes=5)


def retry_delay(attempt: int) -> timedelta:
    """2, 4, 8 … seconds, at most five minutes: quick after a blip, gentle during an outage."""
    return min(timedelta(seconds=2**attempt), MAX_RETRY_DELAY)


@task(queue_name="search")
def sync_organisations(uscc_by_id: dict[str, str], attempt: int = 1) -> dict[str, int]:
    """Index or remove these organisations (JSON keys are strings: id → USCC)."""
    ids = {int(key): code for key, code in uscc_by_id.items()}
    try:
        result = organisations_sync(uscc_by_id=ids)
    except SearchUnavailable:
        delay = retry_delay(attempt)
        logger.warning(
            "Elasticsearch unavailable; retrying %d organisations in %s", len(ids), delay
        )
        sync_organisations.using(run_after=timezone.now() + delay).enqueue(uscc_by_id, attempt + 1)
        raise
    return {"indexed": result.indexed, "deleted": result.deleted}


@task()
def publish_dumps() -> dict[str, object]:
    """Write the nightly full dumps of the public record (see search.dumps); the same as
    `manage.py publish_dumps`, for a deployment that schedules through the task queue."""
    manifest = dumps_publish()
    return {"run": manifest["run"], "rows": {k: v["rows"] for k, v in manifest["datasets"].items()}}
