"""Reads for the public pages: latest items, key figures, an organisation's typical cases, and
the site search over the pages."""

import datetime
import re
import statistics
from collections.abc import Sequence

from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page, get_page_models
from wagtail.search import index

from cms import localisation
from cms.models import (
    InspectionResultNoticeIndexPage,
    NewsIndexPage,
    TypicalCaseIndexPage,
    TypicalCasePage,
)
from complaints.models import Complaint, ComplaintEvent
from portal.records.models import CreditEvent, Organisation
from portal.records.selectors import credit_events_public

LATEST_COUNT = 5
# The key figures count whole tables; every home page view would pay for that. Five minutes
# late is fine for figures that change daily.
KEY_FIGURES_CACHE_SECONDS = 300


def latest(model: type[Page], *, count: int = LATEST_COUNT) -> list[Page]:
    """The newest live pages of `model` in the active language (Chinese where untranslated)."""
    pages = localisation.localized_live_pages(model).order_by("-published_on", "-pk")
    return list(pages[:count])


def index_pages() -> dict[str, Page | None]:
    """The list pages of the site in the active language (for the home page and the menu):
    news, cases, notices; None where there is none."""
    found = {}
    for key, model in (
        ("news", NewsIndexPage),
        ("cases", TypicalCaseIndexPage),
        ("notices", InspectionResultNoticeIndexPage),
    ):
        found[key] = localisation.localized_live_pages(model).order_by("path").first()
    return found


def key_figures(*, on: datetime.date | None = None) -> dict[str, int | float | None]:
    """Figures for the home page, computed from the database on `on` (today):
    organisations with a public credit record, inspection results and penalties published this
    year and still public, typical cases published (in Chinese, each case counted once), and the
    complaint figures of `complaint_figures`. Cached for KEY_FIGURES_CACHE_SECONDS (the anonymous
    page cache may keep the page up to PAGE_CACHE_SECONDS on top)."""
    on = on or timezone.localdate()
    return cache.get_or_set(
        f"cms:key-figures:v2:{on.isoformat()}",
        lambda: _key_figures_compute(on),
        KEY_FIGURES_CACHE_SECONDS,
    )


def _key_figures_compute(on: datetime.date) -> dict[str, int]:
    public = credit_events_public(on=on)
    this_year = public.filter(published_on__year=on.year)
    return {
        "organisations_with_records": public.values("organisation_id").distinct().count(),
        "inspection_results_this_year": this_year.filter(
            kind=CreditEvent.Kind.INSPECTION_RESULT
        ).count(),
        "penalties_this_year": this_year.filter(kind=CreditEvent.Kind.PENALTY).count(),
        "typical_cases": TypicalCasePage.objects.live()
        .public()
        .filter(locale=localisation.default_locale())
        .count(),
        **complaint_figures(on=on),
    }


def complaint_figures(*, on: datetime.date) -> dict[str, int | float | None]:
    """Counts only, nothing about anyone: complaints received in the year of `on` (up to that
    day), complaints concluded in that year (status concluded, dated by their last "concluded"
    step, as a case reopened by a review and concluded again counts once, when it ended), and
    the median handling time of those in days (received → concluded, one decimal; None when
    none was concluded). Reads the complaints' tables, never writes them."""
    received = Complaint.objects.filter(
        received_at__year=on.year, received_at__date__lte=on
    ).count()
    concluded = (
        Complaint.objects.filter(status=Complaint.Status.CONCLUDED)
        .annotate(
            concluded_on=Max(
                "events__occurred_at", filter=Q(events__kind=ComplaintEvent.Kind.CONCLUDED)
            )
        )
        .filter(concluded_on__year=on.year, concluded_on__date__lte=on)
        .values_list("received_at", "concluded_on")
    )
    days = [(ended - began).total_seconds() / 86400 for began, ended in concluded]
    return {
        "complaints_received_this_year": received,
        "complaints_concluded_this_year": len(days),
        "median_handling_days": round(statistics.median(days), 1) if days else None,
    }


def typical_cases_for_organisation(organisation: Organisation) -> list[TypicalCasePage]:
    """The organisation's live, public typical cases in the active language (the Chinese
    version where there is no translation), newest first."""
    cases: QuerySet[TypicalCasePage] = localisation.localized_live_pages(TypicalCasePage)
    return list(
        cases.filter(organisation=organisation)
        .select_related("locale")
        .order_by("-published_on", "-pk")
    )


# Site search over the pages ------------------------------------------------------------------

# Han characters (CJK unified ideographs, extension A, compatibility ideographs).
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_WORD = re.compile(r"[^\w\s]+")


def _text_fields(model: type[Page]) -> list[str]:
    """The model's own text columns among its search fields (not Page's, not StreamFields)."""
    names = []
    for search_field in model.get_search_fields():
        if not isinstance(search_field, index.SearchField):
            continue
        try:
            field = model._meta.get_field(search_field.field_name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.CharField | models.TextField) and field.model is model:
            names.append(search_field.field_name)
    return names


def _substring_condition(term: str) -> Q:
    condition = Q(title__icontains=term) | Q(search_description__icontains=term)
    for model in get_page_models():
        if model._meta.app_label != "cms" or model._meta.abstract:
            continue
        for name in _text_fields(model):
            condition |= Q(**{f"{model._meta.model_name}__{name}__icontains": term})
    return condition


def pages_search(text: str) -> Sequence[Page]:
    """Live, public pages in the active language (no fallback to Chinese: a search in English
    lists English pages) that match `text`, as specific pages.

    Words in Latin script go through Wagtail's search backend (the database backend: PostgreSQL
    full text with stemming and ranking in production, SQLite's FTS or a plain fallback
    locally), every word required, best first. Neither PostgreSQL's parser nor SQLite's
    tokenizer splits Chinese into words (a run of Han characters is one token), so a query with
    Han characters instead matches each of its space-separated terms as a substring of the
    title, the description and the page type's text fields, newest first.
    """
    # Words only: quotes, brackets and operators mean syntax to SQLite's FTS and PostgreSQL's
    # tsquery, and a visitor's stray quote must not break the query.
    text = " ".join(_NOT_WORD.sub(" ", text).split())
    pages = Page.objects.live().public().filter(locale=localisation.active_locale(), depth__gt=1)
    if not text:
        return pages.none()
    if _HAN.search(text):
        condition = Q()
        for term in text.split(" "):
            condition &= _substring_condition(term)
        return pages.filter(condition).order_by("-last_published_at", "-pk").specific()
    return pages.specific().search(text, operator="and")


def page_search_summary(page: Page) -> str:
    """The text a search result shows under a page's title."""
    summary = getattr(page, "summary", None)
    if callable(summary):
        return summary()
    return getattr(page, "introduction", "") or page.search_description
