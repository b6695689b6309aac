"""When Elasticsearch is down, writes still succeed and the backlog drains when it returns."""

import socket

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from portal.records.models import Organisation
from search.indexing import index_refresh
from search.tasks import publish_dumps
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_writes_succeed_during_an_outage_and_the_backlog_drains_after(
    client, settings, search_index, run_tasks
):
    live_url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_closed_port()}"

    organisation = OrganisationFactory(name="杭州断线重连科技有限公司")
    assert Organisation.objects.filter(pk=organisation.pk).exists()  # the write is committed

    call_command(
        "db_worker", "--batch", "--queue-name", "search", "--no-startup-delay", verbosity=0
    )
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    assert failed.count() == 1
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.run_after > timezone.now()  # waits before trying again
    assert retry.args_kwargs["args"][1] == 2  # second attempt
    assert retry.queue_name == "search"  # and on the queue of index sync
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["tasks"]["pending"] == 1

    # The cluster comes back, and the retry's time arrives.
    settings.ELASTICSEARCH_URL = live_url
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()

    assert DBTaskResult.objects.get(pk=retry.pk).status == TaskResultStatus.SUCCESSFUL
    found = client.get("/api/organisations", {"q": "断线重连"}).json()
    assert [hit["uscc"] for hit in found["results"]] == [organisation.uscc]
    assert client.get("/healthz").json()["tasks"]["pending"] == 0


def test_index_sync_has_a_queue_of_its_own_that_no_other_backlog_holds_up(client, search_index):
    # Work waiting on the default queue (e-mails, dumps) stands before the change in time...
    publish_dumps.enqueue()
    organisation = OrganisationFactory(name="南京排队在前科技有限公司")
    sync = DBTaskResult.objects.get(task_path="search.tasks.sync_organisations")
    assert sync.queue_name == "search"

    # ...but the worker of the search queue runs only index sync, so the change is searchable.
    call_command(
        "db_worker", "--batch", "--queue-name", "search", "--no-startup-delay", verbosity=0
    )
    index_refresh()
    found = client.get("/api/organisations", {"q": "排队在前"}).json()
    assert [hit["uscc"] for hit in found["results"]] == [organisation.uscc]
    waiting = DBTaskResult.objects.get(task_path="search.tasks.publish_dumps")
    assert (waiting.queue_name, waiting.status) == ("default", TaskResultStatus.READY)
