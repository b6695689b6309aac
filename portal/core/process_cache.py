"""Reference data kept in each web process for a short while, instead of read on every request.

Some data is read by nearly every request and changes a few times a year: the complaint
categories, the regions and the authorities (for routing and the form's choices), the holiday
calendar. Read with the ORM each time, it cost the complaint form a dozen queries per
submission. A `ProcessCache` keeps a value per key in this process for PROCESS_CACHE_SECONDS and
forgets it at once when one of its models is saved or deleted here (or a setting changes, in
tests). A change made in another process (the admin's, the worker's) reaches this one within
PROCESS_CACHE_SECONDS (and the time to load it again): fine for choices and routing, and the
reason the cache is kept short.

Values are shared by the threads of the process: callers must treat them as read-only.
Tests start each test with `process_caches_clear()` (the test database rolls back without
sending signals).
"""

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

from django.conf import settings
from django.core.signals import setting_changed
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

Value = TypeVar("Value")

_caches: list["ProcessCache"] = []
# Keys per cache before it starts afresh: bounds the memory of caches whose keys move on (a
# generation number, say).
MAX_KEYS = 256


class ProcessCache(Generic[Value]):
    """Values by key, each loaded at most once per PROCESS_CACHE_SECONDS in this process, and
    forgotten when one of `models` is saved or deleted in this process."""

    def __init__(self, name: str, *, models: Iterable[type[Model]] = ()) -> None:
        self.name = name
        self._values: dict[Hashable, tuple[float, Value]] = {}
        # One lock per key, held by the thread that loads it.
        self._loading: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    self.clear, sender=model, weak=False, dispatch_uid=f"{name}:{model.__name__}"
                )
        _caches.append(self)

    def get(self, key: Hashable, load: Callable[[], Value]) -> Value:
        """The value for `key`, from `load()` when it is not kept or has expired.

        One thread loads a key at a time. When none is kept, the others wait for that load
        rather than load it too. When one has expired, they go on with it meanwhile: the blank
        complaint form takes some 100 ms to render, and every thread of every process would
        otherwise render it together when it expires, under load, and hold up everything
        else while they did."""
        seconds = settings.PROCESS_CACHE_SECONDS
        if seconds <= 0:
            return load()
        kept = self._values.get(key)
        if kept is not None and kept[0] > time.monotonic():
            return kept[1]
        with self._lock:
            loading = self._loading.setdefault(key, threading.Lock())
        if kept is None:
            loading.acquire()
        elif not loading.acquire(blocking=False):
            return kept[1]  # another thread is loading it again
        try:
            kept = self._values.get(key)  # loaded while this thread waited
            if kept is not None and kept[0] > time.monotonic():
                return kept[1]
            value = load()
            with self._lock:
                if len(self._values) >= MAX_KEYS:  # keys that are never asked again (old ones)
                    self._values.clear()
                    self._loading = {}
                self._values[key] = (time.monotonic() + seconds, value)
            return value
        finally:
            loading.release()

    def clear(self, **_signal_arguments) -> None:
        with self._lock:
            self._values.clear()
            # A load under way keeps its own lock; at worst the key is loaded twice.
            self._loading = {}


def process_caches_clear(**_signal_arguments) -> None:
    """Forget every value kept by every ProcessCache of this process."""
    for cache in _caches:
        cache.clear()


setting_changed.connect(process_caches_clear, dispatch_uid="process_caches_clear")
