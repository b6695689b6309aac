"""Filterable lists, pagination, noindex, feeds, JSON, sitemap, and the record page's cases."""

import datetime
import json
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from cms.models import NewsPage, TypicalCasePage
from cms.selectors import typical_cases_for_organisation
from cms.widgets import OrganisationByUSCCInput
from portal.core.models import Region
from tests.cms.conftest import translate
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_cases_filter_by_province_status_and_year(client, make_case):
    make_case(title="深圳案例甲", published_on=datetime.date(2024, 3, 1))
    make_case(
        title="北京案例乙",
        region=Region.objects.get(code="110105"),
        status=TypicalCasePage.Status.ENFORCED,
        published_on=datetime.date(2023, 3, 1),
    )
    by_province = text(client.get("/cases/", {"province": "440000"}))
    assert "深圳案例甲" in by_province and "北京案例乙" not in by_province
    by_status = text(client.get("/cases/", {"status": "enforced"}))
    assert "北京案例乙" in by_status and "深圳案例甲" not in by_status
    by_year = text(client.get("/cases/", {"year": "2024"}))
    assert "深圳案例甲" in by_year and "北京案例乙" not in by_year
    everything = text(client.get("/cases/"))
    assert "深圳案例甲" in everything and "北京案例乙" in everything


def test_notices_filter_by_year_and_province(client, make_notice):
    make_notice(title="广东2024年公示", published_on=datetime.date(2024, 7, 1))
    make_notice(
        title="北京2023年公示",
        region=Region.objects.get(code="110000"),
        published_on=datetime.date(2023, 7, 1),
    )
    page = text(client.get("/notices/", {"year": "2023"}))
    assert "北京2023年公示" in page and "广东2024年公示" not in page
    page = text(client.get("/notices/", {"province": "440000"}))
    assert "广东2024年公示" in page and "北京2023年公示" not in page


def test_news_filters_by_category(client, make_news):
    make_news(title="一项政策", category=NewsPage.Category.POLICY)
    make_news(title="一条新闻", category=NewsPage.Category.NEWS)
    page = text(client.get("/news/", {"category": "news"}))
    assert "一条新闻" in page and "一项政策" not in page


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"status": "<script>"},
        {"province": "999999"},
        {"page": "-1"},
        {"page": "x"},
        {"year": "2024", "status": "nope", "province": "440000\x00"},
    ],
)
def test_bad_filter_values_are_ignored_with_a_message(client, make_case, query):
    make_case(title="深圳案例甲", published_on=datetime.date(2024, 3, 1))
    page = text(client.get("/cases/", query))
    assert "深圳案例甲" in page
    if set(query) != {"page"}:
        assert "filter-errors" in page


def test_bad_filter_values_give_400_to_feeds_and_json(client):
    for path in ("/cases/rss/", "/cases/atom/", "/cases/json/", "/notices/json/"):
        response = client.get(path, {"year": "abc"})
        assert response.status_code == 400, path
        assert "year" in response.json()["errors"]
    assert client.get("/news/json/", {"category": "nonsense"}).status_code == 400


def test_filtered_lists_are_not_indexed(client):
    assert 'name="robots"' not in text(client.get("/cases/"))
    assert '<meta name="robots" content="noindex">' in text(client.get("/cases/?status=decided"))
    assert '<meta name="robots" content="noindex">' in text(client.get("/news/?category=x"))


def test_lists_are_paginated(client, make_case):
    for number in range(23):
        make_case(title=f"案例{number:02d}", published_on=datetime.date(2024, 1, 1 + number))
    first = text(client.get("/cases/"))
    assert "案例22" in first and "案例02" not in first
    assert 'rel="next" href="?page=2"' in first
    second = text(client.get("/cases/", {"page": 2, "year": 2024}))
    assert "案例02" in second and "案例22" not in second
    assert 'rel="prev" href="?year=2024&amp;page=1"' in second
    payload = client.get("/cases/json/", {"page": 2}).json()
    assert payload["_meta"]["count"] == 23 and payload["_meta"]["pages"] == 2
    assert len(payload["results"]) == 3


