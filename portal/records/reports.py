"""Credit reports (信用报告): a numbered PDF of an organisation's public credit record, and its
verification.

What is hashed, and why two hashes
----------------------------------
- `record_fingerprint`: SHA-256 of the canonical JSON (sorted keys, UTF-8, no spaces) of the
  record data the report shows: the profile, the rating, the public events with their credit
  clocks and the published statements. It does not depend on the report's language or on the
  day, so a report is "still current" exactly while the fingerprint recomputed today is the same.
  The PDF prints it.
- `content_sha256`: SHA-256 of the PDF bytes as issued. A file cannot contain its own hash, so
  this one is given in the `X-Content-SHA256` header of the download and on the verify page;
  anyone holding a file can hash it and compare.

The PDF is not stored: the report number, the two hashes and the time are enough to verify one.

Only public data goes into a report: the profile fields of the business licence and what
`selectors.public_events` returns (the credit clock applied). Nothing of a foreign worker.
"""

import datetime
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from portal.core.audit import record
from portal.core.pdf import html_to_pdf, inline_css
from portal.records import credit
from portal.records.models import CreditEvent, CreditReport, Organisation
from portal.records.selectors import public_events

REPORT_LANGUAGES = ("zh-hans", "en")
# Reports print their time in China's time zone whatever the server's setting.
REPORT_TIME_ZONE = ZoneInfo("Asia/Shanghai")

# Crockford's base32: no I, L, O or U, so a number read aloud or typed from paper survives.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_READ = str.maketrans({"I": "1", "L": "1", "O": "0"})
RANDOM_LENGTH = 7  # 32**7 ≈ 3.4e10 numbers per day
REPORT_NUMBER_PATTERN = re.compile(r"CR(\d{8})([0-9A-HJKMNP-TV-Z]{8})")


# ---------------------------------------------------------------------------------------------
# Report numbers: CR-YYYYMMDD-XXXX-XXXC (C: a Luhn mod 32 check character)
# ---------------------------------------------------------------------------------------------


def _check_character(payload: str) -> str:
    """Luhn mod N over Crockford base32: catches every single wrong character and most swaps of
    neighbours."""
    factor, total = 2, 0
    for character in reversed(payload):
        addend = factor * CROCKFORD.index(character)
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return CROCKFORD[(32 - total % 32) % 32]


def report_number_generate(on: datetime.date) -> str:
    """A new random report number for a report generated on `on` (China's date)."""
    day = on.strftime("%Y%m%d")
    random_part = "".join(secrets.choice(CROCKFORD) for _ in range(RANDOM_LENGTH))
    body = random_part + _check_character(day + random_part)
    return f"CR-{day}-{body[:4]}-{body[4:]}"


