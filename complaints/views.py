"""Public complaint pages: the form, its confirmation, tracking, and the captcha challenge.

Thin views: forms check input, `complaints.services` does the work. Bad input gets the form back
with its messages and status 400; too many requests get 429 with Retry-After.
"""

import math
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import dateformat, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints import captcha
from complaints.forms import AnswerForm, ComplaintForm, RatingForm, ReviewForm, TrackForm
from complaints.models import ComplaintCategory
from complaints.receipts import complaint_receipt_render
from complaints.selectors import categories_for_form, complaint_open_duplicate_exists
from complaints.services import (
    ComplaintRoutingError,
    complaint_get_for_holder,
    complaint_information_provide,
    complaint_rate,
    complaint_review_request,
    complaint_submit,
    complaint_supplement_join,
    complaint_supplement_possible,
    complaint_track,
    complaint_tracked,
)
from portal.core import ratelimit
from portal.core.models import Authority, Region
from portal.core.slotted import SlottedPage
from portal.records import uscc
from portal.records.selectors import organisation_get_by_uscc

# The blank form and the confirmation: rendered once per language and variant, filled in per
# request (portal/core/slotted.py).
_intake_pages = SlottedPage("complaints.intake", models=(ComplaintCategory, Authority, Region))


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


def _blank_form(request: HttpRequest) -> HttpResponse:
    """The blank form: the same for every visitor in a language but for the CSRF token and the
    form token (the idempotency key of a submission). Reached from a credit record
    (`?organisation=<USCC>`), it starts about that organisation; a code that names none is
    ignored."""
    code = uscc.compact(request.GET.get("organisation", ""))
    organisation = organisation_get_by_uscc(code) if uscc.is_valid(code) else None
    if organisation is not None:
        return _form_page(request, ComplaintForm.about(organisation))

    def render_form(values) -> HttpResponse:
        form = ComplaintForm(initial={"form_token": values["form_token"]})
        return _form_page(request, form, csrf_token=values["csrf_token"])

    return _intake_pages.response(
        request,
        variant=(
            "form",
            captcha.mode(),
            settings.RECAPTCHA_PUBLIC_KEY,
            settings.RECAPTCHA_DOMAIN,
        ),
        values={"csrf_token": get_token(request), "form_token": uuid.uuid4().hex},
        render=render_form,
    )


def _confirmation(request: HttpRequest, submission, *, duplicate: bool, may_join: bool):
    """The confirmation: its text depends on what happened (shown once with the access code, or
    again without it; a duplicate; an earlier complaint to join), its values on the complaint."""
    complaint = submission.complaint
    authority = complaint.routed_authority
    english = (get_language() or "").startswith("en")
    # On an English page an authority without an English name shows its Chinese one, so marked.
    authority_in_chinese = english and not authority.name_en
    values = {
        "csrf_token": get_token(request),
        "tracking_number": complaint.tracking_number,
        "access_code": submission.access_code or "",
        "received": dateformat.format(timezone.localtime(complaint.received_at), "Y-m-d H:i"),
        "authority_url": authority.get_absolute_url(),
        "authority_name": authority.name_en if english and authority.name_en else authority.name,
        "acceptance_deadline": complaint.acceptance_deadline.isoformat(),
    }
    variant = (
        "confirmation",
        submission.created,
        bool(submission.access_code),
        bool(complaint.email),
        duplicate,
        may_join,
        authority_in_chinese,
    )

    def render_confirmation(values) -> HttpResponse:
        return render(
            request,
            "complaints/complaint_confirmation.html",
            {
                **values,
                "created": submission.created,
                "code_shown": bool(submission.access_code),
                "emailed": bool(complaint.email),
                "duplicate": duplicate,
                "may_join": may_join,
                "authority_in_chinese": authority_in_chinese,
            },
        )

    return _intake_pages.response(
        request, variant=variant, values=values, render=render_confirmation
    )


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    """The guided form; on a valid POST the complaint is filed and the confirmation shown (once,
    with the access code; a repeated POST of the same form shows the same complaint without it)."""
    if request.method == "GET":
        return _blank_form(request)
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
    # An earlier open complaint it may join is a duplicate too: one query in the common case.
    may_join = submission.created and complaint_supplement_possible(complaint)
    duplicate = may_join or complaint_open_duplicate_exists(
        organisation=complaint.subject_organisation,
        category=complaint.category,
        exclude_pk=complaint.pk,
    )
    return _confirmation(request, submission, duplicate=duplicate, may_join=may_join)


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
    return _status_page(request, tracked, form.cleaned_data["access_code"])


