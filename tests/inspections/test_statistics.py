"""The published yearly statistics of the draws, from real draws made through the services:
selection rate per risk class against the plan, inspections per region, recusals by reason,
the CSV of each table, 404 for a year without a drawn draw, both languages, no person named."""

import csv
import datetime
import io
import json

import pytest

from portal.core.models import Region
from portal.inspections import services
from portal.inspections.models import SubjectEntry
from tests.factories import OrganisationFactory
from tests.inspections.factories import ConflictFactory, InspectorFactory, make_plan

pytestmark = pytest.mark.django_db

STATISTICS = "/inspections/statistics/"


def _directory(province: str, region: str, risk: str, count: int) -> list:
    organisations = [
        OrganisationFactory(region=Region.objects.get(code=region)) for _ in range(count)
    ]
    for organisation in organisations:
        SubjectEntry.objects.create(
            organisation=organisation,
            province_id=province,
            risk_class=risk,
            entered_on=datetime.date(2025, 1, 1),
        )
    return organisations


@pytest.fixture
def draws(authorities, items):
    """Guangdong 2026: 40 A subjects in Guangzhou at 2%, 30 B and 4 D in Shenzhen at 10% and
    50%, drawn; an inspector with a declared conflict with every subject. Zhejiang 2025: 2 B
    subjects at 50%, drawn. Guangdong 2027: committed only."""
    subjects = (
        _directory("440000", "440106", "A", 40)
        + _directory("440000", "440305", "B", 30)
        + _directory("440000", "440305", "D", 4)
    )
    qualified = [items["permits"], items["guangdong"]]
    inspectors = [
        InspectorFactory(authority=authorities["guangdong"], items=qualified) for _ in range(4)
    ]
    conflicted = InspectorFactory(authority=authorities["shenzhen"], items=qualified)
    for organisation in subjects:
        ConflictFactory(inspector=conflicted, organisation=organisation)
    guangdong = make_plan(authorities["guangdong"], qualified, {"A": "2", "B": "10", "D": "50"})
    drawn = services.draw_reveal(
        draw_row=services.draw_commit(plan=guangdong, on=datetime.date(2026, 3, 1))
    )

    _directory("330000", "330106", "B", 2)
    inspectors += [
        InspectorFactory(authority=authorities["zhejiang"], items=[items["permits"]])
        for _ in range(2)
    ]
    zhejiang = make_plan(authorities["zhejiang"], [items["permits"]], {"B": "50"}, year=2025)
    earlier = services.draw_reveal(
        draw_row=services.draw_commit(plan=zhejiang, on=datetime.date(2025, 3, 1))
    )

    later = make_plan(authorities["guangdong"], qualified, {"B": "20"}, year=2027)
    services.draw_commit(plan=later, on=datetime.date(2026, 12, 1))
    return {
        "drawn": drawn,
        "earlier": earlier,
        "inspectors": [*inspectors, conflicted],
        "subjects": subjects,
    }


def _result(draw_row) -> dict:
    return json.loads(bytes(draw_row.files.get(name="result.json").content))


