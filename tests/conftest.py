"""Fixtures shared by the whole suite. Everything here is real: the database in DATABASE_URL and
the Elasticsearch node at ELASTICSEARCH_URL (started by `make test`)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from portal.core.process_cache import process_caches_clear
from search.client import get_client
from search.indexing import alias_name, index_ensure, index_refresh, organisations_sync


def _delete_test_indices() -> None:
    # The cluster refuses wildcard deletes (action.destructive_requires_name): name each index.
    client = get_client()
    names = list(client.indices.get(index=f"{settings.SEARCH_INDEX_PREFIX}-*").body)
    if names:
        client.indices.delete(index=names)


@pytest.fixture(autouse=True)
def _default_language():
    # Each test starts in the site's default language (Chinese). A request through the test
    # client leaves its language active in the thread (the locale middleware activates it and
    # nothing deactivates it), so without this a test after an English request would see English
    # outside any request: in services, forms and management commands.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    # The test database rolls back without sending signals: forget what the last test kept.
    process_caches_clear()


@pytest.fixture(scope="session", autouse=True)
def _own_test_indices():
    # The suite deletes indices by prefix: refuse to run against a development prefix, and
    # leave nothing behind.
    assert settings.SEARCH_INDEX_PREFIX.startswith("test"), settings.SEARCH_INDEX_PREFIX
    yield
    _delete_test_indices()


@pytest.fixture
def search_index():
    """A fresh, empty organisation index for the test; removed afterwards."""
    _delete_test_indices()
    index_ensure()
    yield alias_name()
    _delete_test_indices()


@pytest.fixture
def run_tasks():
    """Run every background task that is due, the way the worker does, then refresh the index."""

    def run() -> None:
        call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
        index_refresh()

    return run


@pytest.fixture
def index_now(search_index):
    """Index these organisations right away, inside the test's transaction (no worker, no commit):
    for tests about what search finds rather than about how changes travel to the index."""

    def index(*organisations) -> None:
        organisations_sync(uscc_by_id={item.pk: item.uscc for item in organisations})
        index_refresh()

    return index