def report_number_normalise(value: str) -> str | None:
    """The canonical form of a report number as typed (any case, spaces or dashes, I/L for 1,
    O for 0), or None when it cannot be one (wrong shape or check character)."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    compact = re.sub(r"[\s\-‐-―－]", "", value).upper()
    if not compact.startswith("CR"):
        return None
    compact = "CR" + compact[2:].translate(_CROCKFORD_READ)
    match = REPORT_NUMBER_PATTERN.fullmatch(compact)
    if match is None:
        return None
    day, body = match.groups()
    try:
        datetime.date(int(day[:4]), int(day[4:6]), int(day[6:]))
    except ValueError:
        return None
    if _check_character(day + body[:-1]) != body[-1]:
        return None
    return f"CR-{day}-{body[:4]}-{body[4:]}"


# ---------------------------------------------------------------------------------------------
# The report's data and its fingerprint
# ---------------------------------------------------------------------------------------------


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _regions(organisation: Organisation) -> list[dict[str, str]]:
    """The region and its parents, province first."""
    chain = []
    region = organisation.region
    while region is not None:
        chain.append({"code": region.code, "name": region.name})
        region = region.parent
    return chain[::-1]


def _event_data(event: CreditEvent, on: datetime.date) -> dict[str, Any]:
    authority = event.authority
    return {
        "reference": event.reference,
        "kind": event.kind,
        "severity": event.severity,
        "title": event.title,
        "facts": event.facts,
        "legal_basis": event.legal_basis,
        "decision_number": event.decision_number,
        "penalty": event.penalty,
        "authority": (
            {"name": authority.name, "name_en": authority.name_en} if authority else None
        ),
        "decided_on": _iso(event.decided_on),
        "origin": event.origin,
        "outcome": event.outcome,
        "list_kind": event.list_kind,
        "list_in_force": credit.list_entry_in_force(event, on) if event.list_kind else None,
        "starts_on": _iso(event.starts_on),
        "scheduled_end_on": _iso(event.scheduled_end_on),
        "removed_on": _iso(event.removed_on),
        "removal_reason": event.removal_reason,
        "published_on": _iso(event.published_on),
        "repair_possible_from": _iso(event.repair_possible_from),
        "public_until": _iso(event.public_until),
        "statements": [
            {
                "text": statement.text,
                "received_on": _iso(statement.received_on),
                "published_on": _iso(statement.published_on),
            }
            for statement in event.public_statements
        ],
    }


def credit_report_data(
    organisation: Organisation, *, on: datetime.date | None = None
) -> dict[str, Any]:
    """The record data a report of `organisation` shows on `on` (today), as plain JSON values:
    profile, rating, public events (newest first) with their clocks and published statements.

    The rating is computed from these same events on the day rather than read from the stored
    field, which the nightly refresh may not have caught up with yet: the report never shows a
    rating that its own events contradict.
    """
    on = on or timezone.localdate(timezone=REPORT_TIME_ZONE)
    events = list(public_events(organisation, on=on))
    return {
        "profile": {
            "uscc": organisation.uscc,
            "kind": organisation.kind,
            "name": organisation.name,
            "name_en": organisation.name_en,
            "regions": _regions(organisation),
            "address": organisation.address,
            "registration_status": organisation.registration_status,
            "agency_licence_number": (
                organisation.agency_licence_number if organisation.kind == "agency" else ""
            ),
        },
        "rating": credit.rating_for(events, on),
        "events": [_event_data(event, on) for event in events],
    }


def record_fingerprint(data: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of report data."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# The PDF
# ---------------------------------------------------------------------------------------------


def _qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True)


def _display(data: dict[str, Any]) -> dict[str, Any]:
    """Labels for the codes in `data`, in the active language."""
    kinds = dict(Organisation.Kind.choices)
    statuses = dict(Organisation.RegistrationStatus.choices)
    events = []
    for event in data["events"]:
        events.append(
            {
                **event,
                "kind_label": CreditEvent.Kind(event["kind"]).label,
                "severity_label": (
                    CreditEvent.Severity(event["severity"]).label if event["severity"] else ""
                ),
                "origin_label": CreditEvent.Origin(event["origin"]).label
                if event["origin"]
                else "",
                "outcome_label": (
                    CreditEvent.Outcome(event["outcome"]).label if event["outcome"] else ""
                ),
                "list_label": (
                    CreditEvent.ListKind(event["list_kind"]).label if event["list_kind"] else ""
                ),
                "is_negative": credit.is_negative(kind=event["kind"], outcome=event["outcome"]),
            }
        )
    profile = data["profile"]
    return {
        **profile,
        "kind_label": kinds[profile["kind"]],
        "registration_status_label": statuses[profile["registration_status"]],
        "region_names": "".join(region["name"] for region in profile["regions"]),
        "region_code": profile["regions"][-1]["code"] if profile["regions"] else "",
        "events": events,
    }


def credit_report_render(
    *,
    data: dict[str, Any],
    language: str,
    report_number: str,
    generated_at: datetime.datetime,
    fingerprint: str,
    verify_url: str,
    report_url: str,
) -> bytes:
    """The PDF bytes of a report (no database access)."""
    with translation.override(language):
        context = {
            "organisation": _display(data),
            "rating": data["rating"],
            "rating_rule": credit.RATING_RULE[language],
            "language": language,
            "report_number": report_number,
            "generated_at": generated_at.isoformat(),
            "as_of": generated_at.date(),
            "fingerprint": fingerprint,
            "verify_url": verify_url,
            "report_url": report_url,
            "qr_svg": _qr_svg(report_url),
            "css": inline_css("css/report.css"),
            # Filled in by the CSS page counters.
            "page_span": mark_safe('<span class="page-current"></span>'),  # noqa: S308
            "pages_span": mark_safe('<span class="page-total"></span>'),  # noqa: S308
        }
        html = render_to_string("reports/credit_report.html", context)
    return html_to_pdf(html)


# ---------------------------------------------------------------------------------------------
# Issuing and verifying
# ---------------------------------------------------------------------------------------------


def credit_report_issue(
    *, organisation: Organisation, language: str, site_url: str | None = None
) -> tuple[CreditReport, bytes]:
    """Issue a new numbered report of `organisation` in `language` ("zh-hans" or "en"): render
    the PDF of its public record as of now, store the report's number, hashes and time (not the
    PDF), and audit `records.credit_report.issued`. Returns the report and the PDF bytes.

    `site_url` (scheme and host, e.g. "https://example.gov.cn") makes the printed verify links
    absolute; the view passes the request's. Without it, `settings.WAGTAILADMIN_BASE_URL`.
    """
    if language not in REPORT_LANGUAGES:
        raise ValueError(f"Unknown report language: {language!r}")
    if site_url is None:
        from django.conf import settings

        site_url = settings.WAGTAILADMIN_BASE_URL
    site_url = site_url.rstrip("/")
    # Whole seconds: the printed time and the stored one are the same instant.
    generated_at = timezone.now().astimezone(REPORT_TIME_ZONE).replace(microsecond=0)
    data = credit_report_data(organisation, on=generated_at.date())
    fingerprint = record_fingerprint(data)
    number = report_number_generate(generated_at.date())
    pdf = credit_report_render(
        data=data,
        language=language,
        report_number=number,
        generated_at=generated_at,
        fingerprint=fingerprint,
        verify_url=site_url + reverse("credit_report_verify"),
        report_url=site_url + reverse("credit_report_check", args=[number]),
    )
    content_sha256 = hashlib.sha256(pdf).hexdigest()
    # Rendering takes a while and writes nothing: only the rows go in the transaction.
    with transaction.atomic():
        report = CreditReport.objects.create(
            report_number=number,
            organisation=organisation,
            language=language,
            generated_at=generated_at,
            content_sha256=content_sha256,
            record_fingerprint=fingerprint,
        )
        record(
            action="records.credit_report.issued",
            obj=report,
            data={
                "report_number": number,
                "organisation": organisation.uscc,
                "language": language,
                "content_sha256": content_sha256,
                "record_fingerprint": fingerprint,
            },
        )
    return report, pdf


class Verdict:
    GENUINE = "genuine"
    OUT_OF_DATE = "out_of_date"
    FILE_MISMATCH = "file_mismatch"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Verification:
    verdict: str
    report_number: str
    report: CreditReport | None = None
    hash_checked: bool = False  # a file hash was given and compared
    current: bool | None = None  # None: not found, so unknown


def credit_report_verify(*, report_number: str, content_sha256: str | None = None) -> Verification:
    """Check a report by its (canonical) number and, if given, the SHA-256 (lower-case hex) of a
    file said to be it.

    - NOT_FOUND: no report has this number;
    - FILE_MISMATCH: the number exists but the file is not the PDF issued under it;
    - OUT_OF_DATE: genuine, but the organisation's public record today differs from the report;
    - GENUINE: genuine and the record is unchanged.
    """
    report = (
        CreditReport.objects.select_related("organisation__region__parent__parent")
        .filter(report_number=report_number)
        .first()
    )
    if report is None:
        return Verification(Verdict.NOT_FOUND, report_number)
    hash_checked = content_sha256 is not None
    current = record_fingerprint(credit_report_data(report.organisation)) == (
        report.record_fingerprint
    )
    if hash_checked and not secrets.compare_digest(content_sha256, report.content_sha256):
        verdict = Verdict.FILE_MISMATCH
    elif not current:
        verdict = Verdict.OUT_OF_DATE
    else:
        verdict = Verdict.GENUINE
    return Verification(verdict, report_number, report, hash_checked, current)
