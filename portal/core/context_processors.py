"""Template context for every page."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.core import selectors


def responsible_authority(request: HttpRequest) -> dict:
    """`responsible_authority`: the authority whose complaint phone the footer shows. The
    national authority by default; a view about one place sets its own (a view's context wins
    over this). Lazy: no query unless a template reads it."""
    return {"responsible_authority": SimpleLazyObject(selectors.national_authority)}
