"""Forms of the staff's complaint pages in the Wagtail admin: the queue's filters and one form
per handling action. Thin: the rules live in `complaints.services`."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintCategory
from complaints.selectors import (
    authorities_for_form,
    credit_events_for_outcome,
    officers_assignable,
    officers_of_authority,
)
from portal.core.templatetags.bilingual import is_english

MAX_TEXT = 20_000


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("any"))] + Complaint.Status.choices, required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ComplaintCategory.objects.all(),
        required=False,
        empty_label=_("any"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


def _text(label, *, rows: int = 3, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(
        label=_("Officer"), queryset=get_user_model().objects.none(), empty_label="—"
    )

    def __init__(self, *args, complaint: Complaint, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = [user.pk for user in officers_assignable(complaint)]
        field = self.fields["officer"]
        field.queryset = get_user_model().objects.filter(pk__in=allowed).order_by("username")
        field.label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.username})" if user.get_full_name() else user.username
        )


class NoteForm(forms.Form):
    text = _text(_("Internal note"), help_text=_("Seen by staff only, never by the complainant."))


class AcceptForm(forms.Form):
    public_text = _text(
        _("Message to the complainant (optional)"),
        required=False,
        help_text=_("Shown on the tracking page and e-mailed."),
    )


class NotAcceptForm(forms.Form):
    reason = _text(_("Reason"), help_text=_("Shown on the tracking page and e-mailed."))
    rule = forms.CharField(label=_("Rule"), max_length=500)


class RequestInformationForm(forms.Form):
    text = _text(
        _("What you need from the complainant"),
        rows=4,
        help_text=_("Shown on the tracking page and e-mailed; they answer there."),
    )


class ExtendDeadlineForm(forms.Form):
    new_deadline = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = _text(_("Reason"), help_text=_("Shown on the tracking page and e-mailed."))


class ConcludeForm(forms.Form):
    outcome = _text(_("Outcome"), rows=5, help_text=_("Shown on the tracking page and e-mailed."))
    credit_event = forms.ModelChoiceField(
        label=_("Enforcement action on the credit record (optional)"),
        queryset=None,
        required=False,
        empty_label="—",
    )

    def __init__(self, *args, complaint: Complaint, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credit_event"].queryset = credit_events_for_outcome(complaint)
        self.fields["credit_event"].label_from_instance = lambda event: (
            f"{event.published_on:%Y-%m-%d} {event.title} ({event.reference})"
        )


class PublicationForm(forms.Form):
    text = _text(
        _("Anonymised outcome"),
        rows=5,
        help_text=_(
            "Published on the organisation's record once a second person approves it. Leave "
            "out names, contacts, dates of birth, passport numbers and anything else that "
            "identifies the complainant."
        ),
    )


class ApprovePublicationForm(forms.Form):
    """Approving needs no input: the button is the decision."""


class TransferForm(forms.Form):
    """Send the complaint to another authority (转办); the service checks where it may go."""

    to_authority = forms.ModelChoiceField(
        label=_("Send to"),
        queryset=authorities_for_form(),
        empty_label="—",
        help_text=_(
            "A complaint about an officer or an authority can only go to an authority above "
            "the one complained about."
        ),
        error_messages={"invalid_choice": _("Choose a live authority from the list.")},
    )
    reason = _text(
        _("Reason"),
        help_text=_("Shown on the tracking page and e-mailed, with the authority it goes to."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_authority"].label_from_instance = lambda authority: (
            f"{authority.name} ({authority.name_en})"
            if is_english() and authority.name_en
            else authority.name
        )


class SubjectOfficerForm(forms.Form):
    """Correct the staff user matched to the officer complained about, or clear the match."""

    officer = forms.ModelChoiceField(
        label=_("Officer complained about"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("— nobody (clear the match) —"),
        help_text=_("A staff member of the authority complained about; they never see it."),
        error_messages={
            "invalid_choice": _("Choose a staff member of the authority complained about.")
        },
    )
    reason = _text(_("Reason for the correction"), help_text=_("Kept in the audit trail."))

    def __init__(self, *args, complaint: Complaint, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        field.queryset = officers_of_authority(complaint.subject_authority)
        field.initial = complaint.subject_officer_id
        field.label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.username})" if user.get_full_name() else user.username
        )
