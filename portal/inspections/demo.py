"""Demo inspection items: the national list (随机抽查事项清单) and a few provinces' additions,
as the 2017 policy (section 三(一)) and the published lists of the provincial 双随机 portals
describe them. Loaded by `manage.py load_demo_content` through the publishing service, so each
item has a revision, a history entry and an audit entry. Items that exist (by code) are kept."""

import datetime
from dataclasses import dataclass

from portal.core.models import Authority
from portal.inspections.models import InspectionItem
from portal.inspections.services import inspection_item_publish

_EXIT_ENTRY = "《中华人民共和国出境入境管理法》"
_EXIT_ENTRY_EN = "Exit and Entry Administration Law of the People's Republic of China"
_EMPLOYMENT = "《外国人在中国就业管理规定》"
_EMPLOYMENT_EN = "Rules on the Employment of Foreigners in China"
_PERMIT_SERVICE = "《外国人来华工作许可服务指南（暂行）》"
_PERMIT_SERVICE_EN = "Service Guide for Work Permits for Foreigners in China (provisional)"
_SUPERVISION = "《关于实施外国人来华工作许可监督的工作制度》"
_SUPERVISION_EN = "Working Rules on Supervising Work Permits for Foreigners in China"

_ONCE_A_YEAR = (
    "每年一次，随机抽取比例不低于检查对象总数的5%",
    "Once a year, at least 5% of the subjects drawn at random",
)
_TWICE_A_YEAR = (
    "每半年一次，随机抽取比例不低于检查对象总数的5%",
    "Twice a year, at least 5% of the subjects drawn at random",
)
_PERMIT_DIVISION = ("外国人来华工作管理处", "Division of Foreigners' Work in China")
_MARKET_DIVISION = ("人力资源市场处", "Division of Human Resources Markets")
_SUPERVISION_DIVISION = ("执法监督处", "Division of Enforcement Supervision")


@dataclass(frozen=True)
class DemoItem:
    code: str
    name: str
    name_en: str
    subject_type: str
    method: str
    legal_basis: str
    legal_basis_en: str
    frequency: tuple[str, str]
    department: tuple[str, str]


NATIONAL_ITEMS = (
    DemoItem(
        "GJ-01",
        "外国人工作许可持证情况",
        "Whether foreigners working in China hold a valid work permit",
        "employer",
        "on_site",
        f"{_EXIT_ENTRY}第四十一条、第四十三条",
        f"{_EXIT_ENTRY_EN}, articles 41 and 43",
        _ONCE_A_YEAR,
        _PERMIT_DIVISION,
    ),
    DemoItem(
        "GJ-02",
        "用人单位聘用外国人情况",
        "How employers hire foreigners",
        "employer",
        "on_site",
        f"{_EMPLOYMENT}第五条、第八条",
        f"{_EMPLOYMENT_EN}, articles 5 and 8",
        _ONCE_A_YEAR,
        _PERMIT_DIVISION,
    ),
    DemoItem(
        "GJ-03",
        "外国人实际工作单位、工作岗位与工作许可一致情况",
        "Whether a foreigner's actual employer and post match the work permit",
        "employer",
        "on_site",
        f"{_EXIT_ENTRY}第四十三条第（三）项；{_EMPLOYMENT}第二十三条",
        f"{_EXIT_ENTRY_EN}, article 43(3); {_EMPLOYMENT_EN}, article 23",
        _ONCE_A_YEAR,
        _PERMIT_DIVISION,
    ),
    DemoItem(
        "GJ-04",
        "外国人工作许可变更、延期、注销办理情况",
        "Whether changes, extensions and cancellations of work permits were applied for",
        "employer",
        "documents",
        f"{_PERMIT_SERVICE}；{_EMPLOYMENT}第十八条、第二十四条",
        f"{_PERMIT_SERVICE_EN}; {_EMPLOYMENT_EN}, articles 18 and 24",
        _ONCE_A_YEAR,
        _PERMIT_DIVISION,
    ),
    DemoItem(
        "GJ-05",
        "申请工作许可所提交材料真实性情况",
        "Whether the documents submitted for a work permit are genuine",
        "employer",
        "documents",
        f"{_SUPERVISION}；{_PERMIT_SERVICE}",
        f"{_SUPERVISION_EN}; {_PERMIT_SERVICE_EN}",
        _ONCE_A_YEAR,
        _SUPERVISION_DIVISION,
    ),
    DemoItem(
        "GJ-06",
        "用人单位与外国人签订劳动合同及支付劳动报酬情况",
        "Employment contracts with foreigners and payment of their wages",
        "employer",
        "on_site",
        f"{_EMPLOYMENT}第十七条、第二十二条",
        f"{_EMPLOYMENT_EN}, articles 17 and 22",
        _ONCE_A_YEAR,
        _PERMIT_DIVISION,
    ),
    DemoItem(
        "GJ-07",
        "中介机构从事外国人来华工作中介服务情况",
        "How agencies provide intermediary services for foreigners' work in China",
        "agency",
        "on_site",
        f"{_EXIT_ENTRY}第四十五条；《人力资源市场暂行条例》第十八条",
        f"{_EXIT_ENTRY_EN}, article 45; Interim Regulations on Human Resources Markets, article 18",
        _ONCE_A_YEAR,
        _MARKET_DIVISION,
    ),
    DemoItem(
        "GJ-08",
        "中介机构人力资源服务许可及备案情况",
        "Whether agencies hold a human resources service licence and filed their services",
        "agency",
        "documents",
        "《人力资源市场暂行条例》第十八条、第二十六条",
        "Interim Regulations on Human Resources Markets, articles 18 and 26",
        _ONCE_A_YEAR,
        _MARKET_DIVISION,
    ),
    DemoItem(
        "GJ-09",
        "外国人按照工作许可从事工作情况",
        "Whether foreigners work within the terms of their work permit",
        "foreign_worker",
        "on_site",
        f"{_EXIT_ENTRY}第四十一条、第四十三条",
        f"{_EXIT_ENTRY_EN}, articles 41 and 43",
        _ONCE_A_YEAR,
        _PERMIT_DIVISION,
    ),
    DemoItem(
        "GJ-10",
        "外国人工作许可信息网上申报与实际情况一致性",
        "Whether the work permit data filed online match the facts",
        "employer",
        "online",
        f"{_SUPERVISION}",
        f"{_SUPERVISION_EN}",
        _TWICE_A_YEAR,
        _PERMIT_DIVISION,
    ),
)

