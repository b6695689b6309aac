"""Reference data kept per process (portal/core/process_cache.py): loaded once, forgotten when
its models change in this process, and read every time when PROCESS_CACHE_SECONDS is 0."""

import threading

import pytest

from portal.core import selectors
from portal.core.models import Region
from portal.core.process_cache import ProcessCache
from tests.factories import AuthorityFactory

pytestmark = pytest.mark.django_db


def _counting_cache(models=()) -> tuple[ProcessCache, list[int]]:
    loads: list[int] = []
    return ProcessCache(f"test-{id(loads)}", models=models), loads


def test_a_value_is_loaded_once_per_key():
    cache, loads = _counting_cache()

    values = [cache.get(key, lambda: loads.append(1) or len(loads)) for key in ("a", "a", "b")]

    assert values == [1, 1, 2]
    assert len(loads) == 2


def test_a_change_to_its_model_forgets_it():
    cache, loads = _counting_cache(models=(Region,))
    cache.get("regions", lambda: loads.append(1))

    Region.objects.get(code="440300").save()
    cache.get("regions", lambda: loads.append(1))

    assert len(loads) == 2


def test_zero_seconds_reads_every_time(settings):
    cache, loads = _counting_cache()
    settings.PROCESS_CACHE_SECONDS = 0

    for _ in range(3):
        cache.get("a", lambda: loads.append(1))

    assert len(loads) == 3


def _loading_in_thread(cache: ProcessCache, key: str, value: str):
    """A thread that loads `key` and stays inside its load until `release` is set."""
    inside, release, got = threading.Event(), threading.Event(), []

    def load():
        inside.set()
        release.wait(timeout=30)
        return value

    thread = threading.Thread(target=lambda: got.append(cache.get(key, load)))
    thread.start()
    assert inside.wait(timeout=30)
    return thread, release, got


def test_while_one_thread_loads_an_expired_value_again_the_others_go_on_with_it():
    cache, loads = _counting_cache()
    cache.get("form", lambda: "rendered at nine")
    cache._values["form"] = (0.0, "rendered at nine")  # expired
    thread, release, got = _loading_in_thread(cache, "form", "rendered at ten")

    # Neither waits for that load nor starts one of its own.
    assert cache.get("form", lambda: loads.append(1) or "a second render") == "rendered at nine"
    assert loads == []

    release.set()
    thread.join(timeout=30)
    assert got == ["rendered at ten"]
    assert cache.get("form", lambda: loads.append(1)) == "rendered at ten"
    assert loads == []


def test_with_nothing_kept_the_others_wait_for_the_one_load():
    cache, loads = _counting_cache()
    thread, release, got = _loading_in_thread(cache, "form", "rendered")
    waiting: list[str] = []
    second = threading.Thread(
        target=lambda: waiting.append(cache.get("form", lambda: loads.append(1) or "again"))
    )
    second.start()

    release.set()
    for each in (thread, second):
        each.join(timeout=30)
    assert got == waiting == ["rendered"]
    assert loads == []


def test_a_load_that_fails_leaves_the_key_to_the_next_caller():
    cache, _loads = _counting_cache()

    def broken():
        raise RuntimeError("database away")

    with pytest.raises(RuntimeError):
        cache.get("form", broken)
    assert cache.get("form", lambda: "rendered") == "rendered"


def test_routing_follows_a_new_authority_at_once():
    national = AuthorityFactory(region=None, level="national", parent=None)
    assert selectors.authority_for_region("440305") == national
    assert selectors.national_authority() == national

    shenzhen = AuthorityFactory(
        region=Region.objects.get(code="440300"), level="prefectural", parent=national
    )

    assert selectors.authority_for_region("440305") == shenzhen


def test_routing_reads_the_database_once_per_period(django_assert_num_queries):
    AuthorityFactory(region=None, level="national", parent=None)
    selectors.authority_for_region("440305")

    with django_assert_num_queries(0):
        for code in ("440305", "110101", "000000", "440300"):
            selectors.authority_for_region(code)
        selectors.national_authority()
