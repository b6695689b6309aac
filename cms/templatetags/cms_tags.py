"""Template tags for the site chrome (menu, home link), usable from every template."""

from django import template
from wagtail.models import Page, Site

from cms import localisation

register = template.Library()


def _localized_home(request) -> Page | None:
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.select_related("root_page").filter(is_default_site=True).first()
    if site is None:
        return None
    return site.root_page.localized


@register.simple_tag(takes_context=True)
def cms_home_url(context) -> str:
    """The home page in the current language (the Chinese one where there is no translation)."""
    request = context.get("request")
    home = _localized_home(request)
    return (home.get_url(request) if home is not None else None) or "/"


@register.inclusion_tag("cms/_menu_items.html", takes_context=True)
def cms_menu_items(context) -> dict:
    """`<li>` links to the home page's children marked "show in menus", in the current language."""
    request = context.get("request")
    home = _localized_home(request)
    pages = home.get_children().live().public().in_menu() if home is not None else []
    return {"menu_pages": pages, "request": request}


@register.simple_tag
def language_tag(language_code: str) -> str:
    """zh-hans → zh-Hans, for lang and hreflang attributes."""
    return localisation.hreflang(language_code)
