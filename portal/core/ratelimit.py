"""Rate limits shared by every web process: fixed windows counted in the database.

One `INSERT … ON CONFLICT … DO UPDATE … RETURNING` per request (PostgreSQL, and SQLite from
3.35) counts the hit and reads the count in a single round trip, without the read-modify-write
race of a cache-held history. On PostgreSQL that statement is its own transaction and commits
without waiting for its WAL flush (`synchronous_commit off`, for this statement only): a count
lost in a crash costs nothing, while the flush would cost every API request a disk sync (about
3 ms on this machine), and a BEGIN/SET/COMMIT around it three more round trips.
A fixed window lets a client send up to twice the rate across a window boundary; for abuse
limits that is fine and far cheaper than a sliding log.
"""

import random
import re
import time
from dataclasses import dataclass

from django.db import connection

from portal.core.models import RateCounter

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "60/m" → (60, 60); "5/10m" → (5, 600). Units: s, m, h, d."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*", rate)
    if not match:
        raise ValueError(f"Not a rate like '60/m': {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _UNITS[unit]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    hits: int
    retry_after: float  # seconds until the window closes (when refused)


def hit(key: str, rate: str) -> Decision:
    """Count one request for `key` against `rate` and say whether it is allowed."""
    limit, period = parse_rate(rate)
    now = time.time()
    window_start = int(now // period * period)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    params = [key[:200], window_start, window_start + period]
    conflict = (
        f"ON CONFLICT (key, window_start) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # One round trip, its own transaction (autocommit); set_config(…, true) is SET LOCAL,
            # so this statement's commit alone skips the WAL flush. Inside someone else's
            # transaction the plain upsert below runs instead: their commit stays durable.
            cursor.execute(
                f"INSERT INTO {table} (key, window_start, hits, expires_at) "  # noqa: S608
                "SELECT %s, %s, 1, %s "
                "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit "
                f"WHERE true {conflict}",
                params,
            )
        else:
            cursor.execute(
                f"INSERT INTO {table} (key, window_start, hits, expires_at) "  # noqa: S608
                f"VALUES (%s, %s, 1, %s) {conflict}",
                params,
            )
        hits = cursor.fetchone()[0]
        if hits == 1 and random.random() < 0.01:  # noqa: S311 - housekeeping, not security
            # Now and then, the first hit of a window clears windows that have closed.
            cursor.execute(f"DELETE FROM {table} WHERE expires_at < %s", [int(now)])  # noqa: S608
    return Decision(allowed=hits <= limit, hits=hits, retry_after=window_start + period - now)
