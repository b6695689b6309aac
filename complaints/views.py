"""Public complaint pages: the form, its confirmation, tracking, and the captcha challenge.

Thin views: forms check input, `complaints.services` does the work. Bad input gets the form back
with its messages and status 400; too many requests get 429 with Retry-After.
"""

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints import captcha
from complaints.forms import ComplaintForm, TrackForm
from complaints.receipts import complaint_receipt_render
from complaints.selectors import categories_for_form, complaint_open_duplicate_exists
from complaints.services import (
    ComplaintRoutingError,
    complaint_get_for_holder,
    complaint_submit,
    complaint_track,
)
from portal.core import ratelimit


def _client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT proxies back in X-Forwarded-For (the
    rule the API's throttles follow)."""
    proxies = settings.NINJA_NUM_PROXIES
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if len(forwarded) >= proxies and forwarded[-proxies]:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def _rate_limited(request: HttpRequest, scope: str) -> HttpResponse | None:
    decision = ratelimit.hit(
        f"complaints:{scope}:{_client_address(request)}", settings.COMPLAINT_RATES[scope]
    )
    if decision.allowed:
        return None
    response = render(request, "complaints/too_many_requests.html", status=429)
    response["Retry-After"] = str(max(1, math.ceil(decision.retry_after)))
    return response


def _form_page(
    request: HttpRequest, form: ComplaintForm, *, status: int = 200, **extra
) -> HttpResponse:
    context = {
        "form": form,
        "categories": categories_for_form(),
        "captcha_mode": captcha.mode(),
        "altcha_language": "en" if (get_language() or "").startswith("en") else "zh-cn",
        "recaptcha_public_key": settings.RECAPTCHA_PUBLIC_KEY,
        "recaptcha_domain": settings.RECAPTCHA_DOMAIN,
        **extra,
    }
    return render(request, "complaints/complaint_form.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """The guided form; on a valid POST the complaint is filed and the confirmation shown (once,
    with the access code; a repeated POST of the same form shows the same complaint without it)."""
    if request.method == "GET":
        return _form_page(request, ComplaintForm())
    limited = _rate_limited(request, "submit")
    if limited is not None:
        return limited
    form = ComplaintForm(request.POST, request.FILES)
    if form.is_spam:
        return _form_page(request, ComplaintForm(), status=400, rejected=True)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    try:
        submission = complaint_submit(
            idempotency_key=data["form_token"],
            complainant_kind=data["complainant_kind"],
            anonymous=data["anonymous"],
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            language="en" if (get_language() or "").startswith("en") else "zh-hans",
            subject_kind=data["subject_kind"],
            subject_organisation=data.get("subject_organisation"),
            subject_name=data.get("subject_name", ""),
            subject_uscc=data.get("subject_uscc", ""),
            subject_region=data.get("subject_region"),
            subject_authority=data.get("subject_authority"),
            category=data["category"],
            what_happened=data["what_happened"],
            happened_when=data["happened_when"],
            happened_where=data["happened_where"],
            wanted_outcome=data["wanted_outcome"],
            consent_to_publish=data["consent_to_publish"],
            attachments=data["attachments"],
        )
    except ComplaintRoutingError:
        return render(request, "complaints/unavailable.html", status=503)
    complaint = submission.complaint
    duplicate = complaint_open_duplicate_exists(
        organisation=complaint.subject_organisation,
        category=complaint.category,
        exclude_pk=complaint.pk,
    )
    return render(
        request,
        "complaints/complaint_confirmation.html",
        {
            "complaint": complaint,
            "access_code": submission.access_code,
            "created": submission.created,
            "duplicate": duplicate,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_track_view(request: HttpRequest) -> HttpResponse:
    """Tracking number + access code → the public timeline. A wrong code and an unknown number
    get the same answer (404, same text)."""
    if request.method == "GET":
        return render(request, "complaints/complaint_track.html", {"form": TrackForm()})
    limited = _rate_limited(request, "track")
    if limited is not None:
        return limited
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "complaints/complaint_track.html", {"form": form}, status=400)
    tracked = complaint_track(
        tracking_number=form.cleaned_data["tracking_number"],
        access_code=form.cleaned_data["access_code"],
    )
    if tracked is None:
        return render(
            request,
            "complaints/complaint_track.html",
            {"form": form, "not_found": True},
            status=404,
        )
    return render(
        request,
        "complaints/complaint_status.html",
        {"tracked": tracked, "access_code": form.cleaned_data["access_code"]},
    )


@never_cache
@require_POST
def complaint_receipt(request: HttpRequest) -> HttpResponse:
    """The PDF receipt, for the holder of the number and the access code (sent by POST, so the
    code stays out of addresses and logs); rate-limited with tracking."""
    limited = _rate_limited(request, "track")
    if limited is not None:
        return limited
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "complaints/complaint_track.html", {"form": form}, status=400)
    complaint = complaint_get_for_holder(
        tracking_number=form.cleaned_data["tracking_number"],
        access_code=form.cleaned_data["access_code"],
    )
    if complaint is None:
        return render(
            request,
            "complaints/complaint_track.html",
            {"form": form, "not_found": True},
            status=404,
        )
    language = "en" if (get_language() or "").startswith("en") else "zh-hans"
    pdf = complaint_receipt_render(complaint=complaint, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{complaint.tracking_number}.pdf"'
    return response


@never_cache
@require_GET
def captcha_challenge(request: HttpRequest) -> JsonResponse:
    """A fresh ALTCHA challenge for the widget."""
    return JsonResponse(captcha.altcha_challenge())
