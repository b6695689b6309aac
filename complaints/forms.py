"""The public complaint form and the tracking form. Thin: the intake rules live in
`complaints.services`, and the form only reports them next to the fields they concern."""

import re
import uuid
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints import captcha, codes
from complaints.attachments import attachments_inspect
from complaints.models import Complaint, ComplaintCategory
from complaints.selectors import (
    authorities_for_form,
    categories_for_form,
    category_for_form,
    form_choice_get,
    regions_for_form,
)
from complaints.services import complaint_rules_check
from portal.core.forms import Form
from portal.core.templatetags.bilingual import is_english
from portal.records import uscc
from portal.records.models import Organisation
from portal.records.selectors import organisation_named

MAX_NARRATIVE = 20_000
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _bilingual(obj, field: str) -> str:
    english = getattr(obj, f"{field}_en", "") if is_english() else ""
    return english or getattr(obj, field)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each inspected by content (`complaints.attachments`)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = [item for item in (data or []) if item]
        if not uploads:
            return []
        return attachments_inspect(uploads)

    def to_python(self, data):
        return data


class KeptChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that finds the chosen object among the choices each process keeps
    (`find(key)`, see complaints.selectors) and asks the database only when it is not there."""

    def __init__(self, *, find, **kwargs) -> None:
        super().__init__(**kwargs)
        self.find = find

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = self.find(str(value))
        return found if found is not None else super().to_python(value)


def _category_find(key: str) -> ComplaintCategory | None:
    return category_for_form(int(key)) if key.isdigit() else None


class CategoryChoiceField(KeptChoiceField):
    """The category tree as a select: top-level categories with children become groups."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            queryset=ComplaintCategory.objects.filter(is_active=True),
            find=_category_find,
            **kwargs,
        )

    def tree_choices(self) -> list:
        categories = categories_for_form()
        parents = {category.parent_id for category in categories if category.parent_id}
        choices: list = [("", "—")]
        groups: dict[int, list] = {}
        for category in categories:
            label = _bilingual(category, "name")
            if category.pk in parents:
                groups[category.pk] = []
                choices.append((label, groups[category.pk]))
            elif category.parent_id in groups:
                groups[category.parent_id].append((category.pk, label))
            else:
                choices.append((category.pk, label))
        return choices


