"""Filters with counts, order, page sizes and deep pages, against the live node."""

import pytest

from portal.core.models import Region
from portal.records.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(index_now):
    """Employers and agencies in Shenzhen, Guangzhou and Beijing."""
    nanshan = Region.objects.get(code="440305")
    tianhe = Region.objects.get(code="440106")
    chaoyang = Region.objects.get(code="110105")
    made = (
        OrganisationFactory.create_batch(3, region=nanshan, name="深圳甲科技有限公司")
        + OrganisationFactory.create_batch(
            2, region=nanshan, kind=Organisation.Kind.AGENCY, name="深圳乙人力资源有限公司"
        )
        + OrganisationFactory.create_batch(4, region=tianhe, name="广州丙科技有限公司")
        + OrganisationFactory.create_batch(5, region=chaoyang, name="北京丁科技有限公司")
    )
    index_now(*made)
    return made


def _api(client, **params):
    response = client.get("/api/organisations", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_facets_count_kinds_and_provinces(client, spread):
    meta = _api(client, facets="true")["_meta"]
    assert meta["total"] == 14
    assert meta["facets"]["kind"] == {"employer": 12, "agency": 2}
    assert meta["facets"]["province"] == {"440000": 9, "110000": 5}
    assert "prefecture" not in meta["facets"]


def test_the_api_counts_facets_only_when_asked(client, spread):
    meta = _api(client)["_meta"]
    assert meta["total"] == 14
    assert meta["facets"] == {}
    assert _api(client, facets="false")["_meta"]["facets"] == {}
    response = client.get("/api/organisations", {"facets": "perhaps"})
    assert response.status_code in (400, 422)


def test_province_then_city_narrow_the_results(client, spread):
    guangdong = _api(client, province="440000", facets="true")["_meta"]
    assert guangdong["total"] == 9
    assert guangdong["facets"]["prefecture"] == {"440300": 5, "440100": 4}
    shenzhen = _api(client, province="440000", prefecture="440300")
    assert shenzhen["_meta"]["total"] == 5
    assert {hit["region"] for hit in shenzhen["results"]} == {"广东省深圳市南山区"}


def test_filters_combine_with_text_and_kind(client, spread):
    body = _api(client, q="科技", province="440000", kind="employer")
    assert body["_meta"]["total"] == 7
    assert _api(client, q="人力资源", kind="agency")["_meta"]["total"] == 2
    assert _api(client, q="人力资源", kind="employer")["_meta"]["total"] == 0


def test_sort_by_name_orders_by_the_registered_name(client, spread):
    names = [hit["name"] for hit in _api(client, sort="name", size=25)["results"]]
    assert names == sorted(names)


def test_every_result_is_reachable_page_by_page_through_cursors(client, spread):
    seen, after, page = [], "", 1
    while True:
        body = _api(client, size=10, page=page, after=after, sort="name")
        seen += [hit["uscc"] for hit in body["results"]]
        after = body["_meta"]["next_cursor"]
        if not after:
            break
        page += 1
    assert sorted(seen) == sorted(organisation.uscc for organisation in spread)
    assert page == 2


def test_the_search_page_shows_facets_and_keeps_filters_in_the_url(client, spread):
    page = client.get("/search/", {"q": "科技", "province": "440000"}).content.decode()
    assert "广东省" in page and "深圳市" in page
    assert "province=440000" in page and "prefecture=440300" in page
    assert 'name="robots" content="noindex"' in page


def test_an_exact_uscc_goes_straight_to_its_record(client, spread):
    code = spread[0].uscc
    response = client.get("/search/", {"q": code.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{code}/"


@pytest.mark.parametrize(
    "params",
    [
        {"province": "44"},
        {"province": "440300"},
        {"prefecture": "440305"},
        {"sort": "random"},
        {"after": "not-a-cursor!"},
        {"after": "W10"},  # a cursor holding an empty list
        {"page": "2000"},  # from/size past 10,000 without a cursor
    ],
)
def test_bad_filter_values_get_400(client, spread, params):
    assert client.get("/api/organisations", params).status_code == 400
    assert client.get("/search/", {"q": "x", **params}).status_code == 400
