"""The PDFs the site hands out (complaint receipts, credit reports, inspection notices), from
HTML by WeasyPrint: the HTML carries its own CSS (`inline_css`) and the fonts come from the
system (fonts-noto-cjk, embedded as a subset), so a render loads nothing and works offline."""

import functools
import pathlib

from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe


def _refuse_fetch():
    """A WeasyPrint URL fetcher that fetches nothing: a stray URL (an image, a font, a style
    sheet) fails the render instead of reaching the network."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class RefuseFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            raise FatalURLFetchingError(f"PDFs load no resources: {url[:100]}")

    return RefuseFetcher()


@functools.cache
def inline_css(static_path: str) -> SafeString:
    """The text of a static CSS file (e.g. "css/report.css"), for a <style> element; read once
    per process."""
    text = pathlib.Path(finders.find(static_path)).read_text(encoding="utf-8")
    return mark_safe(text)  # noqa: S308 (our own file)


def html_to_pdf(html: str) -> bytes:
    """The PDF bytes of `html`, which loads no resources."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=_refuse_fetch()).write_pdf()