def _status_page(
    request: HttpRequest,
    tracked,
    access_code: str,
    *,
    status: int = 200,
    done: str = "",
    error: str = "",
    **forms,
) -> HttpResponse:
    context = {
        "tracked": tracked,
        "access_code": access_code,
        "done": done,
        "error": error,
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "rating_form": forms.get("rating_form") or RatingForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
    }
    return render(request, "complaints/complaint_status.html", context, status=status)


def _follow_up(request: HttpRequest, form_class, act, done: str, form_name: str) -> HttpResponse:
    """The shared shape of the follow-up actions: rate limit, number and code checked as on
    the tracking page, the action's form, the service; the status page again, with the
    result or the messages (400)."""
    limited = _rate_limited(request, "track")
    if limited is not None:
        return limited
    holder = TrackForm(request.POST)
    if not holder.is_valid():
        return render(request, "complaints/complaint_track.html", {"form": holder}, status=400)
    code = holder.cleaned_data["access_code"]
    complaint = complaint_get_for_holder(
        tracking_number=holder.cleaned_data["tracking_number"], access_code=code
    )
    if complaint is None:
        return render(
            request,
            "complaints/complaint_track.html",
            {"form": holder, "not_found": True},
            status=404,
        )
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        return _status_page(
            request, complaint_tracked(complaint), code, status=400, **{form_name: form}
        )
    try:
        act(complaint, form.cleaned_data if form is not None else {})
    except ValidationError as error:
        if form is not None:
            for message in error.messages:
                form.add_error(None, message)
        return _status_page(
            request,
            complaint_tracked(complaint),
            code,
            status=400,
            error=" ".join(error.messages),
            **({form_name: form} if form is not None else {}),
        )
    complaint.refresh_from_db()
    return _status_page(request, complaint_tracked(complaint), code, done=done)


@never_cache
@require_POST
def complaint_answer(request: HttpRequest) -> HttpResponse:
    """The complainant answers a request for information, with text and more evidence."""
    return _follow_up(
        request,
        AnswerForm,
        lambda complaint, data: complaint_information_provide(
            complaint=complaint, text=data["text"], attachments=data["attachments"]
        ),
        _("Your answer has been sent to the authority."),
        "answer_form",
    )


@never_cache
@require_POST
def complaint_rating(request: HttpRequest) -> HttpResponse:
    """The complainant rates a concluded complaint (1–5, a comment), once."""
    return _follow_up(
        request,
        RatingForm,
        lambda complaint, data: complaint_rate(
            complaint=complaint, rating=data["rating"], comment=data["comment"]
        ),
        _("Thank you: your rating has been recorded."),
        "rating_form",
    )


@never_cache
@require_POST
def complaint_review(request: HttpRequest) -> HttpResponse:
    """The complainant asks the level above to review the decision; the case reopens there."""
    return _follow_up(
        request,
        ReviewForm,
        lambda complaint, data: complaint_review_request(
            complaint=complaint, grounds=data["grounds"]
        ),
        _("Your request for review has been sent to the authority above."),
        "review_form",
    )


@never_cache
@require_POST
def complaint_join(request: HttpRequest) -> HttpResponse:
    """The complainant adds their complaint to the earlier open one about the same
    organisation and category (`complaint_supplement_join`)."""
    return _follow_up(
        request,
        None,
        lambda complaint, data: complaint_supplement_join(complaint=complaint),
        _("Your complaint has been added to the earlier one; the same officer handles both."),
        "join_form",
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
