"""The public list's filters: bad values get a clear message and a 400."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.inspections import selectors
from portal.inspections.models import SubjectType


class ItemFilterForm(forms.Form):
    province = forms.RegexField(
        label=_("Province"),
        regex=r"^\d{2}0000$",
        required=False,
        error_messages={"invalid": _("A province is chosen by its six-digit region code.")},
    )
    subject_type = forms.ChoiceField(
        label=_("Inspection subject"),
        required=False,
        choices=[("", _("All subjects")), *SubjectType.choices],
    )
    department = forms.CharField(label=_("Responsible department"), required=False, max_length=128)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.provinces = list(selectors.provinces_for_items())

    def clean_province(self) -> str:
        code = self.cleaned_data["province"]
        if code and not any(p.region_id == code for p in self.provinces):
            raise forms.ValidationError(_("There is no provincial authority for this code."))
        return code

    def filters(self) -> selectors.ItemFilters:
        data = self.cleaned_data
        return selectors.ItemFilters(
            province=data.get("province") or "",
            subject_type=data.get("subject_type") or "",
            department=data.get("department") or "",
        )


class HistoryFilterForm(forms.Form):
    province = ItemFilterForm.base_fields["province"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.provinces = list(selectors.provinces_for_items())

    clean_province = ItemFilterForm.clean_province
