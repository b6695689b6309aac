"""Public pages of the credit search: the search page and an organisation's record."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from portal.records.selectors import organisation_get_by_uscc
from search.client import SearchUnavailable
from search.documents import region_chain
from search.forms import OrganisationSearchForm
from search.results import organisations_search


def organisation_search(request: HttpRequest) -> HttpResponse:
    form = OrganisationSearchForm(request.GET or None)
    context: dict = {"form": form, "results": None}
    if not request.GET:
        return render(request, "search/organisation_search.html", context)
    if not form.is_valid():
        return render(request, "search/organisation_search.html", context, status=400)
    try:
        context["results"] = organisations_search(form.to_query())
    except SearchUnavailable:
        return render(request, "search/search_unavailable.html", context, status=503)
    return render(request, "search/organisation_search.html", context)


def organisation_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    organisation = organisation_get_by_uscc(uscc)
    if organisation is None:
        raise Http404
    context = {"organisation": organisation, "regions": region_chain(organisation)}
    return render(request, "search/organisation_detail.html", context)
