"""The PDF receipt (回执) of a complaint, in Chinese or English (WeasyPrint, Noto CJK embedded).

It proves that and when the complaint was received and where it went: the tracking number, the
time, the category, whom it is about, the authority and the acceptance deadline. It carries
nothing of the complainant (no name, contact or narrative) and not the access code, so it can be
printed and shown to others.
"""

from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import translation

from complaints.models import Complaint
from complaints.services import complaint_public_subject
from portal.core.pdf import html_to_pdf, inline_css

RECEIPT_LANGUAGES = ("zh-hans", "en")
RECEIPT_TIME_ZONE = ZoneInfo("Asia/Shanghai")


def complaint_receipt_render(*, complaint: Complaint, language: str) -> bytes:
    """The PDF bytes of the receipt of `complaint` in `language` ("zh-hans" or "en")."""
    if language not in RECEIPT_LANGUAGES:
        raise ValueError(f"Unknown receipt language: {language!r}")
    with translation.override(language):
        context = {
            "complaint": complaint,
            "language": language,
            "english": language == "en",
            "subject": complaint_public_subject(complaint),
            "received_at": complaint.received_at.astimezone(RECEIPT_TIME_ZONE),
            "css": inline_css("css/complaint-receipt.css"),
        }
        html = render_to_string("complaints/receipt.html", context)
    return html_to_pdf(html)
