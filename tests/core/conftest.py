"""Authorities of two provinces, with their prefectures, under the national one."""

import pytest

from portal.core.models import Authority, Region
from tests.factories import AuthorityFactory


def _authority(code: str | None, level: str, parent: Authority | None, **fields) -> Authority:
    region = Region.objects.get(code=code) if code else None
    return AuthorityFactory(region=region, level=level, parent=parent, **fields)


@pytest.fixture
def authorities(db) -> dict[str, Authority]:
    national = _authority(
        None, "national", None, name="国家外国专家局", complaint_phone="010-12333"
    )
    guangdong = _authority("440000", "provincial", national, name="广东省人力资源和社会保障厅")
    shenzhen = _authority("440300", "prefectural", guangdong, name="深圳市人力资源和社会保障局")
    guangzhou = _authority("440100", "prefectural", guangdong, name="广州市人力资源和社会保障局")
    zhejiang = _authority("330000", "provincial", national, name="浙江省人力资源和社会保障厅")
    hangzhou = _authority("330100", "prefectural", zhejiang, name="杭州市人力资源和社会保障局")
    return {
        "national": national,
        "guangdong": guangdong,
        "shenzhen": shenzhen,
        "guangzhou": guangzhou,
        "zhejiang": zhejiang,
        "hangzhou": hangzhou,
    }
