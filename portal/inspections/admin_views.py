"""Admin actions of the draw, each a thin view over a service: commit a draw of a plan, make
(reveal) a committed draw. Both need a POST and the right on that plan or draw by the staff
scope (`portal.inspections.permissions`: reviewers of its authority or above, superusers): a
plan or draw outside the user's scope is a 404, one in sight without the right a refusal. The
services audit them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.inspections import services
from portal.inspections.models import Draw
from portal.inspections.permissions import ScopedPermissionPolicy, draw_policy, plan_policy


class CommitForm(forms.Form):
    on = forms.DateField(
        label=gettext_lazy("reference date"),
        help_text=gettext_lazy("Subjects inspected in the exclusion window before it are spared."),
    )


def _scoped(policy: ScopedPermissionPolicy, request, action: str, pk: int):
    """The row `pk` if the user may take `action` on it: 404 outside their sight, else 403."""
    row = get_object_or_404(
        policy.instances_user_has_any_permission_for(request.user, ["view"]), pk=pk
    )
    if not policy.user_has_permission_for_instance(request.user, action, row):
        raise PermissionDenied
    return row


def _draw_admin_url(draw_row: Draw) -> str:
    return reverse("wagtailsnippets_inspections_draw:inspect", args=[draw_row.pk])


def draw_commit_view(request, plan_pk: int):
    plan = _scoped(plan_policy, request, "draw", plan_pk)
    form = CommitForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            draw_row = services.draw_commit(
                plan=plan, on=form.cleaned_data["on"], actor=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("Draw #%(number)s committed; its commitment is public.")
                % {"number": draw_row.pk},
            )
            return redirect(_draw_admin_url(draw_row))
    return TemplateResponse(
        request,
        "inspections/admin/draw_action.html",
        {
            "title": _("Commit a draw of %(plan)s") % {"plan": plan.title},
            "text": _(
                "The candidates and inspectors of today are frozen and published with the plan's "
                "parameters and the SHA-256 of a secret seed. The draw itself is made later."
            ),
            "form": form,
            "button": _("Commit the draw"),
        },
        status=400 if request.method == "POST" else 200,
    )


def draw_reveal_view(request, pk: int):
    draw_row = _scoped(draw_policy, request, "reveal", pk)
    error = None
    if request.method == "POST":
        try:
            services.draw_reveal(draw_row=draw_row, actor=request.user)
        except ValidationError as failure:
            error = " ".join(failure.messages)
        else:
            messages.success(request, _("The draw is made and its seed revealed."))
            return redirect(_draw_admin_url(draw_row))
    return TemplateResponse(
        request,
        "inspections/admin/draw_action.html",
        {
            "title": _("Make draw #%(number)s") % {"number": draw_row.pk},
            "text": _(
                "The seed is revealed and the draw run on the committed files; the result and "
                "the joint inspections are recorded and published."
            ),
            "error": error,
            "button": _("Make the draw"),
        },
        status=400 if error else 200,
    )
