"""Whole-page caching of the public pages for anonymous visitors, cleared by any publication.

Pages are the same for every anonymous visitor in a language, so a rendered page is kept in the
shared cache (CACHE_URL) under its language and full address, for PAGE_CACHE_SECONDS. Every key
also carries a generation number; publishing, unpublishing, moving or deleting any page or
publishing a snippet (an authority's phone shows in every footer) increments it, so the next
request of every page renders afresh: a visitor never sees a page older than the last
publication, and nothing has to know which pages show what.

Only what is safe to share is kept: GET or HEAD of a Wagtail page (or of the authority and
inspection item views, CACHED_VIEW_NAMES), no session or CSRF cookie
in the request (editors and previews always render), a 200 that sets no cookie and does not
vary by cookie. Responses say `X-Page-Cache: hit` or `miss`.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import has_vary_header
from wagtail import signals
from wagtail.models import Page

from cms.middleware import PAGE_URL_NAMES, PageLocaleMiddleware

GENERATION_KEY = "page-cache:generation"
# Public views outside the page tree whose content changes only with a publication (authorities
# are snippets, inspection items published revisions: both send Wagtail's `published`), kept
# like pages. The language of these addresses comes from the cookie or the browser; the key
# carries the language resolved from them.
CACHED_VIEW_NAMES = frozenset(
    {"authority_index", "authority_detail", "inspection_item_list", "inspection_item_history"}
)
CACHED_URL_NAMES = PAGE_URL_NAMES | CACHED_VIEW_NAMES
HEADER = "X-Page-Cache"


def page_cache_clear(**_signal_arguments) -> None:
    """Make every cached page stale (a receiver of the publication signals, see CmsConfig)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value changes every key
        cache.set(GENERATION_KEY, 1, timeout=None)


def _page_deleted(sender, instance, **_signal_arguments) -> None:
    if isinstance(instance, Page):
        page_cache_clear()


def page_cache_connect() -> None:
    """Clear the cached pages on every publication of a page or a snippet, a move, a delete
    (connected once, in CmsConfig.ready, so that every process that publishes clears them:
    the web processes, the task worker, `publish_scheduled`)."""
    for signal in (
        signals.page_published,
        signals.page_unpublished,
        signals.post_page_move,
        signals.published,
        signals.unpublished,
    ):
        signal.connect(page_cache_clear, dispatch_uid=f"page_cache_clear:{id(signal)}")
    post_delete.connect(_page_deleted, dispatch_uid="page_cache_clear:post_delete")


def page_cache_generation(request: HttpRequest | None = None) -> int:
    """The current generation: it changes with every publication. Read once per request."""
    generation = getattr(request, "_page_cache_generation", None)
    if generation is None:
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, 1, timeout=None)
            generation = cache.get(GENERATION_KEY, 1)
        if request is not None:
            request._page_cache_generation = generation
    return generation


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and settings.CSRF_COOKIE_NAME not in request.COOKIES
        and PageLocaleMiddleware.url_name(request) in CACHED_URL_NAMES
    )


def _cacheable_response(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not has_vary_header(response, "Cookie")
    )


class AnonymousPageCacheMiddleware:
    """Serves anonymous page requests from the cache; put it after the locale middleware, whose
    language is part of the key."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable_request(request):
            return self.get_response(request)
        generation = page_cache_generation(request)
        key = f"page-cache:{generation}:{translation.get_language()}:{request.get_full_path()}"
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content, headers=headers)
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if _cacheable_response(response):
            headers = {name: value for name, value in response.items() if name != HEADER}
            cache.set(key, (response.content, headers), timeout=settings.PAGE_CACHE_SECONDS)
            response[HEADER] = "miss"
        return response
