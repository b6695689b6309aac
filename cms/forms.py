"""Filters of the public lists. Values that do not validate are ignored (HTML) or refused with
400 (feeds, JSON); they never reach a query."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import NewsPage, TypicalCasePage
from portal.core.models import Region

MIN_YEAR = 2000
MAX_YEAR = 2100


def province_choices() -> list[tuple[str, str]]:
    provinces = Region.objects.filter(level=Region.Level.PROVINCE, is_active=True).order_by("code")
    return [("", _("All provinces"))] + [(region.code, region.name) for region in provinces]


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            min_value=MIN_YEAR,
            max_value=MAX_YEAR,
            label=_("Year"),
            # A text box, not type=number: a value that did not validate is shown back as typed
            # (type=number may not hold "abc"), and the field says what went wrong.
            widget=forms.TextInput(
                attrs={"placeholder": _("any"), "inputmode": "numeric", "pattern": "[0-9]{4}"}
            ),
            **kwargs,
        )


class ProvinceFormMixin(forms.Form):
    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = province_choices()


class CaseFilterForm(ProvinceFormMixin):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *TypicalCasePage.Status.choices],
    )
    year = YearField()


class NoticeFilterForm(ProvinceFormMixin):
    year = YearField()


class NewsFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *NewsPage.Category.choices],
    )
