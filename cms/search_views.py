"""The search page with its tabs: "Credit records" (organisations, from Elasticsearch; the
default) and "Pages" (the CMS pages, from Wagtail's search backend), on one address
(`/search/`, `?tab=pages`), each tab showing the other's hit count and keeping `q`.

The view lives in `cms` because of the dependency rule: `cms` may use `search` (the credit
search view and its queries), while `search` must not reach into the page tree. The credit tab
is `search.views.organisation_search` itself, handed the tabs to show.
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from cms.selectors import page_search_summary, pages_search
from search import views as search_views
from search.client import SearchUnavailable
from search.forms import SiteSearchTabForm
from search.queries import OrganisationQuery
from search.results import organisations_search

PAGE_RESULTS_SIZE = 20


def _tab_links(q: str, active: str, *, credit_count, pages_count) -> list[dict]:
    def url(tab: str) -> str:
        query = QueryDict(mutable=True)
        if q:
            query["q"] = q
        if tab != "credit":
            query["tab"] = tab
        return "?" + query.urlencode() if query else "?"

    return [
        {
            "key": "credit",
            "label": SiteSearchTabForm.TABS[0][1],
            "url": url("credit"),
            "count": credit_count,
            "active": active == "credit",
        },
        {
            "key": "pages",
            "label": SiteSearchTabForm.TABS[1][1],
            "url": url("pages"),
            "count": pages_count,
            "active": active == "pages",
        },
    ]


def _credit_count(q: str) -> int | None:
    """How many organisations the credit tab would find (None when the index is down)."""
    try:
        return organisations_search(OrganisationQuery(text=q)).total
    except SearchUnavailable:
        return None


def site_search(request: HttpRequest) -> HttpResponse:
    if request.GET.get("tab") != "pages":
        tabs_form = SiteSearchTabForm({"q": request.GET.get("q", "")})
        q = tabs_form.cleaned_data["q"] if tabs_form.is_valid() else ""
        tabs = None
        if q:
            tabs = _tab_links(q, "credit", credit_count=None, pages_count=pages_search(q).count())
        return search_views.organisation_search(request, tabs=tabs)

    tabs_form = SiteSearchTabForm(request.GET)
    if not tabs_form.is_valid():
        context = {
            "form": tabs_form,
            "tab": "pages",
            "tabs": _tab_links("", "pages", credit_count=None, pages_count=None),
        }
        return render(request, "search/organisation_search.html", context, status=400)
    q = tabs_form.cleaned_data["q"]
    context = {"form": tabs_form, "tab": "pages", "q": q}
    if not q:
        context["tabs"] = _tab_links("", "pages", credit_count=None, pages_count=None)
        return render(request, "search/organisation_search.html", context)
    page = Paginator(pages_search(q), PAGE_RESULTS_SIZE).get_page(
        tabs_form.cleaned_data.get("page")
    )
    for item in page.object_list:
        item.search_summary = page_search_summary(item)
        item.type_name = item._meta.verbose_name
        item.shown_date = getattr(item, "published_on", None) or (
            item.last_published_at.date() if item.last_published_at else None
        )
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        tabs=_tab_links(
            q, "pages", credit_count=_credit_count(q), pages_count=page.paginator.count
        ),
        page_results=page,
        query_without_page=query.urlencode(),
    )
    return render(request, "search/organisation_search.html", context)
