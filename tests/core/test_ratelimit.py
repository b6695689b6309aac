"""Rate limits counted in the database: one window per key, shared by every process."""

import pytest

from portal.core import ratelimit
from portal.core.models import RateCounter

pytestmark = pytest.mark.django_db


def test_rates_parse_with_units_and_multiples():
    assert ratelimit.parse_rate("60/m") == (60, 60)
    assert ratelimit.parse_rate("5/10m") == (5, 600)
    assert ratelimit.parse_rate("1000/day") == (1000, 86400)
    with pytest.raises(ValueError, match="60/m"):
        ratelimit.parse_rate("sixty a minute")


def test_hits_past_the_limit_are_refused_until_the_window_closes():
    decisions = [ratelimit.hit("test:a", "3/h") for _ in range(4)]
    assert [decision.allowed for decision in decisions] == [True, True, True, False]
    assert decisions[-1].hits == 4
    assert 0 < decisions[-1].retry_after <= 3600
    # Another key has its own count.
    assert ratelimit.hit("test:b", "3/h").allowed


def test_the_count_lives_in_one_row_per_key_and_window():
    for _ in range(5):
        ratelimit.hit("test:c", "100/h")
    row = RateCounter.objects.get(key="test:c")
    assert row.hits == 5
    assert row.expires_at - row.window_start == 3600


def test_a_new_window_starts_a_new_count(monkeypatch):
    clock = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    assert ratelimit.hit("test:d", "1/m").allowed
    assert not ratelimit.hit("test:d", "1/m").allowed
    clock[0] += 60
    assert ratelimit.hit("test:d", "1/m").allowed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_each_hit_commits_on_its_own():
    """As in a web request (autocommit): each hit is its own one-statement transaction (on
    PostgreSQL committed without waiting for the WAL flush), and nothing of that setting is left
    on the connection for the next statement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        decisions = [ratelimit.hit("test:e", "2/h") for _ in range(3)]
    assert [decision.allowed for decision in decisions] == [True, True, False]
    assert not connection.in_atomic_block
    assert RateCounter.objects.get(key="test:e").hits == 3
    assert all("INSERT" in query["sql"] for query in queries.captured_queries[:3])
    if connection.vendor == "postgresql":
        assert len(queries.captured_queries) in (3, 4)  # a DELETE of closed windows, now and then
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"


def test_inside_a_transaction_the_callers_commit_stays_durable():
    """Called inside someone else's transaction (the test's here), the hit must not turn their
    commit asynchronous."""
    from django.db import connection

    assert connection.in_atomic_block
    ratelimit.hit("test:f", "5/h")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    assert RateCounter.objects.get(key="test:f").hits == 1
