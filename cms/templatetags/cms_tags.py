"""Template tags for the site chrome (menu, home link), usable from every template."""

from django import template
from django.template.loader import render_to_string
from django.utils import translation
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


# The chrome of every page (the home link and the menu) costs half a dozen queries to work out
# and changes only with a publication: kept per process under the page cache's generation,
# which every publication changes (cms/page_cache.py), so it is never older than the last one.
_chrome: ProcessCache[tuple[str, str]] = ProcessCache("cms.chrome")


def _site_chrome(request) -> tuple[str, str]:
    """(the home page's URL, the menu's `<li>` items) for the request's site and language."""

    def load() -> tuple[str, str]:
        home = _localized_home(request)
        if home is None:
            return "/", ""
        pages = home.get_children().live().public().in_menu()
        menu = render_to_string("cms/_menu_items.html", {"menu_pages": pages}, request=request)
        return home.get_url(request) or "/", menu

    if request is None:
        return load()
    key = (page_cache_generation(request), translation.get_language(), request.get_host())
    return _chrome.get(key, load)


@register.simple_tag(takes_context=True)
def cms_home_url(context) -> str:
    """The home page in the current language (the Chinese one where there is no translation)."""
    return _site_chrome(context.get("request"))[0]


@register.simple_tag(takes_context=True)
def cms_menu_items(context) -> str:
    """`<li>` links to the home page's children marked "show in menus", in the current language."""
    return mark_safe(_site_chrome(context.get("request"))[1])  # noqa: S308 - our own template


@register.simple_tag
def language_tag(language_code: str) -> str:
    """zh-hans → zh-Hans, for lang and hreflang attributes."""
    return localisation.hreflang(language_code)
