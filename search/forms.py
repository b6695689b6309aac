"""Validation of public search parameters: bad input gets a clear message and a 400."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.records.models import Organisation
from search.queries import MAX_FROM, PAGE_SIZES, OrganisationQuery

MAX_QUERY_LENGTH = 200


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, pinyin or unified social credit code"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        strip=True,
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All"))] + list(Organisation.Kind.choices),
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)
    size = forms.TypedChoiceField(
        label=_("Results per page"),
        required=False,
        coerce=int,
        empty_value=PAGE_SIZES[0],
        choices=[(size, size) for size in PAGE_SIZES],
    )

    def clean_q(self) -> str:
        value = self.cleaned_data["q"]
        # Control characters carry no meaning in a name; drop them rather than refuse.
        return "".join(char for char in value if char.isprintable())

    def clean(self) -> dict:
        data = super().clean()
        page = data.get("page") or 1
        size = data.get("size") or PAGE_SIZES[0]
        if page * size > MAX_FROM:
            self.add_error(
                "page",
                _("Pages beyond result %(limit)s are not available here; narrow the search.")
                % {"limit": MAX_FROM},
            )
        return data

    def to_query(self) -> OrganisationQuery:
        data = self.cleaned_data
        return OrganisationQuery(
            text=data.get("q") or "",
            kind=data.get("kind") or None,
            page=data.get("page") or 1,
            size=data.get("size") or PAGE_SIZES[0],
        )