def test_rss_feed_is_valid_xml_with_the_published_items(client, make_case):
    make_case(title="深圳案例甲", slug="case-a")
    make_case(title="北京案例乙", region=Region.objects.get(code="110105"))
    response = client.get("/cases/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("title") == "典型案例"
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert sorted(titles) == ["北京案例乙", "深圳案例甲"]
    links = [item.findtext("link") for item in channel.findall("item")]
    assert "http://testserver/cases/case-a/" in links
    filtered = ET.fromstring(client.get("/cases/rss/", {"province": "110000"}).content)
    assert [item.findtext("title") for item in filtered.iter("item")] == ["北京案例乙"]


def test_atom_feeds_are_valid_xml_in_both_languages(client, make_news):
    news = make_news(title="新规发布", slug="rules")
    translate(news, title="New rules")
    make_news(title="只有中文", slug="chinese-only")
    chinese = ET.fromstring(client.get("/news/atom/").content)
    assert sorted(entry.findtext(f"{ATOM}title") for entry in chinese.iter(f"{ATOM}entry")) == [
        "只有中文",
        "新规发布",
    ]
    english = ET.fromstring(client.get("/en/news/atom/").content)
    titles = sorted(entry.findtext(f"{ATOM}title") for entry in english.iter(f"{ATOM}entry"))
    assert titles == ["New rules", "只有中文"]  # the Chinese item where there is no translation


def test_json_list_carries_the_typed_fields(client, make_case, organisation):
    make_case(title="深圳案例甲", penalty="罚款人民币20000元")
    response = client.get("/cases/json/")
    assert response.status_code == 200
    payload = json.loads(response.content)
    assert payload["_meta"]["count"] == 1
    (case,) = payload["results"]
    assert case["title"] == "深圳案例甲"
    assert case["organisation"]["uscc"] == organisation.uscc
    assert case["penalty"] == "罚款人民币20000元"
    assert case["url"].endswith("/cases/case-1/")


def test_notice_json_lists_the_results(client, make_notice, organisation):
    make_notice()
    (notice,) = client.get("/notices/json/").json()["results"]
    assert notice["results"][0]["organisation"]["uscc"] == organisation.uscc
    assert notice["results"][0]["result"] == "non_compliant"
    assert len(notice["inspection_items"]) == 2


def test_sitemap_lists_the_pages_in_both_languages(client, make_case):
    make_case(slug="in-sitemap")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = {
        element.text for element in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    }
    for path in ("/", "/cases/", "/cases/in-sitemap/", "/faq/", "/en/", "/en/cases/", "/en/faq/"):
        assert f"http://localhost{path}" in locations, path


def test_the_record_page_shows_the_organisations_typical_cases(client, make_case, organisation):
    case = make_case(title="该单位的典型案例", slug="its-case")
    other = OrganisationFactory()
    page = text(client.get(f"/organisations/{organisation.uscc}/"))
    assert "该单位的典型案例" in page
    assert 'href="/cases/its-case/"' in page
    assert "该单位的典型案例" not in text(client.get(f"/organisations/{other.uscc}/"))

    translate(case, title="The organisation's typical case")
    english = text(client.get(f"/organisations/{organisation.uscc}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "The organisation&#x27;s typical case" in english
    assert 'href="/en/cases/its-case/"' in english

    case.unpublish()
    with translation.override("zh-hans"):
        assert typical_cases_for_organisation(organisation) == []
    assert "该单位的典型案例" not in text(client.get(f"/organisations/{organisation.uscc}/"))


def test_the_organisation_is_entered_by_its_uscc(organisation):
    widget = OrganisationByUSCCInput()
    spaced = f"{organisation.uscc[:6]} {organisation.uscc[6:]}".lower()
    assert widget.value_from_datadict({"organisation": spaced}, {}, "organisation") == (
        organisation.pk
    )
    assert widget.value_from_datadict({"organisation": "nonsense"}, {}, "organisation") == (
        "nonsense"
    )
    assert widget.format_value(organisation.pk) == organisation.uscc