def _csv(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_latest_year_shows_each_risk_class_against_the_plan(client, draws):
    page = client.get(STATISTICS)

    assert page.status_code == 200
    statistics = page.context["statistics"]
    assert statistics.year == 2026
    assert page.context["years"] == [2026, 2025]
    (figures,) = statistics.draws  # the committed 2027 draw and the 2025 one are not in 2026
    assert figures.draw_id == draws["drawn"].pk
    strata = {
        s.risk_class: (s.candidates, s.planned_bp, s.selected, s.actual_percent)
        for s in figures.strata
    }
    # ceil(40 × 2%) = 1, ceil(30 × 10%) = 3, ceil(4 × 50%) = 2: 6 ≥ 5% of 74 (4).
    assert {risk: row[:3] for risk, row in strata.items()} == {
        "A": (40, 200, 1),
        "B": (30, 1000, 3),
        "D": (4, 5000, 2),
    }
    assert [str(row[3]) for row in strata.values()] == ["2.50", "10.00", "50.00"]
    flagged = {s.risk_class for s in figures.strata if s.below_minimum}
    assert flagged == {"A"}  # spared by the plan: below 5%, as the plan says
    assert not any(s.below_plan for s in figures.strata)
    assert (figures.total.candidates, figures.total.selected) == (74, 6)
    assert str(figures.total.actual_percent) == "8.11"
    assert not figures.total.below_minimum
    # As the draw published them.
    assert {risk: pair for risk, pair in _result(draws["drawn"])["counts"].items() if pair[0]} == {
        risk: [row[0], row[2]] for risk, row in strata.items()
    }
    html = page.text
    for text in (
        "2.50%",
        "10.00%",
        "50.00%",
        "8.11%",
        f'href="/inspections/draws/{figures.draw_id}/"',
    ):
        assert text in html
    assert html.count('class="statistics-flag"') == 1


def test_inspections_per_region_and_recusals_by_reason(client, draws):
    page = client.get(f"{STATISTICS}2026/")

    assert page.status_code == 200
    statistics = page.context["statistics"]
    (guangdong,) = statistics.regions
    assert (guangdong.place.code, guangdong.inspections) == ("440000", 6)
    assert [(city.place.code, city.inspections) for city in guangdong.cities] == [
        ("440100", 1),
        ("440300", 5),
    ]
    assert statistics.inspections == 6
    assert "广州市" in page.text and "深圳市" in page.text

    published = _result(draws["drawn"])["recusals"]
    assert statistics.recusals == published
    # The inspector who declared a conflict with every subject never carries a load. Teams are
    # two of the four others, so once all four carry one (after the second inspection) the
    # conflicted one comes first and is passed over at each of the last four; in the first two
    # they tie at no load with others and may or may not be reached (random order).
    assert published["conflict"] >= 4
    assert f"<td>{published['conflict']}</td>" in page.text


def test_each_table_as_csv(client, draws):
    strata = _csv(client, f"{STATISTICS}2026/strata.csv")
    assert [
        (r["risk_class"], r["candidates"], r["planned_ratio_percent"], r["selected"])
        for r in strata
    ] == [
        ("A", "40", "2.00", "1"),
        ("B", "30", "10.00", "3"),
        ("D", "4", "50.00", "2"),
        ("total", "74", "", "6"),
    ]
    assert [r["actual_rate_percent"] for r in strata] == ["2.50", "10.00", "50.00", "8.11"]
    assert [r["below_5_percent"] for r in strata] == ["1", "0", "0", "0"]
    assert {r["draw"] for r in strata} == {str(draws["drawn"].pk)}
    assert strata[0]["province_name"] == "广东省"

    regions = _csv(client, f"{STATISTICS}2026/regions.csv")
    assert [(r["province"], r["city"], r["inspections"]) for r in regions] == [
        ("440000", "", "6"),
        ("440000", "440100", "1"),
        ("440000", "440300", "5"),
    ]
    assert regions[1]["city_name_en"] == Region.objects.get(code="440100").name_en

    recusals = _csv(client, f"{STATISTICS}2026/recusals.csv")
    published = _result(draws["drawn"])["recusals"]
    assert recusals[-1] == {
        "draw": "total",
        "plan": "",
        "province": "",
        "conflict": str(published["conflict"]),
        "last_inspection": str(published["last_inspection"]),
    }

    earlier = _csv(client, f"{STATISTICS}2025/strata.csv")
    assert [(r["province"], r["risk_class"], r["selected"]) for r in earlier] == [
        ("330000", "B", "1"),
        ("330000", "total", "1"),
    ]


@pytest.mark.parametrize(
    "url",
    [
        f"{STATISTICS}2024/",  # no draw
        f"{STATISTICS}2027/",  # committed, not drawn
        f"{STATISTICS}2027/strata.csv",
        f"{STATISTICS}abcd/",
        f"{STATISTICS}99999999999999999999999/",
        f"{STATISTICS}0000/",
        f"{STATISTICS}2026/other.csv",
        f"{STATISTICS}2026/strata.json",
    ],
)
def test_a_year_without_figures_or_a_bad_address_is_not_found(client, draws, url):
    assert client.get(url).status_code == 404


def test_without_any_drawn_draw_the_page_says_so(client, authorities):
    page = client.get(STATISTICS, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["statistics"] is None
    assert "No draw has been made yet." in page.text


def test_english_page_with_english_region_names(client, draws):
    page = client.get(f"{STATISTICS}2026/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    text = page.text
    assert "Statistics of the double-random draws, 2026" in text
    assert "Selection rate per risk class against the plan" in text
    assert "below 5%" in text
    for code in ("440000", "440100", "440300"):
        english = Region.objects.get(code=code).name_en
        assert english and english in text
    assert "广州市" not in text
    # The plan has no English title: shown in Chinese, marked as such.
    assert '<span lang="zh-Hans">' in text


def test_the_draws_page_links_to_the_statistics_and_no_person_is_named(client, draws):
    assert f'href="{STATISTICS}"' in client.get("/inspections/draws/").text

    published = client.get(f"{STATISTICS}2026/").text
    for table in ("strata", "regions", "recusals"):
        published += client.get(f"{STATISTICS}2026/{table}.csv").content.decode("utf-8")
    for inspector in draws["inspectors"]:
        assert inspector.certificate_number not in published
        assert inspector.user.username not in published
    assert "配偶" not in published  # the reason of a declared conflict
    for organisation in draws["subjects"][:5]:
        assert organisation.uscc not in published and organisation.name not in published
