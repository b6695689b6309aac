"""The blank complaint form, rendered once per process and language, filled in per request.

The blank form is the same for every visitor in a language but for two values: the CSRF token
and the form token (the idempotency key of a submission). Rendering it costs some 200 ms of CPU,
most of it the city and authority selects with about 700 options, so it is rendered with two
placeholders and kept in this process (`portal.core.process_cache`: PROCESS_CACHE_SECONDS, and
forgotten at once when a category, a region or an authority changes here, or a page is
published: the menu shows pages); each request copies it with its own two values, which costs
well under a millisecond.

Only the plain address is kept this way: the page shows its own address in the language switch,
so an address with a query string is rendered in full like any bound form.
"""

import secrets
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language
from wagtail.signals import page_published, page_unpublished, published, unpublished

from complaints import captcha
from complaints.models import ComplaintCategory
from portal.core.models import Authority, Region
from portal.core.process_cache import ProcessCache

# Random, so that no text a visitor could type into a page field can collide with them.
_CSRF_SLOT = f"csrf-slot-{secrets.token_hex(16)}"
_TOKEN_SLOT = secrets.token_hex(16)

_rendered: ProcessCache[tuple[bytes, str]] = ProcessCache(
    "complaints.blank_form", models=(ComplaintCategory, Authority, Region)
)
for _signal in (page_published, page_unpublished, published, unpublished):
    _signal.connect(_rendered.clear, weak=False, dispatch_uid=f"blank_form:{id(_signal)}")


def _fresh_token() -> str:
    return uuid.uuid4().hex


def blank_form_response(
    request: HttpRequest, render: Callable[[HttpRequest, dict[str, str]], HttpResponse]
) -> HttpResponse:
    """The blank form page for `request`. `render(request, values)` renders it with
    `values["csrf_token"]` and `values["form_token"]`: here at most once per language and
    PROCESS_CACHE_SECONDS, with placeholders that each request fills in."""
    if request.GET:
        return render(request, {"csrf_token": get_token(request), "form_token": _fresh_token()})

    def load() -> tuple[bytes, str]:
        page = render(request, {"csrf_token": _CSRF_SLOT, "form_token": _TOKEN_SLOT})
        return page.content, page["Content-Type"]

    key = (get_language(), captcha.mode(), settings.RECAPTCHA_PUBLIC_KEY, settings.RECAPTCHA_DOMAIN)
    content, content_type = _rendered.get(key, load)
    content = content.replace(_CSRF_SLOT.encode(), get_token(request).encode(), 1)
    content = content.replace(_TOKEN_SLOT.encode(), _fresh_token().encode(), 1)
    return HttpResponse(content, content_type=content_type)