class ComplaintForm(Form):
    """Who you are, whom it is about, what happened, how to reach you, consent."""

    form_token = forms.CharField(widget=forms.HiddenInput, max_length=32)
    # The honeypot: hidden from people by CSS, filled in by bots that fill in every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    complainant_kind = forms.ChoiceField(
        label=_("I am"), choices=Complaint.ComplainantKind.choices, widget=forms.RadioSelect
    )
    anonymous = forms.BooleanField(
        label=_("File anonymously"),
        required=False,
        help_text=_(
            "Allowed for reports (categories marked as such). Your name is not recorded and you "
            "need not give a contact; the authority then cannot ask you questions or tell you "
            "the outcome directly, so keep your tracking number and access code to follow it here."
        ),
    )
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("We send your tracking number and every change to this address."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    subject_kind = forms.ChoiceField(
        label=_("The complaint is about"),
        choices=Complaint.SubjectKind.choices,
        widget=forms.RadioSelect,
    )
    organisation = forms.CharField(
        label=_("Employer or agency: name or unified social credit code"),
        max_length=200,
        required=False,
        help_text=_("Pick it from the suggestions, or type it if it is not listed."),
    )
    subject_uscc = forms.CharField(
        label=_("Its unified social credit code, if you know it"), max_length=24, required=False
    )
    subject_region = KeptChoiceField(
        find=partial(form_choice_get, "region"),
        label=_("City where it is"),
        queryset=regions_for_form(),
        required=False,
        empty_label="—",
        help_text=_("For an organisation not in the records: decides which authority handles it."),
    )
    subject_authority = KeptChoiceField(
        find=partial(form_choice_get, "authority"),
        label=_("Authority"),
        queryset=authorities_for_form(),
        required=False,
        empty_label="—",
        help_text=_("The authority, or the authority the officer works for."),
    )
    officer_name = forms.CharField(
        label=_("Officer's name or badge number"), max_length=200, required=False
    )

    category = CategoryChoiceField(label=_("What kind of problem"))
    what_happened = forms.CharField(
        label=_("What happened"), max_length=MAX_NARRATIVE, widget=forms.Textarea(attrs={"rows": 8})
    )
    happened_when = forms.CharField(label=_("When"), max_length=200, required=False)
    happened_where = forms.CharField(label=_("Where"), max_length=200, required=False)
    wanted_outcome = forms.CharField(
        label=_("What you want the authority to do"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = AttachmentsField(
        label=_("Evidence"),
        required=False,
        help_text=_(
            "Optional: up to 5 files, PDF, JPEG, PNG or Word (DOCX), at most 10 MB each. "
            "Location and camera data are removed from photos. Only the authority sees them."
        ),
    )
    consent_to_publish = forms.BooleanField(
        label=_(
            "The authority may publish the outcome without my name or any detail that identifies me"
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = self.fields["category"].tree_choices()
        self.fields["subject_authority"].label_from_instance = lambda a: _bilingual(a, "name")
        self.fields["subject_region"].label_from_instance = lambda r: r.name
        self.fields["organisation"].widget.attrs.update(
            {
                "autocomplete": "off",
                "list": "organisation-suggestions",
                "data-suggest": "/api/suggest",
            }
        )
        self.fields["attachments"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.docx"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        if captcha.mode() == "altcha":
            self.fields["altcha"] = forms.CharField(
                label=_("Verification"),
                required=False,
                widget=forms.HiddenInput,
            )
        elif captcha.mode() == "recaptcha":
            self.fields["captcha"] = captcha.RecaptchaField(label=_("Verification"))
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4().hex)

    @classmethod
    def about(cls, organisation: Organisation) -> "ComplaintForm":
        """A blank form already about `organisation`: named by its name where that alone names
        it, else by its USCC."""
        named = organisation_named(organisation.name) == organisation
        return cls(
            initial={
                "subject_kind": Complaint.SubjectKind.ORGANISATION,
                "organisation": organisation.name if named else organisation.uscc,
            }
        )

    @property
    def is_spam(self) -> bool:
        """The honeypot was filled in."""
        return bool(self.data.get("website"))

    def clean_form_token(self) -> str:
        token = self.cleaned_data["form_token"]
        if not _TOKEN.fullmatch(token):
            raise ValidationError(_("The form has expired; please reload the page."))
        return token

    def clean_subject_uscc(self) -> str:
        value = uscc.compact(self.cleaned_data["subject_uscc"] or "")
        if value and not uscc.is_valid(value):
            raise ValidationError(_("This is not a valid unified social credit code."))
        return value

    def clean_altcha(self) -> str:
        payload = self.cleaned_data.get("altcha") or ""
        if not captcha.altcha_verify(payload):
            raise ValidationError(
                _("Please complete the verification (tick “I'm not a robot” and wait a moment).")
            )
        return payload

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("subject_kind")
        if kind == Complaint.SubjectKind.ORGANISATION:
            query = (data.get("organisation") or "").strip()
            if not query:
                self.add_error("organisation", _("Name the employer or agency."))
            else:
                organisation = organisation_named(query)
                data["subject_organisation"] = organisation
                data["subject_name"] = "" if organisation else query
                if organisation is None and uscc.is_valid(uscc.compact(query)):
                    data["subject_uscc"] = data.get("subject_uscc") or uscc.compact(query)
        elif kind in (Complaint.SubjectKind.AUTHORITY, Complaint.SubjectKind.OFFICER):
            if data.get("subject_authority") is None:
                self.add_error("subject_authority", _("Choose the authority."))
            if kind == Complaint.SubjectKind.OFFICER:
                if not (data.get("officer_name") or "").strip():
                    self.add_error(
                        "officer_name", _("Name the officer, or give their badge number.")
                    )
                data["subject_name"] = (data.get("officer_name") or "").strip()
            else:
                data["subject_name"] = ""
        category = data.get("category")
        if category is not None:
            rules = complaint_rules_check(
                category=category,
                anonymous=bool(data.get("anonymous")),
                email=data.get("email") or "",
                phone=data.get("phone") or "",
            )
            for field, message in rules.items():
                self.add_error(field, message)
        return data


class TrackForm(Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        help_text=_("For example TS-2026-7K3M-Q9XA"),
    )
    access_code = forms.CharField(label=_("Access code"), max_length=40)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tracking_number"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )
        self.fields["access_code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )

    def clean_tracking_number(self) -> str:
        number = codes.tracking_number_normalise(self.cleaned_data["tracking_number"])
        if number is None:
            raise ValidationError(
                _(
                    "This is not a tracking number: check each character "
                    "(the last one is a check character)."
                )
            )
        return number


# Follow-up on the tracking page: each form is sent with the number and the code (checked again
# by `TrackForm`) and has its own prefix, so the three can share the page.


class AnswerForm(Form):
    """The complainant's answer to a request for information, with more evidence (the same
    checks as at intake)."""

    text = forms.CharField(
        label=_("Your answer"),
        max_length=MAX_NARRATIVE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = AttachmentsField(
        label=_("More evidence"),
        required=False,
        help_text=_(
            "Optional: up to 5 files, PDF, JPEG, PNG or Word (DOCX), at most 10 MB each. "
            "Location and camera data are removed from photos. Only the authority sees them."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "answer")
        super().__init__(*args, **kwargs)
        self.fields["attachments"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.docx"

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not (data.get("text") or "").strip() and not data.get("attachments"):
            raise ValidationError(_("Write your answer or attach a file."))
        return data


class RatingForm(Form):
    """Satisfaction with a concluded complaint, once."""

    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling?"),
        choices=[
            (5, _("5 – very satisfied")),
            (4, _("4 – satisfied")),
            (3, _("3 – neither")),
            (2, _("2 – dissatisfied")),
            (1, _("1 – very dissatisfied")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "rate")
        super().__init__(*args, **kwargs)


class ReviewForm(Form):
    """A request for review by the level above."""

    grounds = forms.CharField(
        label=_("Why you ask for a review"),
        max_length=MAX_NARRATIVE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "review")
        super().__init__(*args, **kwargs)
