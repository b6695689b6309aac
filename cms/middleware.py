"""The language of a request: from the URL for pages, from the visitor's choice elsewhere."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation

# Views served under `i18n_patterns` (Wagtail's page tree): their language is in the address.
PAGE_URL_NAMES = frozenset({"wagtail_serve"})


class PageLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except for the views outside the page tree.

    Wagtail's pages sit in `i18n_patterns(prefix_default_language=False)`: Chinese at the root,
    English under /en/. Django's middleware then takes the language of every unprefixed address
    to be Chinese, which would break the search, record, report and data views: they keep one
    address for both languages and follow the language cookie (set by the language switch) or
    the browser's Accept-Language. So an unprefixed address that is not a page gets the
    visitor's language, as before pages were translated.
    """

    def process_request(self, request):
        if translation.get_language_from_path(request.path_info) or self._is_page(request):
            return super().process_request(request)
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    @staticmethod
    def url_name(request) -> str | None:
        """The name of the URL pattern the request's address resolves to (None for a 404).

        Resolved once per request: this middleware and the page cache both ask."""
        if "_portal_url_name" not in request.__dict__:
            urlconf = getattr(request, "urlconf", None) or get_urlconf()
            # Unprefixed page addresses only resolve in the default language.
            with translation.override(settings.LANGUAGE_CODE):
                try:
                    name = resolve(request.path_info, urlconf).url_name
                except Resolver404:
                    name = None
            request._portal_url_name = name
        return request._portal_url_name

    @classmethod
    def _is_page(cls, request) -> bool:
        return cls.url_name(request) in PAGE_URL_NAMES
