"""The PDF receipt (回执) of a complaint, in Chinese or English (WeasyPrint, Noto CJK embedded).

It proves that and when the complaint was received and where it went: the tracking number, the
time, the category, whom it is about, the authority and the acceptance deadline. It carries
nothing of the complainant (no name, contact or narrative) and not the access code, so it can be
printed and shown to others.
"""

import functools
import pathlib
from zoneinfo import ZoneInfo

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from complaints.models import Complaint
from complaints.services import complaint_public_subject

RECEIPT_LANGUAGES = ("zh-hans", "en")
RECEIPT_TIME_ZONE = ZoneInfo("Asia/Shanghai")


def _refuse_fetch():
    """A URL fetcher that fetches nothing: the HTML carries its CSS, fonts come from the
    system. A stray URL fails the render instead of reaching the network."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class RefuseFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            raise FatalURLFetchingError(f"Receipts load no resources: {url[:100]}")

    return RefuseFetcher()


@functools.cache
def _receipt_css() -> str:
    return pathlib.Path(finders.find("css/complaint-receipt.css")).read_text(encoding="utf-8")


def complaint_receipt_render(*, complaint: Complaint, language: str) -> bytes:
    """The PDF bytes of the receipt of `complaint` in `language` ("zh-hans" or "en")."""
    from weasyprint import HTML

    if language not in RECEIPT_LANGUAGES:
        raise ValueError(f"Unknown receipt language: {language!r}")
    with translation.override(language):
        context = {
            "complaint": complaint,
            "language": language,
            "english": language == "en",
            "subject": complaint_public_subject(complaint),
            "received_at": complaint.received_at.astimezone(RECEIPT_TIME_ZONE),
            "css": mark_safe(_receipt_css()),  # noqa: S308 (our own file)
        }
        html = render_to_string("complaints/receipt.html", context)
    return HTML(string=html, base_url=None, url_fetcher=_refuse_fetch()).write_pdf()
