"""Forms of the inspection result pages in the admin (portal/inspections/result_views.py).
Thin: the rules live in `portal.inspections.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.inspections.evidence import evidence_inspect
from portal.inspections.models import (
    EnforcementAction,
    InspectionItemRecord,
    InspectionResult,
    WorkerInspectionRecord,
)
from portal.records.models import CreditEvent

MAX_TEXT = 20_000


def _text(label, *, rows: int = 3, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DateInput(forms.DateInput):
    input_type = "date"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one input, each checked by its content (`evidence_inspect`)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = [item for item in (data or []) if item]
        if not uploads:
            return []
        return evidence_inspect(uploads)

    def to_python(self, data):
        return data


class ResultFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("any"))] + InspectionResult.Status.choices,
        required=False,
    )


class ResultForm(forms.ModelForm):
    """The result as a whole: date, place, participants, outcome and severity."""

    class Meta:
        model = InspectionResult
        fields = ["inspected_on", "place", "participants", "outcome", "severity"]
        widgets = {
            "inspected_on": DateInput(),
            "participants": forms.Textarea(attrs={"rows": 3}),
        }


COMPLIANCE_CHOICES = [("", _("not answered yet")), ("yes", _("complies")), ("no", _("fails"))]


class ItemRecordForm(forms.Form):
    """One item of the inspection: checklist, compliance, findings, evidence."""

    checklist = _text(
        _("Checklist"),
        rows=4,
        required=False,
        help_text=_("What was checked and the answer, one per line."),
    )
    compliant = forms.TypedChoiceField(
        label=_("Does the subject comply?"),
        choices=COMPLIANCE_CHOICES,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
    )
    findings = _text(_("Findings (staff only)"), rows=4, required=False)
    public_finding = forms.CharField(
        label=_("Finding for publication"),
        max_length=500,
        required=False,
        help_text=_("Shown on the credit record and the result notice: no personal data."),
    )
    evidence = EvidenceField(
        label=_("Add evidence"),
        required=False,
        help_text=_("PDF, JPEG, PNG or DOCX, at most 10 MB each; checked by their content."),
    )

    def __init__(self, *args, item_record: InspectionItemRecord, **kwargs) -> None:
        kwargs.setdefault("prefix", f"item-{item_record.pk}")
        kwargs.setdefault(
            "initial",
            {
                "checklist": item_record.checklist,
                "compliant": {True: "yes", False: "no"}.get(item_record.compliant, ""),
                "findings": item_record.findings,
                "public_finding": item_record.public_finding,
            },
        )
        super().__init__(*args, **kwargs)
        self.item_record = item_record


class ReturnForm(forms.Form):
    reason = _text(_("Reason for returning it"))


class ApproveForm(forms.Form):
    pass


class EnforcementForm(forms.Form):
    item_record = forms.ModelChoiceField(
        label=_("Finding"), queryset=InspectionItemRecord.objects.none(), empty_label="—"
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=100)
    legal_basis = _text(_("Legal basis"))
    facts = _text(_("Facts"), help_text=_("Published with the penalty: no personal data."))
    penalty = _text(_("Penalty"))
    severity = forms.ChoiceField(label=_("Severity"), choices=CreditEvent.Severity.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())

    def __init__(self, *args, result: InspectionResult, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["item_record"]
        field.queryset = result.item_records.filter(compliant=False).select_related("item")
        field.label_from_instance = lambda record: f"{record.item.code} {record.item.name}"


def _targets(result: InspectionResult):
    return EnforcementAction.objects.filter(result=result)


class StatementForm(forms.Form):
    """The subject's statement, about the result itself or one of its penalties."""

    target = forms.ModelChoiceField(
        label=_("Statement about"),
        queryset=EnforcementAction.objects.none(),
        required=False,
        empty_label=_("the inspection result"),
    )
    text = _text(_("Statement"), rows=5)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())

    def __init__(self, *args, result: InspectionResult, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = _targets(result).select_related("credit_event")
        self.fields["target"].label_from_instance = lambda action: action.credit_event.title


class HearingRequestForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Penalty"), queryset=EnforcementAction.objects.none(), empty_label=None
    )
    requested_on = forms.DateField(label=_("Requested on"), widget=DateInput())

    def __init__(self, *args, result: InspectionResult, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = _targets(result).filter(
            status=EnforcementAction.Status.OPEN, hearing_requested_on__isnull=True
        )
        self.fields["target"].label_from_instance = lambda action: action.credit_event.title


class HearingHeldForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Penalty"), queryset=EnforcementAction.objects.none(), empty_label=None
    )
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    penalty = _text(
        _("Penalty as decided after the hearing"),
        required=False,
        help_text=_("Leave empty when it did not change."),
    )

    def __init__(self, *args, result: InspectionResult, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = _targets(result).filter(
            hearing_requested_on__isnull=False, hearing_held_on__isnull=True
        )
        self.fields["target"].label_from_instance = lambda action: action.credit_event.title


# Foreign workers in a joint inspection (staff only) ------------------------------------------

WORKER_COMPLIANCE_CHOICES = [
    ("", _("not answered yet")),
    ("yes", _("complies")),
    ("no", _("problem found")),
]


class WorkerRecordForm(forms.Form):
    """One foreign worker covered by the inspection: complies, or the problem found. Goes to
    the worker's personal credit file, never to the public record."""

    compliant = forms.TypedChoiceField(
        label=_("Does the worker comply?"),
        choices=WORKER_COMPLIANCE_CHOICES,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
    )
    findings = _text(
        _("Problem found (staff only)"),
        rows=3,
        required=False,
        help_text=_("Goes to the worker's personal credit file on approval; never published."),
    )

    def __init__(self, *args, worker_record: WorkerInspectionRecord, **kwargs) -> None:
        kwargs.setdefault("prefix", f"worker-{worker_record.pk}")
        kwargs.setdefault(
            "initial",
            {
                "compliant": {True: "yes", False: "no"}.get(worker_record.compliant, ""),
                "findings": worker_record.findings,
            },
        )
        super().__init__(*args, **kwargs)
        self.worker_record = worker_record
