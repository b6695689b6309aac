"""Region names in English on the credit search's filters and on the record page."""

import pytest

from portal.core.models import Region
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_record_page_names_the_region_in_the_page_language(client):
    organisation = OrganisationFactory(region=Region.objects.get(code="440305"))
    chinese = client.get(f"/organisations/{organisation.uscc}/").content.decode()
    assert "广东省深圳市南山区" in chinese
    english = client.get(
        f"/organisations/{organisation.uscc}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Nanshan District, Shenzhen City, Guangdong Province" in english
    assert "广东省深圳市南山区" not in english


def test_the_search_filters_name_regions_in_english(client, index_now):
    index_now(
        *OrganisationFactory.create_batch(
            2, region=Region.objects.get(code="440305"), name="深圳英文地名测试有限公司"
        )
    )
    english = client.get(
        "/search/", {"q": "英文地名测试"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Guangdong Province" in english
    chinese = client.get("/search/", {"q": "英文地名测试"}).content.decode()
    assert "广东省" in chinese
    assert "Guangdong Province" not in chinese
    filtered = client.get(
        "/search/", {"q": "英文地名测试", "province": "440000"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Shenzhen City" in filtered
