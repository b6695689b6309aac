"""`/healthz`: is every part this process depends on working?"""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from search.client import SearchUnavailable, cluster_health


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "down"; the message says why
        return {"ok": False, "error": str(error)}
    return {"ok": True}


def _elasticsearch() -> dict:
    try:
        health = cluster_health()
    except SearchUnavailable as error:
        return {"ok": False, "error": str(error)}
    return {"ok": health["status"] in ("green", "yellow"), "cluster_status": health["status"]}


def _pending_tasks() -> dict:
    try:
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        pending = waiting.count()
        due = DBTaskResult.objects.ready().count()  # the rest wait for a retry time
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        failed = DBTaskResult.objects.failed().count()
    except Exception as error:  # noqa: BLE001
        return {"ok": False, "error": str(error)}
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {
        "ok": True,
        "pending": pending,
        "due": due,
        "failed": failed,
        "oldest_pending_seconds": round(age),
    }


def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the state of each part when all are up; 503 naming the parts that are not."""
    parts = {
        "database": _database(),
        "elasticsearch": _elasticsearch(),
    }
    parts["tasks"] = _pending_tasks() if parts["database"]["ok"] else {"ok": False}
    failing = [name for name, part in parts.items() if not part["ok"]]
    body = {"status": "ok" if not failing else "unavailable", "failing": failing, **parts}
    return JsonResponse(body, status=503 if failing else 200)
