"""Opaque page cursors for search_after, safe to put in a URL and to receive back from anyone."""

import base64
import json
from typing import Any


class InvalidCursor(ValueError):
    pass


def encode(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple:
    """The sort values in a cursor; InvalidCursor for anything that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor(str(error)) from error
    if (
        not isinstance(values, list)
        or not 1 <= len(values) <= 3
        or not all(isinstance(value, str | int | float) for value in values)
    ):
        raise InvalidCursor("unexpected cursor content")
    return tuple(values)
