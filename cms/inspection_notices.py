"""Draft inspection result notices (双随机抽查结果公示) from the results the inspection office
publishes.

The office sends `portal.inspections.signals.results_published` after results went on the
public credit record; this receiver drafts one `InspectionResultNoticePage` per draw under the
(Chinese) inspection result notice list: the organisations by name and USCC, each item with its
result and the finding written for publication, and the dates. The page is a draft: an editor
checks it and submits it to the two-person review, which publishes it (cms/workflows.py). Nothing
about people goes into it: no inspector, no participant, no staff-only finding.
"""

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _

from cms.localisation import default_locale
from cms.models import (
    InspectionResultNoticeIndexPage,
    InspectionResultNoticePage,
    InspectionResultRow,
)
from portal.core.audit import record
from portal.inspections import selectors as inspection_selectors
from portal.inspections.models import InspectionResult
from portal.inspections.signals import results_published
from portal.records.models import CreditEvent

logger = logging.getLogger(__name__)


def _row_result(result: InspectionResult, compliant: bool | None) -> str:
    if result.outcome == CreditEvent.Outcome.NOT_LOCATED:
        return CreditEvent.Outcome.NOT_LOCATED
    if compliant is False:
        return CreditEvent.Outcome.NON_COMPLIANT
    return CreditEvent.Outcome.COMPLIANT


def _unique_slug(index: InspectionResultNoticeIndexPage, base: str) -> str:
    taken = set(index.get_children().values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def notice_drafts_create(
    *, results: Iterable[int], on: datetime.date
) -> list[InspectionResultNoticePage]:
    """Draft (not live) one result notice per draw of the published `results`, under the
    first inspection result notice list of the default locale; audited as `cms.page.drafted`.
    None when there is no such list (logged)."""
    published = list(inspection_selectors.inspection_results_published(list(results)))
    if not published:
        return []
    index = (
        InspectionResultNoticeIndexPage.objects.filter(locale=default_locale())
        .order_by("path")
        .first()
    )
    if index is None:
        logger.warning("No inspection result notice list: %s results not drafted", len(published))
        return []
    by_draw: dict[int, list[InspectionResult]] = {}
    for result in published:
        by_draw.setdefault(result.inspection.draw_id, []).append(result)
    pages = []
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for draw_id, draw_results in by_draw.items():
            draw = draw_results[0].inspection.draw
            plan = draw.plan
            items: dict[str, str] = {}
            rows = []
            for result in draw_results:
                for item_record in sorted(result.item_records.all(), key=lambda r: r.item.code):
                    items[item_record.item.code] = item_record.item.name
                    outcome = _row_result(result, item_record.compliant)
                    rows.append(
                        InspectionResultRow(
                            organisation=result.inspection.organisation,
                            item=item_record.item.name,
                            result=outcome,
                            finding=(
                                item_record.public_finding
                                if outcome == CreditEvent.Outcome.NON_COMPLIANT
                                else ""
                            ),
                        )
                    )
            page = InspectionResultNoticePage(
                title=_("%(plan)s: results of draw %(draw)s")
                % {"plan": plan.title, "draw": draw_id},
                slug=_unique_slug(index, f"draw-{draw_id}-{on:%Y%m%d}"),
                live=False,
                batch_reference=_("Draw %(draw)s") % {"draw": draw_id},
                region=plan.authority.region,
                authority=plan.authority,
                introduction=_(
                    "The results of the subjects drawn at random under the annual inspection "
                    "plan, as published on their credit records on %(date)s."
                )
                % {"date": on.isoformat()},
                inspection_items="\n".join(items[code] for code in sorted(items)),
                drawn_on=draw.drawn_at.date() if draw.drawn_at else None,
                published_on=on,
            )
            page.results.set(rows)
            index.add_child(instance=page)
            revision = page.save_revision()
            record(
                action="cms.page.drafted",
                obj=page,
                data={
                    "page": page.pk,
                    "title": page.title,
                    "type": page._meta.label_lower,
                    "revision": revision.pk,
                    "draw": draw_id,
                    "results": [result.pk for result in draw_results],
                    "source": "inspections.results_published",
                },
            )
            pages.append(page)
    return pages


@receiver(results_published)
def notice_drafts_on_results_published(sender, results, on, **kwargs):
    notice_drafts_create(results=results, on=on)
