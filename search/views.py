"""Public pages of the credit search: the search page and an organisation's record."""

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language

from cms.selectors import typical_cases_for_organisation
from portal.records import credit
from portal.records.selectors import organisation_get_by_uscc, public_events
from search.client import SearchUnavailable
from search.documents import region_chain
from search.forms import OrganisationSearchForm
from search.normalise import uscc_candidate
from search.queries import MAX_FROM
from search.results import OrganisationResults, organisations_search

# Changing what is searched starts again at the first page.
_PAGING = ("page", "after")


def _url(params: QueryDict, **changes: str | None) -> str:
    query = params.copy()
    for key in (*_PAGING, *changes):
        query.pop(key, None)
    for key, value in changes.items():
        if value:
            query[key] = value
    return "?" + query.urlencode()


def _links(params: QueryDict, results: OrganisationResults) -> dict:
    """Facet, filter-removal and paging links that keep everything else in the URL."""
    query = results.query
    facets = {
        name: [
            {
                "value": value,
                "url": _url(params, **{name: None if value.selected else value.value}),
            }
            for value in values
        ]
        for name, values in results.facets.items()
    }
    if query.province:  # choosing another province forgets the city
        for item in facets.get("province", []):
            item["url"] = _url(
                params,
                province=None if item["value"].selected else item["value"].value,
                prefecture=None,
            )
    paging = params.copy()
    for key in _PAGING:
        paging.pop(key, None)
    links = {"facets": facets}
    if results.has_next:
        paging["page"] = str(query.page + 1)
        paging["after"] = results.next_cursor
        links["next"] = "?" + paging.urlencode()
    if query.page > 1 and (query.page - 1) * query.size <= MAX_FROM:
        paging.pop("after", None)
        paging["page"] = str(query.page - 1)
        links["previous"] = "?" + paging.urlencode()
    return links


def organisation_search(request: HttpRequest, *, tabs: list[dict] | None = None) -> HttpResponse:
    """The credit search. `tabs`: the search page's tabs (cms.search_views.site_search, which
    serves this address), shown above the results with this tab's count filled in."""
    form = OrganisationSearchForm(request.GET or None)
    context: dict = {"form": form, "results": None, "tab": "credit", "tabs": tabs}
    if not request.GET:
        return render(request, "search/organisation_search.html", context)
    if not form.is_valid():
        return render(request, "search/organisation_search.html", context, status=400)
    query = form.to_query()
    code = uscc_candidate(query.text) if query.text else None
    if code and not query.is_filtered and organisation_get_by_uscc(code):
        # An exact code goes straight to its record.
        return redirect("organisation_detail", uscc=code)
    try:
        results = organisations_search(query)
    except SearchUnavailable:
        return render(request, "search/search_unavailable.html", context, status=503)
    if tabs:
        tabs[0]["count"] = results.total
    context.update(results=results, links=_links(request.GET, results))
    return render(request, "search/organisation_search.html", context)


def organisation_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    """An organisation's public credit record: profile, rating and its rule, and the events
    shown today (through the selectors that apply the credit clock) with its statements."""
    code = uscc_candidate(uscc)
    if code is None:  # wrong length, characters or check character: no record can have it
        raise Http404
    if code != uscc:  # lower case, spaces, dashes, full width: one address per record
        return redirect("organisation_detail", uscc=code, permanent=True)
    organisation = organisation_get_by_uscc(code)
    if organisation is None:
        raise Http404
    today = timezone.localdate()
    events = list(public_events(organisation, on=today))
    for event in events:
        # A list entry stays shown with its removal after it ends: say whether it is in force.
        event.list_in_force = credit.list_entry_in_force(event, today)
    rule_language = "en" if (get_language() or "").startswith("en") else "zh-hans"
    context = {
        "organisation": organisation,
        "regions": region_chain(organisation),
        "events": events,
        "today": today,
        "rating_rule": credit.RATING_RULE[rule_language],
        "typical_cases": typical_cases_for_organisation(organisation),
    }
    return render(request, "search/organisation_detail.html", context)