# Additions of some provinces, by the province's region code.
PROVINCIAL_ITEMS = {
    "440000": (
        DemoItem(
            "44-01",
            "粤港澳大湾区港澳企业聘用外国人情况",
            "Hiring of foreigners by Hong Kong and Macao firms in the Greater Bay Area",
            "employer",
            "joint",
            f"{_EXIT_ENTRY}第四十一条；《广东省外国人来华工作管理服务实施细则》",
            f"{_EXIT_ENTRY_EN}, article 41; Guangdong implementing rules on foreigners' work",
            _ONCE_A_YEAR,
            ("外国专家服务处", "Foreign Experts Service Division"),
        ),
    ),
    "310000": (
        DemoItem(
            "31-01",
            "自由贸易试验区内用人单位聘用外国高端人才情况",
            "Hiring of high-end foreign talent by employers in the pilot free trade zone",
            "employer",
            "documents",
            "《中国（上海）自由贸易试验区条例》第三十九条",
            "Regulations of the China (Shanghai) Pilot Free Trade Zone, article 39",
            _ONCE_A_YEAR,
            ("外国人来华工作管理处", "Division of Foreigners' Work in China"),
        ),
        DemoItem(
            "31-02",
            "外籍人才服务机构从事中介活动情况",
            "Intermediary work of service agencies for foreign talent",
            "agency",
            "on_site",
            "《上海市人力资源市场条例》第二十条",
            "Shanghai Regulations on Human Resources Markets, article 20",
            _ONCE_A_YEAR,
            _MARKET_DIVISION,
        ),
    ),
    "330000": (
        DemoItem(
            "33-01",
            "跨境电子商务企业聘用外国人情况",
            "Hiring of foreigners by cross-border e-commerce companies",
            "employer",
            "online",
            f"{_EXIT_ENTRY}第四十一条",
            f"{_EXIT_ENTRY_EN}, article 41",
            _TWICE_A_YEAR,
            _PERMIT_DIVISION,
        ),
    ),
}

IN_FORCE_FROM = datetime.date(2017, 9, 1)  # the policy took effect in 2017


def _item(row: DemoItem, authority: Authority, order: int) -> InspectionItem:
    return InspectionItem(
        code=row.code,
        name=row.name,
        name_en=row.name_en,
        authority=authority,
        subject_type=row.subject_type,
        method=row.method,
        legal_basis=row.legal_basis,
        legal_basis_en=row.legal_basis_en,
        frequency=row.frequency[0],
        frequency_en=row.frequency[1],
        department=row.department[0],
        department_en=row.department[1],
        sort_order=order,
        in_force_from=IN_FORCE_FROM,
    )


def inspection_items_demo_load() -> int:
    """Publish the demo items that do not exist yet (by code), for the authorities that exist;
    returns how many were added."""
    existing = set(InspectionItem.objects.values_list("code", flat=True))
    national = Authority.objects.filter(level=Authority.Level.NATIONAL).order_by("pk").first()
    added = 0
    lists = [(national, NATIONAL_ITEMS)] + [
        (
            Authority.objects.filter(level=Authority.Level.PROVINCIAL, region_id=code).first(),
            rows,
        )
        for code, rows in PROVINCIAL_ITEMS.items()
    ]
    for authority, rows in lists:
        if authority is None:
            continue
        for order, row in enumerate(rows, start=1):
            if row.code in existing:
                continue
            inspection_item_publish(item=_item(row, authority, order))
            added += 1
    return added
