"""Reads for the public pages: latest items, key figures, an organisation's typical cases."""

import datetime

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Page

from cms import localisation
from cms.models import (
    InspectionResultNoticeIndexPage,
    NewsIndexPage,
    TypicalCaseIndexPage,
    TypicalCasePage,
)
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


def key_figures(*, on: datetime.date | None = None) -> dict[str, int]:
    """Figures for the home page, computed from the database on `on` (today):
    organisations with a public credit record, inspection results and penalties published this
    year and still public, and typical cases published (in Chinese, each case counted once).
    Cached for KEY_FIGURES_CACHE_SECONDS."""
    on = on or timezone.localdate()
    return cache.get_or_set(
        f"cms:key-figures:{on.isoformat()}",
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
