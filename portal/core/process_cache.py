"""Reference data kept in each web process for a short while, instead of read on every request.

Some data is read by nearly every request and changes a few times a year: the complaint
categories, the regions and the authorities (for routing and the form's choices), the holiday
calendar. Read with the ORM each time, it cost the complaint form a dozen queries per
submission. A `ProcessCache` keeps a value per key in this process for PROCESS_CACHE_SECONDS and
forgets it at once when one of its models is saved or deleted here (or a setting changes, in
tests). A change made in another process (the admin's, the worker's) reaches this one within
PROCESS_CACHE_SECONDS: fine for choices and routing, and the reason the cache is kept short.

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


class ProcessCache(Generic[Value]):
    """Values by key, each loaded at most once per PROCESS_CACHE_SECONDS in this process, and
    forgotten when one of `models` is saved or deleted in this process."""

    def __init__(self, name: str, *, models: Iterable[type[Model]] = ()) -> None:
        self.name = name
        self._values: dict[Hashable, tuple[float, Value]] = {}
        self._lock = threading.Lock()
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    self.clear, sender=model, weak=False, dispatch_uid=f"{name}:{model.__name__}"
                )
        _caches.append(self)

    def get(self, key: Hashable, load: Callable[[], Value]) -> Value:
        """The value for `key`, from `load()` when it is not kept or has expired."""
        seconds = settings.PROCESS_CACHE_SECONDS
        if seconds <= 0:
            return load()
        now = time.monotonic()
        kept = self._values.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        value = load()
        with self._lock:
            self._values[key] = (now + seconds, value)
        return value

    def clear(self, **_signal_arguments) -> None:
        with self._lock:
            self._values.clear()


def process_caches_clear(**_signal_arguments) -> None:
    """Forget every value kept by every ProcessCache of this process."""
    for cache in _caches:
        cache.clear()


setting_changed.connect(process_caches_clear, dispatch_uid="process_caches_clear")
