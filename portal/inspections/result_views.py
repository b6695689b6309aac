"""The inspection result pages in the Wagtail admin (registered in
portal/inspections/result_hooks.py): the list (my tasks, to review, everything in my scope),
a result's page with its actions, the on-site record form, the evidence downloads and the
notices to the subject (PDF, portal/inspections/notices.py).

Thin views: who sees what and who may do what are `portal.inspections.selectors` (a result the
user may not see answers 403), every change is a service of `portal.inspections.services`,
which checks the same rules again and writes the audit trail.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.core import audit
from portal.core import selectors as core_selectors
from portal.core.downloads import private_download
from portal.inspections import notices, selectors, services
from portal.inspections.models import EnforcementAction, InspectionEvidence, InspectionResult
from portal.inspections.result_forms import (
    ApproveForm,
    EnforcementForm,
    HearingHeldForm,
    HearingRequestForm,
    ItemRecordForm,
    ResultFilterForm,
    ResultForm,
    ReturnForm,
    StatementForm,
    WorkerRecordForm,
)

LIST_PAGE_SIZE = 50


def forbidden_as_403(view):
    """Answer a refusal with 403 and a page saying so: Wagtail's admin would turn
    PermissionDenied into a redirect to the dashboard, which hides from the inspectors (and
    from scripts) that the result is not theirs to change."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return render(request, "inspections/admin/results/forbidden.html", status=403)

    return wrapped


def may_use_results(user) -> bool:
    """Staff with any role, and superusers, reach the result pages (what they see follows)."""
    return core_selectors.has_role_anywhere(user, roles=selectors.ALL_STAFF_ROLES)


def _require_staff(request: HttpRequest) -> None:
    if not may_use_results(request.user):
        raise PermissionDenied


def _result_or_403(request: HttpRequest, pk: int) -> InspectionResult:
    if not InspectionResult.objects.filter(pk=pk).exists():
        raise Http404
    result = selectors.inspection_result_for_staff(request.user, pk)
    if result is None:
        raise PermissionDenied
    return result


