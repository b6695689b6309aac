"""Regions have an English name (pinyin, with the type translated), filled by the migration and
by `regions_sync`, and shown on English pages: the authority index and pages."""

import pytest
from django.conf import settings

from portal.core.models import Region
from portal.core.regions import regions_sync
from portal.core.romanise import region_name_en


@pytest.mark.parametrize(
    ("chinese", "level", "english"),
    [
        ("广东省", 1, "Guangdong Province"),
        ("北京市", 1, "Beijing Municipality"),
        ("西安市", 2, "Xi'an City"),
        ("南山区", 3, "Nanshan District"),
        ("长沙县", 3, "Changsha County"),
        ("重庆市", 1, "Chongqing Municipality"),
        ("陕西省", 1, "Shaanxi Province"),
        ("山西省", 1, "Shanxi Province"),
        ("内蒙古自治区", 1, "Inner Mongolia Autonomous Region"),
        ("广西壮族自治区", 1, "Guangxi Zhuang Autonomous Region"),
        ("新疆维吾尔自治区", 1, "Xinjiang Uygur Autonomous Region"),
        ("香港特别行政区", 1, "Hong Kong Special Administrative Region"),
        ("延边朝鲜族自治州", 2, "Yanbian Korean Autonomous Prefecture"),
        ("湘西土家族苗族自治州", 2, "Xiangxi Tujia and Miao Autonomous Prefecture"),
        (
            "双江拉祜族佤族布朗族傣族自治县",
            3,
            "Shuangjiang Lahu, Va, Blang and Dai Autonomous County",
        ),
        ("鄂伦春自治旗", 3, "Oroqen Autonomous Banner"),
        ("神农架林区", 3, "Shennongjia Forestry District"),
        ("大兴安岭地区", 2, "Daxing'anling Prefecture"),
        ("吕梁市", 2, "Lüliang City"),
    ],
)
def test_english_names_are_pinyin_with_the_type_translated(chinese, level, english):
    assert region_name_en(chinese, level=level) == english


@pytest.mark.django_db
def test_every_region_has_its_english_name_after_the_migration():
    assert Region.objects.get(code="440000").name_en == "Guangdong Province"
    assert Region.objects.get(code="440300").name_en == "Shenzhen City"
    assert Region.objects.get(code="440305").name_en == "Nanshan District"
    assert not Region.objects.filter(name_en="").exists()
    assert regions_sync() == 0  # in step: nothing to write


@pytest.mark.django_db
def test_regions_sync_names_a_renamed_region_again():
    Region.objects.filter(code="440305").update(name="旧名区", name_en="Jiuming District")
    assert regions_sync() == 1
    assert Region.objects.get(code="440305").name_en == "Nanshan District"


@pytest.mark.django_db
def test_authority_pages_show_region_names_in_english(client, authorities):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    index = client.get("/authorities/", {"province": "440000"}).content.decode()
    assert "Guangdong Province" in index
    assert "Shenzhen City" in index
    assert "广东省</" not in index and "深圳市</" not in index
    page = client.get("/authorities/440300/").content.decode()
    assert "Shenzhen City <code>440300</code>" in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get("/authorities/440300/").content.decode()
    assert "深圳市 <code>440300</code>" in chinese
    assert "Shenzhen City" not in chinese
