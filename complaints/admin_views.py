"""The staff's complaint pages in the Wagtail admin (registered in complaints/wagtail_hooks.py):
the queue, a complaint's page with its actions, the attachment downloads, and the supervisor's
overview.

Thin views: who sees what is `complaints.selectors.complaints_visible_to` (a complaint the user
may not see answers 404, the same as one that does not exist); every action is a service of
`complaints.services`, which checks the same rule again, writes the timeline and the audit
trail, and e-mails the complainant.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from complaints import selectors, services
from complaints.admin_forms import (
    AcceptForm,
    ApprovePublicationForm,
    AssignForm,
    ConcludeForm,
    ExtendDeadlineForm,
    NotAcceptForm,
    NoteForm,
    PublicationForm,
    QueueFilterForm,
    RequestInformationForm,
    SubjectOfficerForm,
    TransferForm,
)
from complaints.models import Complaint, ComplaintAttachment
from portal.core import audit
from portal.core.downloads import private_download

QUEUE_PAGE_SIZE = 50

# The actions, each with its form, the statuses it is offered in, and how it calls its service.
ACTIONS = {
    "assign": (
        AssignForm,
        Complaint.OPEN_STATUSES,
        lambda c, user, d: services.complaint_assign(complaint=c, actor=user, officer=d["officer"]),
    ),
    "note": (
        NoteForm,
        None,
        lambda c, user, d: services.complaint_note_add(complaint=c, actor=user, text=d["text"]),
    ),
    "accept": (
        AcceptForm,
        (Complaint.Status.RECEIVED, Complaint.Status.INFORMATION_REQUESTED),
        lambda c, user, d: services.complaint_accept(
            complaint=c, actor=user, public_text=d["public_text"]
        ),
    ),
    "not-accept": (
        NotAcceptForm,
        (Complaint.Status.RECEIVED, Complaint.Status.INFORMATION_REQUESTED),
        lambda c, user, d: services.complaint_not_accept(
            complaint=c, actor=user, reason=d["reason"], rule=d["rule"]
        ),
    ),
    "request-information": (
        RequestInformationForm,
        (
            Complaint.Status.RECEIVED,
            Complaint.Status.ACCEPTED,
            Complaint.Status.UNDER_INVESTIGATION,
        ),
        lambda c, user, d: services.complaint_request_information(
            complaint=c, actor=user, text=d["text"]
        ),
    ),
    "extend": (
        ExtendDeadlineForm,
        Complaint.OPEN_STATUSES,
        lambda c, user, d: services.complaint_deadline_extend(
            complaint=c, actor=user, new_deadline=d["new_deadline"], reason=d["reason"]
        ),
    ),
    "transfer": (
        TransferForm,
        Complaint.OPEN_STATUSES,
        lambda c, user, d: services.complaint_transfer(
            complaint=c, actor=user, to_authority=d["to_authority"], reason=d["reason"]
        ),
    ),
    "officer-match": (
        SubjectOfficerForm,
        None,
        lambda c, user, d: services.complaint_subject_officer_correct(
            complaint=c, actor=user, officer=d["officer"], reason=d["reason"]
        ),
    ),
    "conclude": (
        ConcludeForm,
        (
            Complaint.Status.ACCEPTED,
            Complaint.Status.UNDER_INVESTIGATION,
            Complaint.Status.INFORMATION_REQUESTED,
        ),
        lambda c, user, d: services.complaint_conclude(
            complaint=c, actor=user, outcome=d["outcome"], credit_event=d["credit_event"]
        ),
    ),
    "publication": (
        PublicationForm,
        (Complaint.Status.CONCLUDED,),
        lambda c, user, d: services.complaint_publication_write(
            complaint=c, actor=user, text=d["text"]
        ),
    ),
    "approve-publication": (
        ApprovePublicationForm,
        (Complaint.Status.CONCLUDED,),
        lambda c, user, d: services.complaint_publication_approve(complaint=c, actor=user),
    ),
}
# Publication is offered only with the complainant's consent, about an organisation of the
# records; approval only of a draft that someone else wrote.
ACTION_CONDITIONS = {
    "publication": lambda c, user: c.consent_to_publish and c.subject_organisation_id is not None,
    "approve-publication": lambda c, user: (
        bool(c.publication_text)
        and c.publication_approved_at is None
        and c.publication_written_by_id != user.pk
    ),
    # Correcting the matched officer: complaints about an officer, for their supervisors.
    "officer-match": lambda c, user: (
        c.subject_kind == Complaint.SubjectKind.OFFICER
        and selectors.may_correct_subject_officer(user, c)
    ),
}
ACTION_TITLES = {
    "assign": gettext_lazy("Assign"),
    "note": gettext_lazy("Add an internal note"),
    "accept": gettext_lazy("Accept"),
    "not-accept": gettext_lazy("Do not accept"),
    "request-information": gettext_lazy("Request information"),
    "extend": gettext_lazy("Extend the deadline"),
    "transfer": gettext_lazy("Transfer to another authority"),
    "officer-match": gettext_lazy("Correct the officer complained about"),
    "conclude": gettext_lazy("Conclude"),
    "publication": gettext_lazy("Write the anonymised outcome for publication"),
    "approve-publication": gettext_lazy("Approve and publish the anonymised outcome"),
}


def _may_handle(request: HttpRequest) -> None:
    user = request.user
    if not (user.is_superuser or selectors.may_handle_complaints(user)):
        raise PermissionDenied


def _form(name: str, complaint: Complaint, data=None):
    form_class = ACTIONS[name][0]
    if form_class in (AssignForm, ConcludeForm, SubjectOfficerForm):
        return form_class(data, complaint=complaint, prefix=name)
    return form_class(data, prefix=name)


def _complaint_or_404(request: HttpRequest, pk: int) -> Complaint:
    complaint = selectors.complaint_for_staff(request.user, pk)
    if complaint is None:
        raise Http404
    return complaint


@require_GET
def complaint_queue(request: HttpRequest) -> HttpResponse:
    """The complaints routed to the authorities in the user's scope that they may see, with
    filters (status, category, overdue); the most urgent first."""
    _may_handle(request)
    form = QueueFilterForm(request.GET or None)
    status = 200
    complaints = Complaint.objects.none()
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        complaints = selectors.complaints_queue(
            request.user,
            status=data.get("status") or "",
            category=data.get("category"),
            overdue=bool(data.get("overdue")),
        )
    page = Paginator(complaints, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/admin/queue.html",
        {
            "form": form,
            "page_obj": page,
            "query": query.urlencode(),
            "may_supervise": request.user.is_superuser
            or selectors.may_supervise_complaints(request.user),
        },
        status=status,
    )


def _detail(request: HttpRequest, complaint: Complaint, *, bound=None, status: int = 200):
    forms = []
    for name, (_form_class, statuses, _call) in ACTIONS.items():
        # The action just refused is shown with its message even where it is not offered.
        refused = bound is not None and bound[0] == name
        if not refused and statuses is not None and complaint.status not in statuses:
            continue
        condition = ACTION_CONDITIONS.get(name)
        if not refused and condition is not None and not condition(complaint, request.user):
            continue
        form = bound[1] if bound is not None and bound[0] == name else _form(name, complaint)
        forms.append(
            {
                "name": name,
                "title": ACTION_TITLES[name],
                "form": form,
                "url": reverse("complaints_admin:action", args=[complaint.pk, name]),
            }
        )
    events = list(complaint.events.select_related("authority").prefetch_related("attachments"))
    deadline = complaint.current_deadline
    context = {
        "complaint": complaint,
        "intake_attachments": complaint.attachments.filter(event__isnull=True),
        "events": events,
        "notes": complaint.notes.select_related("author"),
        "audit_entries": selectors.complaint_audit_trail(complaint),
        "supplements": complaint.supplements.all(),
        "supplement_to_visible": complaint.supplement_to_id is not None
        and selectors.complaint_visible(request.user, complaint.supplement_to),
        "deadline": deadline,
        "overdue": complaint.is_overdue(timezone.localdate()),
        "actions": forms,
    }
    return render(request, "complaints/admin/detail.html", context, status=status)


@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything filed, the attachments, the timeline, the notes, the audit trail, and the
    actions possible in the complaint's status."""
    _may_handle(request)
    return _detail(request, _complaint_or_404(request, pk))


