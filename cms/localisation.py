"""Page content in two languages, and what happens when a page has no translation.

The portal is bilingual with Simplified Chinese first. Pages are translated with Wagtail's
`simple_translation`: an editor copies a page into English and writes the English version
themselves. We chose it over wagtail-localize because the authorities' editors are bilingual and
write both versions themselves (no translation memory, PO round trips or machine translation to
manage), and because it is part of Wagtail: no extra dependency to keep up to date.

A page that has no (live) English version falls back to the Chinese one, with a notice; lists
in English show the English version of each item, or the Chinese one when there is none.
"""

from django.conf import settings
from django.core.signals import request_started
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

# Locales by language code, looked up once per request instead of once per use (a page with
# lists asked for them dozens of times). Emptied at the start of every request and whenever a
# locale is saved or deleted, so it never outlives a change.
_locales: dict[str, Locale] = {}


@receiver(request_started, dispatch_uid="cms.localisation.forget_locales")
@receiver(post_save, sender=Locale, dispatch_uid="cms.localisation.forget_locales:save")
@receiver(post_delete, sender=Locale, dispatch_uid="cms.localisation.forget_locales:delete")
def _forget_locales(**_signal_arguments) -> None:
    _locales.clear()


def _locale(language_code: str) -> Locale:
    code = get_supported_content_language_variant(language_code)
    if code not in _locales:
        _locales[code] = Locale.objects.get_for_language(code)
    return _locales[code]


def default_locale() -> Locale:
    """The primary content locale (Simplified Chinese)."""
    return _locale(settings.LANGUAGE_CODE)


def active_locale() -> Locale:
    """The locale of the current request's language, or the default one when it has none."""
    try:
        return _locale(translation.get_language() or settings.LANGUAGE_CODE)
    except (Locale.DoesNotExist, LookupError):
        return default_locale()


def localized_live_pages(model: type[Page], *, within: Page | None = None) -> QuerySet:
    """Live, public pages of `model` in the active language: each page in the active locale,
    plus each default-locale page that has no live translation in it (the fallback). With
    `within`, only descendants of that page and of its translations."""
    active = active_locale()
    default = default_locale()
    pages = model.objects.live().public()
    if within is not None:
        roots = [within, *within.get_translations()]
        in_tree = Q()
        for root in roots:
            in_tree |= Q(path__startswith=root.path, depth__gt=root.depth)
        pages = pages.filter(in_tree)
    # Lists show each item's language (lang attributes): load the locale with the page.
    pages = pages.select_related("locale")
    if active.pk == default.pk:
        return pages.filter(locale=default)
    translated = model.objects.live().public().filter(locale=active).values("translation_key")
    return pages.filter(Q(locale=active) | (Q(locale=default) & ~Q(translation_key__in=translated)))


def live_translations(page: Page) -> list[Page]:
    """The page and its live, public translations, default locale first (for hreflang links)."""
    pages = [page, *page.get_translations().live().public()]
    default_id = default_locale().pk
    return sorted(pages, key=lambda item: (item.locale_id != default_id, item.locale_id))


def hreflang(language_code: str) -> str:
    """The BCP 47 tag for an hreflang attribute (zh-hans → zh-Hans)."""
    if language_code.lower() == "zh-hans":
        return "zh-Hans"
    return language_code
