"""Template tags for the site chrome (the site header with its menu), usable from every template."""

import secrets

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from cms import localisation
from cms.page_cache import page_cache_generation
from portal.core.process_cache import ProcessCache

register = template.Library()


def _localized_home(request) -> Page | None:
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.select_related("root_page").filter(is_default_site=True).first()
    if site is None:
        return None
    return site.root_page.localized


# The site header of every page (the home link, the menu, the other links, the language switch)
# costs half a dozen queries and some 2 ms of rendering to work out, and changes only with a
# publication: it is rendered once per process, site and language under the page cache's
# generation, which every publication changes (cms/page_cache.py), so it is never older than the
# last one. The one part that differs per request, the address the language switch returns to,
# is a slot filled in per request.
_chrome: ProcessCache[str] = ProcessCache("cms.chrome")
# Random, so that no text of a page can collide with it.
_NEXT_SLOT = f"next-slot-{secrets.token_hex(16)}"


def _site_header_render(request) -> str:
    home = _localized_home(request)
    menu_items = ""
    if home is not None:
        pages = home.get_children().live().public().in_menu()
        menu_items = render_to_string(
            "cms/_menu_items.html", {"menu_pages": pages}, request=request
        )
    context = {
        "home_url": (home.get_url(request) if home is not None else None) or "/",
        "menu_items": mark_safe(menu_items),  # noqa: S308 - our own template
        "next_slot": _NEXT_SLOT,
    }
    return render_to_string("cms/_site_header.html", context, request=request)


@register.simple_tag(takes_context=True)
def site_header(context) -> str:
    """The inside of the site's `<header>` in the current language, returning to this page."""
    request = context.get("request")
    if request is None:
        header = _site_header_render(None)
        path = "/"
    else:
        key = (page_cache_generation(request), translation.get_language(), request.get_host())
        header = _chrome.get(key, lambda: _site_header_render(request))
        path = request.get_full_path()
    return mark_safe(header.replace(_NEXT_SLOT, escape(path), 1))  # noqa: S308 - escaped above


@register.simple_tag
def language_tag(language_code: str) -> str:
    """zh-hans → zh-Hans, for lang and hreflang attributes."""
    return localisation.hreflang(language_code)