@require_POST
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One handling action; back to the complaint's page (400 with the messages when the input
    or the step is wrong)."""
    _may_handle(request)
    complaint = _complaint_or_404(request, pk)
    if action not in ACTIONS:
        raise Http404
    form = _form(action, complaint, request.POST)
    if not form.is_valid():
        return _detail(request, complaint, bound=(action, form), status=400)
    try:
        ACTIONS[action][2](complaint, request.user, form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _detail(request, complaint, bound=(action, form), status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": ACTION_TITLES[action]})
    if not selectors.complaint_visible(request.user, complaint):
        # Sent to an authority out of the user's scope: its page is no longer theirs.
        return redirect("complaints_admin:queue")
    return redirect("complaints_admin:detail", pk=complaint.pk)


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """An attachment, for staff who may see its complaint only (audited as
    `complaints.attachment.downloaded`); always as a download, never rendered in the page. Not
    while its malware scan is pending, and never when the scan flagged it."""
    _may_handle(request)
    complaint = _complaint_or_404(request, pk)
    attachment = ComplaintAttachment.objects.filter(pk=attachment_pk, complaint=complaint).first()
    if attachment is None or not attachment.file:
        raise Http404
    if not attachment.downloadable:
        # Flagged by the malware scan, or not scanned yet: the complaint's page says which.
        messages.error(
            request,
            _("%(name)s cannot be downloaded: %(scan)s.")
            % {"name": attachment.original_name, "scan": attachment.get_scan_display()},
        )
        return redirect("complaints_admin:detail", pk=complaint.pk)
    audit.record(
        action="complaints.attachment.downloaded",
        obj=attachment,
        actor=request.user,
        data={"complaint": complaint.pk, "sha256": attachment.sha256},
    )
    return private_download(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


@require_GET
def complaint_overview(request: HttpRequest) -> HttpResponse:
    """For supervisors: per authority in scope, open, overdue and ageing counts."""
    user = request.user
    if not (user.is_superuser or selectors.may_supervise_complaints(user)):
        raise PermissionDenied
    return render(
        request,
        "complaints/admin/overview.html",
        {
            "rows": selectors.complaints_workload(user),
            "bands": [label for label, _first, _last in selectors.AGEING_BANDS],
        },
    )