@forbidden_as_403
@require_GET
def result_list(request: HttpRequest) -> HttpResponse:
    """My tasks, the results waiting for my review, and every result in my scope."""
    _require_staff(request)
    form = ResultFilterForm(request.GET or None)
    status = ""
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"]
    visible = selectors.inspection_results_visible_to(request.user, status=status)
    page = Paginator(visible, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/admin/results/list.html",
        {
            "tasks": selectors.inspection_tasks_of(request.user)[:LIST_PAGE_SIZE],
            "to_review": selectors.inspection_results_to_review(request.user)[:LIST_PAGE_SIZE],
            "form": form,
            "page_obj": page,
            "query": query.urlencode(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# The actions of a result's page: their form, whether the user is offered it, and the service.
ACTIONS = {
    "approve": (
        ApproveForm,
        lambda result, user: (
            result.status == InspectionResult.Status.SUBMITTED
            and selectors.may_review_result(user, result)
        ),
        lambda result, user, data: services.inspection_result_approve(result=result, actor=user),
    ),
    "return": (
        ReturnForm,
        lambda result, user: (
            result.status == InspectionResult.Status.SUBMITTED
            and selectors.may_review_result(user, result)
        ),
        lambda result, user, data: services.inspection_result_return(
            result=result, actor=user, reason=data["reason"]
        ),
    ),
    "enforce": (
        EnforcementForm,
        lambda result, user: (
            result.status in (InspectionResult.Status.APPROVED, InspectionResult.Status.PUBLISHED)
            and result.item_records.filter(compliant=False).exists()
            and selectors.may_handle_enforcement(user, result)
        ),
        lambda result, user, data: services.enforcement_action_open(
            result=result,
            item_record=data["item_record"],
            actor=user,
            decision_number=data["decision_number"],
            legal_basis=data["legal_basis"],
            facts=data["facts"],
            penalty=data["penalty"],
            severity=data["severity"],
            decided_on=data["decided_on"],
        ),
    ),
    "statement": (
        StatementForm,
        lambda result, user: (
            (
                (result.window_ends_on is not None and result.published_on is None)
                or result.enforcement_actions.filter(status=EnforcementAction.Status.OPEN).exists()
            )
            and selectors.may_handle_enforcement(user, result)
        ),
        lambda result, user, data: services.inspection_statement_record(
            target=data["target"] or result,
            actor=user,
            text=data["text"],
            received_on=data["received_on"],
        ),
    ),
    "hearing-request": (
        HearingRequestForm,
        lambda result, user: (
            result.enforcement_actions.filter(
                status=EnforcementAction.Status.OPEN, hearing_requested_on__isnull=True
            ).exists()
            and selectors.may_handle_enforcement(user, result)
        ),
        lambda result, user, data: services.enforcement_hearing_request(
            action=data["target"], actor=user, requested_on=data["requested_on"]
        ),
    ),
    "hearing-held": (
        HearingHeldForm,
        lambda result, user: (
            result.enforcement_actions.filter(
                hearing_requested_on__isnull=False, hearing_held_on__isnull=True
            ).exists()
            and selectors.may_handle_enforcement(user, result)
        ),
        lambda result, user, data: services.enforcement_hearing_held(
            action=data["target"],
            actor=user,
            held_on=data["held_on"],
            penalty=data["penalty"],
        ),
    ),
}
ACTION_TITLES = {
    "approve": gettext_lazy("Approve the result"),
    "return": gettext_lazy("Return it to the inspectors"),
    "enforce": gettext_lazy("Open an enforcement action (penalty)"),
    "statement": gettext_lazy("Record the subject's statement"),
    "hearing-request": gettext_lazy("Record a hearing request"),
    "hearing-held": gettext_lazy("Record that the hearing was held"),
}


def _action_form(name: str, result: InspectionResult, data=None):
    form_class = ACTIONS[name][0]
    if form_class in (ApproveForm, ReturnForm):
        return form_class(data, prefix=name)
    return form_class(data, prefix=name, result=result)


def _detail(request: HttpRequest, result: InspectionResult, *, bound=None, status: int = 200):
    actions = []
    for name, (_form_class, offered, _call) in ACTIONS.items():
        if not offered(result, request.user):
            continue
        form = bound[1] if bound is not None and bound[0] == name else _action_form(name, result)
        actions.append(
            {
                "name": name,
                "title": ACTION_TITLES[name],
                "form": form,
                "url": reverse("inspection_results_admin:action", args=[result.pk, name]),
            }
        )
    inspection = result.inspection
    enforcement_actions = list(
        result.enforcement_actions.select_related("credit_event", "record__item")
    )
    for action in enforcement_actions:
        action.notice_number = notices.notice_number(action)
    context = {
        "result": result,
        "inspection": inspection,
        "team": [inspector.full_name() for inspector in inspection.inspectors.all()],
        "item_records": selectors.item_records_of(result),
        "enforcement_actions": enforcement_actions,
        "result_notice_number": (notices.notice_number(result) if result.notice_sent_on else ""),
        "may_enter": selectors.may_enter_result(request.user, result)
        and result.status in InspectionResult.EDITABLE_STATUSES,
        "actions": actions,
        "audit_entries": selectors.inspection_result_audit_trail(result),
        **_workers_context(request.user, result),
    }
    return render(request, "inspections/admin/results/detail.html", context, status=status)


@forbidden_as_403
@require_GET
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The inspection, its on-site record, evidence, enforcement actions, the actions the user
    may take, and the audit trail."""
    _require_staff(request)
    return _detail(request, _result_or_403(request, pk))


@forbidden_as_403
@require_POST
def result_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One review or enforcement step; back to the result's page (400 with the messages when
    the input or the step is wrong, 403 when the user may not take it)."""
    _require_staff(request)
    result = _result_or_403(request, pk)
    if action not in ACTIONS:
        raise Http404
    if not ACTIONS[action][1](result, request.user):
        raise PermissionDenied
    form = _action_form(action, result, request.POST)
    if not form.is_valid():
        return _detail(request, result, bound=(action, form), status=400)
    try:
        ACTIONS[action][2](result, request.user, form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _detail(request, result, bound=(action, form), status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": ACTION_TITLES[action]})
    return redirect("inspection_results_admin:detail", pk=result.pk)


@forbidden_as_403
@require_http_methods(["GET", "POST"])
def result_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The on-site record form, for the assigned inspectors only (403 for anyone else): the
    result's fields, and per item the checklist, compliance, findings and new evidence. "Save"
    keeps it as a draft; "Submit for review" saves and submits."""
    _require_staff(request)
    result = _result_or_403(request, pk)
    if not selectors.may_enter_result(request.user, result):
        raise PermissionDenied
    if result.status not in InspectionResult.EDITABLE_STATUSES:
        messages.error(request, _("This result is no longer being entered."))
        return redirect("inspection_results_admin:detail", pk=result.pk)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = ResultForm(data, instance=result)
    item_forms = [
        ItemRecordForm(data, files, item_record=item_record)
        for item_record in selectors.item_records_of(result)
    ]
    worker_forms = [
        WorkerRecordForm(data, worker_record=worker_record)
        for worker_record in selectors.worker_records_of(result)
    ]
    status = 200
    if request.method == "POST":
        if all(f.is_valid() for f in [form, *item_forms, *worker_forms]):
            submitted = "submit" in request.POST
            try:
                _save(request, result, form, item_forms, worker_forms, submit=submitted)
            except ValidationError as error:
                _show_errors(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    _("The result is submitted for review.") if submitted else _("Saved."),
                )
                return redirect("inspection_results_admin:detail", pk=result.pk)
        else:
            status = 400
    return render(
        request,
        "inspections/admin/results/edit.html",
        {
            "result": result,
            "form": form,
            "item_forms": item_forms,
            "worker_forms": worker_forms,
            "worker_items": selectors.plan_worker_items(result.inspection.draw.plan)
            if worker_forms
            else [],
        },
        status=status,
    )


def _save(request, result, form, item_forms, worker_forms=(), *, submit: bool) -> None:
    user = request.user
    fields = {name: form.cleaned_data[name] for name in services.RESULT_FIELDS}
    item_values = {
        item_form.item_record.pk: {
            name: item_form.cleaned_data[name] for name in services.ITEM_RECORD_FIELDS
        }
        for item_form in item_forms
    }
    # The evidence and the record are saved together; submission is its own step, so a result
    # that is not complete yet is still saved as a draft.
    with transaction.atomic():
        services.inspection_result_save(
            result=result, actor=user, item_records=item_values, **fields
        )
        for item_form in item_forms:
            if item_form.cleaned_data["evidence"]:
                services.inspection_evidence_add(
                    item_record=item_form.item_record,
                    actor=user,
                    files=item_form.cleaned_data["evidence"],
                )
        if worker_forms:
            services.inspection_worker_findings_save(
                result=result,
                actor=user,
                worker_records={
                    worker_form.worker_record.pk: {
                        name: worker_form.cleaned_data[name]
                        for name in services.WORKER_RECORD_FIELDS
                    }
                    for worker_form in worker_forms
                },
            )
    if submit:
        services.inspection_result_submit(result=result, actor=user)


def _show_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@forbidden_as_403
@require_GET
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """A file of evidence, for staff who may see its result only (audited as
    `inspections.evidence.downloaded`); always as a download, never rendered in the page."""
    _require_staff(request)
    result = _result_or_403(request, pk)
    evidence = InspectionEvidence.objects.filter(pk=evidence_pk, record__result=result).first()
    if evidence is None or not evidence.file:
        raise Http404
    audit.record(
        action="inspections.evidence.downloaded",
        obj=evidence,
        actor=request.user,
        data={"result": result.pk, "sha256": evidence.sha256},
    )
    return private_download(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


def _workers_context(user, result: InspectionResult) -> dict:
    """The foreign workers the inspection covers, for those who may see them (STAFF ONLY: the
    assigned inspectors and the worker roles of the authority's scope, not its editors)."""
    if not selectors.may_see_workers(user, result):
        return {"worker_records": [], "worker_items": []}
    worker_records = list(selectors.worker_records_of(result))
    return {
        "worker_records": worker_records,
        "worker_items": list(selectors.plan_worker_items(result.inspection.draw.plan))
        if worker_records
        else [],
    }


@forbidden_as_403
@require_GET
def notice_download(request: HttpRequest, pk: int, action_pk: int | None = None) -> FileResponse:
    """The notice to the subject of a notified result, or with `action_pk` the advance notice
    of one of its penalties (PDF; `?language=zh-hans`, the default, or `en`), for staff who may
    see the result; 404 when there is no such notice. Audited as
    `inspections.notice.downloaded` on the result or the penalty."""
    _require_staff(request)
    result = _result_or_403(request, pk)
    language = request.GET.get("language", "zh-hans")
    if language not in notices.NOTICE_LANGUAGES:
        raise Http404
    if action_pk is None:
        notified = result if result.notice_sent_on is not None else None
    else:
        notified = (
            result.enforcement_actions.select_related(
                "credit_event__organisation", "credit_event__authority", "record__item", "result"
            )
            .filter(pk=action_pk)
            .first()
        )
    if notified is None:
        raise Http404
    number = notices.notice_number(notified)
    pdf = notices.notice_render(notified=notified, language=language)
    audit.record(
        action="inspections.notice.downloaded",
        obj=notified,
        actor=request.user,
        data={"number": number, "language": language},
    )
    return private_download(
        ContentFile(pdf), filename=f"{number}.pdf", content_type="application/pdf"
    )
