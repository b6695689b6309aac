"""Public pages of the credit reports: download a numbered PDF, and verify one."""

import math
import re

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from portal.records.reports import (
    REPORT_LANGUAGES,
    Verdict,
    credit_report_issue,
    credit_report_verify,
    report_number_normalise,
)
from portal.records.selectors import organisation_get_by_uscc
from search.normalise import uscc_candidate
from search.throttling import EndpointRateThrottle

_SHA256 = re.compile(r"[0-9a-f]{64}")


class ReportVerifyForm(forms.Form):
    number = forms.CharField(
        label=_("Report number"),
        max_length=64,
        help_text=_("As printed at the foot of each page, for example CR-20261128-7KQ4-M2XD."),
    )
    sha256 = forms.CharField(
        label=_("SHA-256 of your file (optional)"),
        max_length=100,
        required=False,
        help_text=_("64 hexadecimal characters, e.g. from: sha256sum report.pdf"),
    )

    def clean_number(self) -> str:
        number = report_number_normalise(self.cleaned_data["number"])
        if number is None:
            raise forms.ValidationError(
                _("This is not a report number: check the characters and the dashes."),
                code="invalid",
            )
        return number

    def clean_sha256(self) -> str | None:
        value = re.sub(r"\s", "", self.cleaned_data["sha256"]).lower()
        if not value:
            return None
        if not _SHA256.fullmatch(value):
            raise forms.ValidationError(
                _("A SHA-256 is 64 characters, digits 0–9 and letters a–f."), code="invalid"
            )
        return value


def _language(request: HttpRequest) -> str | None:
    requested = request.GET.get("lang")
    if requested is None:
        return "en" if (get_language() or "").startswith("en") else "zh-hans"
    return requested if requested in REPORT_LANGUAGES else None


@never_cache
def credit_report_download(request: HttpRequest, uscc: str) -> HttpResponse:
    """Issue a new numbered credit report of the organisation and send the PDF. Its SHA-256 is in
    the `X-Content-SHA256` header (the PDF cannot contain its own hash)."""
    language = _language(request)
    if language is None:
        return HttpResponse(
            _("Unknown report language: use lang=zh-hans or lang=en."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    code = uscc_candidate(uscc)
    organisation = organisation_get_by_uscc(code) if code else None
    if organisation is None:
        raise Http404
    # Every download issues (and stores) a numbered report: limit how fast one address can.
    throttle = EndpointRateThrottle("report")
    if not throttle.allow_request(request):
        response = HttpResponse(
            _("Too many reports requested from your address; try again in a minute."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(math.ceil(throttle.wait() or 60))
        return response
    report, pdf = credit_report_issue(
        organisation=organisation,
        language=language,
        site_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.report_number}.pdf"'
    response["X-Content-SHA256"] = report.content_sha256
    response["X-Report-Number"] = report.report_number
    return response


def _verify_page(request: HttpRequest, form: ReportVerifyForm) -> HttpResponse:
    context: dict = {"form": form, "verification": None}
    if not form.is_bound:
        return render(request, "reports/verify.html", context)
    if not form.is_valid():
        return render(request, "reports/verify.html", context, status=400)
    verification = credit_report_verify(
        report_number=form.cleaned_data["number"],
        content_sha256=form.cleaned_data["sha256"],
    )
    context |= {"verification": verification, "Verdict": Verdict}
    status = 404 if verification.verdict == Verdict.NOT_FOUND else 200
    return render(request, "reports/verify.html", context, status=status)


@never_cache
def credit_report_verify_page(request: HttpRequest) -> HttpResponse:
    """The verify form; with `number` (and optionally `sha256`) in the query, the verdict."""
    data = request.GET if "number" in request.GET else None
    return _verify_page(request, ReportVerifyForm(data))


@never_cache
def credit_report_check(request: HttpRequest, report_number: str) -> HttpResponse:
    """The verdict for one report number: where the report's QR code points."""
    data = {"number": report_number, "sha256": request.GET.get("sha256", "")}
    return _verify_page(request, ReportVerifyForm(data))
