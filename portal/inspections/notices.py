"""Notices to the subject of an inspection (告知书), as PDF in Chinese or English (WeasyPrint,
Noto CJK embedded), for staff to send: the subject's window for a statement or a hearing
request runs from the notice (`StatementWindow`).

- Notice of an inspection result (检查结果告知书): for an approved result with a negative
  outcome. The outcome, the items inspected, the finding for publication and the legal basis
  of each item that fails, the last day for a statement and defence (陈述、申辩), and that the
  result is then published on the credit record with the statement.
- Advance notice of an administrative penalty (行政处罚事先告知书): for an enforcement action.
  The facts, the legal basis, the penalty proposed, the last day for a statement and defence
  or a hearing request (听证).

Numbers are derived, not stored: "IR-<year>-<result id>" and "EA-<year>-<action id>" (year of
the notice, ids on six digits), so the same notice always bears the same number.

A notice carries only what the public record will show (the organisation, the authority, the
outcome, the findings for publication, the penalty as recorded): nothing of a person, and none
of the staff-only fields (participants, the findings for staff, evidence, foreign workers).
The Chinese notice is the official one; the English one says it is a translation.
"""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from portal.core.pdf import html_to_pdf, inline_css
from portal.inspections.models import EnforcementAction, InspectionResult
from portal.records.models import CreditEvent

NOTICE_LANGUAGES = ("zh-hans", "en")
NOTICE_CSS = "css/inspection-notice.css"


def notice_number(notified: InspectionResult | EnforcementAction) -> str:
    """The number of the notice of a notified result or of a penalty."""
    prefix = "IR" if isinstance(notified, InspectionResult) else "EA"
    return f"{prefix}-{notified.notice_sent_on.year}-{notified.pk:06d}"


def _severity_label(severity: str) -> str:
    return CreditEvent.Severity(severity).label if severity else ""


def _result_notice(result: InspectionResult) -> tuple[str, dict[str, Any]]:
    inspection = result.inspection
    item_records = list(result.item_records.select_related("item").order_by("item__code"))
    return "inspections/notices/result_notice.html", {
        "organisation": inspection.organisation,
        "authority": result.authority,
        "inspected_on": result.inspected_on,
        "plan": inspection.draw.plan,
        "outcome": CreditEvent.Outcome(result.outcome).label,
        "severity": _severity_label(result.severity),
        "item_records": item_records,
        "failing": [record for record in item_records if record.compliant is False],
    }


def _enforcement_notice(action: EnforcementAction) -> tuple[str, dict[str, Any]]:
    event = action.credit_event
    return "inspections/notices/enforcement_notice.html", {
        "organisation": event.organisation,
        "authority": event.authority,
        "inspected_on": action.result.inspected_on,
        "item": action.record.item,
        "event": event,
        "severity": _severity_label(event.severity),
    }


def notice_render(*, notified: InspectionResult | EnforcementAction, language: str) -> bytes:
    """The PDF bytes of the notice of `notified` in `language` ("zh-hans" or "en"): a result's
    notice for an `InspectionResult`, the advance notice of the penalty for an
    `EnforcementAction`. ValueError for another language, or a result that was not notified
    (not approved, or its outcome is not negative)."""
    if language not in NOTICE_LANGUAGES:
        raise ValueError(f"Unknown notice language: {language!r}")
    if notified.notice_sent_on is None:
        raise ValueError(f"{type(notified).__name__} {notified.pk} has no notice.")
    if isinstance(notified, InspectionResult):
        template, context = _result_notice(notified)
    else:
        template, context = _enforcement_notice(notified)
    with translation.override(language):
        html = render_to_string(
            template,
            {
                **context,
                "number": notice_number(notified),
                "notice_sent_on": notified.notice_sent_on,
                "window_ends_on": notified.window_ends_on,
                "language": language,
                "english": language == "en",
                "css": inline_css(NOTICE_CSS),
            },
        )
    return html_to_pdf(html)
