"""Validation of public search parameters: bad input gets a clear message and a 400."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from portal.core.forms import Form
from portal.records.models import CREDIT_RATINGS, CreditEvent, Organisation
from search import cursor
from search.queries import MAX_FROM, PAGE_SIZES, OrganisationQuery

MAX_QUERY_LENGTH = 200


class OrganisationSearchForm(Form):
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
    province = forms.RegexField(
        label=_("Province"), required=False, regex=r"^\d{2}0000$", max_length=6
    )
    prefecture = forms.RegexField(label=_("City"), required=False, regex=r"^\d{4}00$", max_length=6)
    rating = forms.ChoiceField(
        label=_("Credit rating"), required=False, choices=[("", _("All"))] + CREDIT_RATINGS
    )
    event = forms.ChoiceField(
        label=_("Event type"),
        required=False,
        choices=[("", _("All"))] + list(CreditEvent.Kind.choices),
    )
    penalised_within = forms.TypedChoiceField(
        label=_("Penalised in the last"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any time"))]
        + [(years, ngettext_lazy("%d year", "%d years", years) % years) for years in (1, 2, 3, 5)],
    )
    # ISO dates only, as the page's date inputs send them and the API documents them.
    event_from = forms.DateField(
        label=_("Events published from"), required=False, input_formats=["%Y-%m-%d"]
    )
    event_to = forms.DateField(label=_("to"), required=False, input_formats=["%Y-%m-%d"])
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("relevance", _("Relevance")), ("name", _("Name")), ("latest", _("Latest event"))],
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=10**7)
    after = forms.CharField(required=False, max_length=500)
    size = forms.TypedChoiceField(
        label=_("Results per page"),
        required=False,
        coerce=int,
        empty_value=PAGE_SIZES[0],
        choices=[(size, size) for size in PAGE_SIZES],
    )

    def chosen_facets(self) -> list:
        """The facet filters in use, for forms that must keep them (hidden inputs)."""
        names = ("kind", "province", "prefecture", "rating", "event")
        return [self[name] for name in names if self[name].value()]

    def clean_q(self) -> str:
        value = self.cleaned_data["q"]
        # Control characters carry no meaning in a name; drop them rather than refuse.
        return "".join(char for char in value if char.isprintable())

    def clean_after(self) -> tuple | None:
        value = self.cleaned_data["after"]
        if not value:
            return None
        try:
            return cursor.decode(value)
        except cursor.InvalidCursor:
            raise forms.ValidationError(
                _("This page link is damaged; go back to the first page of results.")
            ) from None

    def clean(self) -> dict:
        data = super().clean()
        page = data.get("page") or 1
        size = data.get("size") or PAGE_SIZES[0]
        start, end = data.get("event_from"), data.get("event_to")
        if start and end and start > end:
            self.add_error("event_to", _("The end of the date range is before its start."))
        if page * size > MAX_FROM and not data.get("after"):
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
            province=data.get("province") or None,
            prefecture=data.get("prefecture") or None,
            rating=data.get("rating") or None,
            event=data.get("event") or None,
            penalised_within=data.get("penalised_within"),
            event_from=data.get("event_from"),
            event_to=data.get("event_to"),
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
            size=data.get("size") or PAGE_SIZES[0],
            after=data.get("after"),
        )


class SiteSearchTabForm(Form):
    """What the search page's tabs share: the query, the tab, and the page of the pages tab."""

    TABS = (("credit", _("Credit records")), ("pages", _("Pages")))

    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, strip=True)
    tab = forms.ChoiceField(required=False, choices=TABS)
    page = forms.IntegerField(required=False, min_value=1, max_value=10**5)

    clean_q = OrganisationSearchForm.clean_q
