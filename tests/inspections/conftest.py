"""The national list and two provinces' additions, published through the services."""

import datetime

import pytest

from portal.core.models import Authority, Region
from portal.inspections.models import InspectionItem
from portal.inspections.services import inspection_item_publish
from tests.factories import AuthorityFactory


def _authority(code: str | None, level: str, parent: Authority | None, **fields) -> Authority:
    region = Region.objects.get(code=code) if code else None
    return AuthorityFactory(region=region, level=level, parent=parent, **fields)


@pytest.fixture
def authorities(db) -> dict[str, Authority]:
    national = _authority(None, "national", None, name="国家外国专家局")
    guangdong = _authority("440000", "provincial", national, name="广东省人力资源和社会保障厅")
    shenzhen = _authority("440300", "prefectural", guangdong, name="深圳市人力资源和社会保障局")
    zhejiang = _authority("330000", "provincial", national, name="浙江省人力资源和社会保障厅")
    return {
        "national": national,
        "guangdong": guangdong,
        "shenzhen": shenzhen,
        "zhejiang": zhejiang,
    }


def new_item(authority: Authority, code: str, **fields) -> InspectionItem:
    values = {
        "code": code,
        "name": "外国人工作许可持证情况",
        "name_en": "Whether foreigners hold valid work permits",
        "authority": authority,
        "subject_type": "employer",
        "method": "on_site",
        "legal_basis": "《中华人民共和国出境入境管理法》第四十一条",
        "legal_basis_en": "Exit and Entry Administration Law, article 41",
        "frequency": "每年一次，抽查比例不低于5%",
        "frequency_en": "Once a year, at least 5% of employers",
        "department": "外国人来华工作管理处",
        "department_en": "Foreigners' Work Administration Division",
        "in_force_from": datetime.date(2024, 1, 1),
    }
    values.update(fields)
    return InspectionItem(**values)


@pytest.fixture
def items(authorities) -> dict[str, InspectionItem]:
    """Two national items, one addition of Guangdong, one of Zhejiang, all published."""
    made = {
        "permits": new_item(authorities["national"], "GJ-01"),
        "agencies": new_item(
            authorities["national"],
            "GJ-02",
            name="中介机构从事外国人来华工作中介服务情况",
            name_en="Agencies placing foreigners in work in China",
            subject_type="agency",
            method="documents",
            department="人力资源市场处",
            department_en="Human Resources Market Division",
        ),
        "guangdong": new_item(
            authorities["guangdong"],
            "44-01",
            name="港澳台地区企业聘用外国人情况",
            name_en="Hiring of foreigners by enterprises from Hong Kong, Macao and Taiwan",
        ),
        "zhejiang": new_item(
            authorities["zhejiang"],
            "33-01",
            name="跨境电商企业聘用外国人情况",
            name_en="Hiring of foreigners by cross-border e-commerce firms",
            subject_type="foreign_worker",
        ),
    }
    for item in made.values():
        inspection_item_publish(item=item)
    return made
