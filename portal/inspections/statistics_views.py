"""Public yearly statistics of the draws (issue 6): selection rate per risk class against the
plan, joint inspections per region, recusals by reason; the page for the latest year or a given
one, and each table as CSV. The figures come from `selectors.inspection_statistics`; no page or
file here names a person."""

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from portal.inspections import selectors
from portal.inspections.selectors import InspectionStatistics

TEMPLATE = "inspections/statistics.html"


def _page(request: HttpRequest, statistics: InspectionStatistics | None, years: list[int]):
    return render(request, TEMPLATE, {"statistics": statistics, "years": years})


def statistics_latest(request: HttpRequest) -> HttpResponse:
    years = selectors.inspection_statistics_years()
    statistics = selectors.inspection_statistics(years[0]) if years else None
    return _page(request, statistics, years)


def statistics_year(request: HttpRequest, year: str) -> HttpResponse:
    statistics = selectors.inspection_statistics(int(year))
    if statistics is None:
        raise Http404
    return _page(request, statistics, selectors.inspection_statistics_years())


def _percent(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _strata_rows(statistics: InspectionStatistics):
    for draw in statistics.draws:
        for stratum in [*draw.strata, draw.total]:
            yield {
                "draw": draw.draw_id,
                "reference_date": draw.on.isoformat(),
                "plan": draw.plan_title,
                "province": draw.province.code,
                "province_name": draw.province.name,
                "province_name_en": draw.province.name_en,
                "risk_class": stratum.risk_class or "total",
                "candidates": stratum.candidates,
                "planned_ratio_percent": _percent(stratum.planned_percent),
                "selected": stratum.selected,
                "actual_rate_percent": _percent(stratum.actual_percent),
                "below_plan": int(stratum.below_plan),
                "below_5_percent": int(stratum.below_minimum),
            }


def _region_rows(statistics: InspectionStatistics):
    for province in statistics.regions:
        for city in [None, *province.cities]:
            yield {
                "province": province.place.code,
                "province_name": province.place.name,
                "province_name_en": province.place.name_en,
                "city": city.place.code if city else "",
                "city_name": city.place.name if city else "",
                "city_name_en": city.place.name_en if city else "",
                "inspections": city.inspections if city else province.inspections,
            }


def _recusal_rows(statistics: InspectionStatistics):
    for draw in statistics.draws:
        yield {
            "draw": draw.draw_id,
            "plan": draw.plan_title,
            "province": draw.province.code,
            **draw.recusals,
        }
    yield {"draw": "total", "plan": "", "province": "", **statistics.recusals}


TABLES = {"strata": _strata_rows, "regions": _region_rows, "recusals": _recusal_rows}


def statistics_csv(request: HttpRequest, year: str, table: str) -> HttpResponse:
    statistics = selectors.inspection_statistics(int(year))
    if statistics is None or table not in TABLES:
        raise Http404
    rows = list(TABLES[table](statistics))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="inspection-statistics-{statistics.year}-{table}.csv"'
    )
    response.write("\ufeff")  # the byte order mark, so spreadsheet programs read UTF-8
    writer = csv.DictWriter(response, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return response
