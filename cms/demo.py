"""Demo content for `manage.py load_demo_content`: a believable site in Chinese and English on
top of `load_demo_data` (authorities for every province, organisations, credit events).

Pages are built through Wagtail's own API (`add_child`, `save_revision().publish()`, and
`copy_for_translation` for the English versions, as `simple_translation` does), so they have
revisions and go through the same signals as an editor's pages. Everything is found again by
its slug under its list (and its translation by locale), so a second run adds nothing.
Organisations are picked from the database in a fixed order (by USCC), so cases and notices
name real demo organisations.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page

from cms.models import (
    InspectionResultNoticeIndexPage,
    InspectionResultNoticePage,
    InspectionResultRow,
    NewsIndexPage,
    NewsPage,
    TypicalCaseIndexPage,
    TypicalCasePage,
)
from portal.core import selectors as core_selectors
from portal.core.models import Authority
from portal.inspections.demo import inspection_items_demo_load
from portal.records.models import Organisation


@dataclass
class DemoContentSummary:
    items: int = 0
    pages: int = 0
    translations: int = 0
    skipped: list[str] = field(default_factory=list)


def _paragraph(text: str) -> list[dict]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>", "id": str(uuid.uuid4())}]


def _english() -> Locale:
    return Locale.objects.get(language_code="en")


def _chinese_index(model: type[Page]) -> Page | None:
    return model.objects.filter(locale=Locale.get_default()).order_by("path").first()


def _publish(parent: Page, page: Page, summary: DemoContentSummary) -> Page:
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing is not None:
        return existing.specific
    parent.add_child(instance=page)
    page.save_revision().publish()
    summary.pages += 1
    return page


def _translate(page: Page, fields: dict | None, summary: DemoContentSummary) -> None:
    if fields is None:  # left untranslated: the English site falls back to the Chinese page
        return
    english = _english()
    if page.get_translations().filter(locale=english).exists():
        return
    translation = page.copy_for_translation(english)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    summary.translations += 1


# News ----------------------------------------------------------------------------------------

NEWS = [
    {
        "slug": "work-permit-supervision-rules",
        "days_ago": 400,
        "category": NewsPage.Category.POLICY,
        "zh": {
            "title": "关于实施外国人来华工作许可监督的工作制度",
            "introduction": "规范外国人来华工作事中事后监管，"
            "推进“双随机、一公开”抽查制度化、规范化。",
            "body": "各级外国人来华工作管理部门要建立随机抽查事项清单、"
            "检查对象名录库和检查人员名录库，"
            "随机抽取检查对象的比例不低于总数的5%，抽查情况及查处结果及时向社会公布。",
        },
        "en": {
            "title": "Working rules on supervising work permits for foreigners in China",
            "introduction": "Supervision after a permit is issued: random inspections of employers "
            "and agencies, with published results.",
            "body": "Every authority keeps a list of inspection items, a directory of "
            "subjects and a "
            "directory of inspectors; at least 5% of the subjects are drawn at random, and the "
            "results are published.",
        },
    },
    {
        "slug": "annual-random-inspection-plan",
        "days_ago": 120,
        "category": NewsPage.Category.ANNOUNCEMENT,
        "zh": {
            "title": "关于开展年度外国人来华工作双随机抽查的通知",
            "introduction": "各省级外国人来华工作管理部门按照年度抽查工作计划组织实施双随机抽查。",
            "body": "抽查对象从检查对象名录库中随机抽取，检查人员随机选派，实行联合抽查，"
            "对同一检查对象的多个检查事项一次性完成。",
        },
        "en": {
            "title": "Notice on this year's random inspections of foreigners' work",
            "introduction": "Provincial authorities carry out the random inspections according to "
            "their annual plans.",
            "body": "Subjects are drawn at random from the directory, inspectors are assigned at "
            "random, and all items of one subject are checked in a single joint visit.",
        },
    },
    {
        "slug": "credit-platform-online",
        "days_ago": 60,
        "category": NewsPage.Category.NEWS,
        "zh": {
            "title": "外国人来华工作信用管理平台开通信用记录公开查询",
            "introduction": "社会公众可按单位名称、拼音或统一社会信用代码"
            "查询用人单位和中介机构的信用记录。",
            "body": "平台公示用人单位和中介机构的抽查检查结果、行政处罚和信用评价，"
            "外国人个人信息不予公开。",
        },
        "en": {
            "title": "Credit records of employers and agencies now searchable online",
            "introduction": "Anyone can look up an employer or agency by name, pinyin or unified "
            "social credit code.",
            "body": "The platform publishes inspection results, penalties and credit ratings of "
            "employers and agencies; foreign workers' personal data are never published.",
        },
    },
    {
        "slug": "online-complaints",
        "days_ago": 30,
        "category": NewsPage.Category.ANNOUNCEMENT,
        "zh": {
            "title": "外国人来华工作投诉举报实现网上受理和进度查询",
            "introduction": "投诉人可使用中文或英文在线提交投诉举报，"
            "并凭受理编号查询办理进度和结果。",
            "body": "投诉举报按照“谁管辖、谁负责”的原则转交所在地主管部门办理，"
            "限时办结、全程留痕。",
        },
        "en": {
            "title": "Complaints can now be filed and tracked online",
            "introduction": "File a complaint in Chinese or English and follow it with its "
            "tracking number.",
            "body": "Each complaint goes to the authority of the place concerned, with a deadline "
            "for every step and a complete record of its handling.",
        },
    },
    {
        "slug": "training-inspectors",
        "days_ago": 10,
        "category": NewsPage.Category.NEWS,
        "zh": {
            "title": "举办外国人来华工作检查人员业务培训班",
            "introduction": "围绕现场检查记录、回避制度和抽查结果录入开展业务培训。",
            "body": "培训强调“谁抽查、谁录入，谁查处、谁录入”，确保监管痕迹可查询。",
        },
        "en": None,  # left in Chinese: the English list shows it with a notice
    },
]


def _news_load(summary: DemoContentSummary, today: datetime.date) -> None:
    index = _chinese_index(NewsIndexPage)
    if index is None:
        summary.skipped.append("news: no news list page")
        return
    for row in NEWS:
        zh = row["zh"]
        page = _publish(
            index,
            NewsPage(
                title=zh["title"],
                slug=row["slug"],
                category=row["category"],
                published_on=today - datetime.timedelta(days=row["days_ago"]),
                introduction=zh["introduction"],
                search_description=zh["introduction"],
                body=_paragraph(zh["body"]),
            ),
            summary,
        )
        en = row["en"]
        _translate(
            page,
            en
            and {
                "title": en["title"],
                "slug": row["slug"],
                "introduction": en["introduction"],
                "search_description": en["introduction"],
                "body": _paragraph(en["body"]),
            },
            summary,
        )


# Typical cases ---------------------------------------------------------------------------------

CASES = [
    {
        "kind": Organisation.Kind.EMPLOYER,
        "slug": "unlicensed-foreign-employees",
        "zh": (
            "{name}非法聘用外国人案",
            "经查，{name}聘用2名未取得外国人工作许可的外国人从事软件开发工作。",
            "该单位未为所聘外国人办理工作许可，违反《中华人民共和国出境入境管理法》第四十一条。",
            "《中华人民共和国出境入境管理法》第八十条第二款",
            "责令改正，处非法聘用外国人每人一万元罚款，共计二万元。",
            "罚款人民币20000元",
        ),
        "en": (
            "{name}: foreigners employed without work permits",
            "{name} employed two foreigners without work permits as software developers.",
            "No work permit had been applied for, contrary to article 41 of the Exit and Entry "
            "Administration Law.",
            "Exit and Entry Administration Law, article 80(2)",
            "Ordered to comply and fined CNY 10,000 per foreigner, CNY 20,000 in all.",
            "Fine of CNY 20,000",
        ),
        "days_ago": 200,
        "status": TypicalCasePage.Status.ENFORCED,
    },
    {
        "kind": Organisation.Kind.EMPLOYER,
        "slug": "post-differs-from-permit",
        "zh": (
            "{name}外国人实际工作岗位与许可不符案",
            "{name}聘用的1名外籍员工工作许可载明岗位为外语教师，实际从事市场销售工作。",
            "该单位未按规定办理工作许可变更手续。",
            "《外国人在中国就业管理规定》第二十三条、第二十九条",
            "责令限期改正，给予警告。",
            "警告",
        ),
        "en": (
            "{name}: a foreigner working in a post other than the permit's",
            "A foreign employee of {name} held a permit as a language teacher but worked in sales.",
            "The employer had not applied to change the permit.",
            "Rules on the Employment of Foreigners in China, articles 23 and 29",
            "Ordered to comply within a time limit; warning.",
            "Warning",
        ),
        "days_ago": 150,
        "status": TypicalCasePage.Status.DECIDED,
    },
    {
        "kind": Organisation.Kind.AGENCY,
        "slug": "agency-without-licence",
        "zh": (
            "{name}违规从事外国人来华工作中介服务案",
            "{name}在未取得人力资源服务许可的情况下，为外国人介绍来华工作并收取中介费用。",
            "该机构违反《人力资源市场暂行条例》第十八条的规定。",
            "《中华人民共和国出境入境管理法》第四十五条；《人力资源市场暂行条例》第四十二条",
            "责令停止违法行为，没收违法所得，并处罚款。",
            "没收违法所得并处罚款人民币50000元",
        ),
        "en": (
            "{name}: placing foreigners in work without a licence",
            "{name} placed foreigners in work in China for a fee without a human resources "
            "service licence.",
            "Contrary to article 18 of the Interim Regulations on Human Resources Markets.",
            "Exit and Entry Administration Law, article 45; Interim Regulations on Human "
            "Resources Markets, article 42",
            "Ordered to stop; illegal gains confiscated and a fine imposed.",
            "Confiscation of illegal gains and a fine of CNY 50,000",
        ),
        "days_ago": 90,
        "status": TypicalCasePage.Status.UNDER_REVIEW,
    },
    {
        "kind": Organisation.Kind.EMPLOYER,
        "slug": "false-documents",
        "zh": (
            "{name}提供虚假材料申请外国人工作许可案",
            "{name}在为外籍员工申请工作许可时提交了虚假的工作经历证明。",
            "经核查，相关证明材料系伪造，该单位存在弄虚作假行为。",
            "《关于实施外国人来华工作许可监督的工作制度》",
            "撤销已取得的工作许可，将该单位列入外国人来华工作失信名单。",
            "撤销工作许可，列入失信名单",
        ),
        "en": None,  # left in Chinese
        "days_ago": 40,
        "status": TypicalCasePage.Status.DECIDED,
    },
]


def _organisations(kind: str, count: int) -> list[Organisation]:
    """The first organisations of a kind in USCC order, from different provinces."""
    found: list[Organisation] = []
    provinces: set[str] = set()
    for organisation in (
        Organisation.objects.filter(kind=kind).select_related("region").order_by("uscc")[:500]
    ):
        province = organisation.region_id[:2]
        if province in provinces:
            continue
        provinces.add(province)
        found.append(organisation)
        if len(found) == count:
            break
    return found


def _provincial_authority(region_code: str) -> Authority | None:
    return Authority.objects.filter(
        level=Authority.Level.PROVINCIAL, region_id=region_code[:2] + "0000"
    ).first()


def _cases_load(summary: DemoContentSummary, today: datetime.date) -> None:
    index = _chinese_index(TypicalCaseIndexPage)
    if index is None:
        summary.skipped.append("cases: no typical case list page")
        return
    employers = iter(_organisations(Organisation.Kind.EMPLOYER, 3))
    agencies = iter(_organisations(Organisation.Kind.AGENCY, 1))
    for row in CASES:
        existing = index.get_children().filter(slug=row["slug"]).first()
        organisation = (
            existing.specific.organisation
            if existing
            else next(employers if row["kind"] == Organisation.Kind.EMPLOYER else agencies, None)
        )
        if organisation is None:
            summary.skipped.append(f"case {row['slug']}: no {row['kind']} in the database")
            continue
        title, facts, findings, basis, decision, penalty = (
            text.format(name=organisation.name) for text in row["zh"]
        )
        decided_on = today - datetime.timedelta(days=row["days_ago"] + 14)
        page = _publish(
            index,
            TypicalCasePage(
                title=title,
                slug=row["slug"],
                organisation=organisation,
                region=organisation.region,
                authority=core_selectors.authority_for_region(organisation.region_id),
                introduction=facts,
                search_description=facts[:150],
                facts=facts,
                findings=findings,
                legal_basis=basis,
                decision=decision,
                decision_number=f"人社罚〔{decided_on.year}〕{row['days_ago']}号",
                penalty=penalty,
                status=row["status"],
                decided_on=decided_on,
                published_on=today - datetime.timedelta(days=row["days_ago"]),
            ),
            summary,
        )
        english = None
        if row["en"]:
            name = organisation.name_en or organisation.name
            title, facts, findings, basis, decision, penalty = (
                text.format(name=name) for text in row["en"]
            )
            english = {
                "title": title,
                "slug": row["slug"],
                "introduction": facts,
                "search_description": facts[:150],
                "facts": facts,
                "findings": findings,
                "legal_basis": basis,
                "decision": decision,
                "penalty": penalty,
            }
        _translate(page, english, summary)


# Inspection result notices ---------------------------------------------------------------------

NOTICE_RESULTS = (
    ("外国人工作许可持证情况", "compliant", ""),
    ("用人单位聘用外国人情况", "compliant", ""),
    (
        "外国人实际工作单位、工作岗位与工作许可一致情况",
        "non_compliant",
        "1名外国人实际工作岗位与许可不符，已责令改正。",
    ),
    ("中介机构从事外国人来华工作中介服务情况", "compliant", ""),
    ("外国人工作许可变更、延期、注销办理情况", "not_located", ""),
)


def _province_subjects(province_prefix: str) -> list[Organisation]:
    """Five employers and one agency of a province, in USCC order."""
    in_province = Organisation.objects.filter(region__code__startswith=province_prefix).order_by(
        "uscc"
    )
    return list(in_province.filter(kind=Organisation.Kind.EMPLOYER)[:5]) + list(
        in_province.filter(kind=Organisation.Kind.AGENCY)[:1]
    )


def _notices_load(summary: DemoContentSummary, today: datetime.date) -> None:
    index = _chinese_index(InspectionResultNoticeIndexPage)
    if index is None:
        summary.skipped.append("notices: no inspection result list page")
        return
    provinces = [item.region_id[:2] for item in _organisations(Organisation.Kind.EMPLOYER, 2)]
    batches = (("first-batch", 75, True), ("second-batch", 20, False))
    for number, ((slug, days_ago, translated), province) in enumerate(
        zip(batches, provinces, strict=False), start=1
    ):
        if index.get_children().filter(slug=slug).exists():
            continue
        authority = _provincial_authority(province + "0000")
        subjects = _province_subjects(province)
        if authority is None or not subjects:
            summary.skipped.append(f"notice {slug}: no authority or organisation")
            continue
        year = (today - datetime.timedelta(days=days_ago)).year
        notice = InspectionResultNoticePage(
            title=f"{authority.region.name}{year}年第{number}批外国人来华工作双随机抽查结果公示",
            slug=slug,
            batch_reference=f"抽〔{year}〕{number}号",
            region=authority.region,
            authority=authority,
            introduction="根据年度随机抽查工作计划，现将本批次抽查的检查事项、检查对象和检查结果"
            "予以公示。",
            inspection_items="\n".join(item for item, _result, _finding in NOTICE_RESULTS),
            drawn_on=today - datetime.timedelta(days=days_ago + 45),
            published_on=today - datetime.timedelta(days=days_ago),
        )
        for position, organisation in enumerate(subjects):
            item, result, finding = NOTICE_RESULTS[(position + number) % len(NOTICE_RESULTS)]
            if organisation.kind == Organisation.Kind.AGENCY:
                item, result, finding = NOTICE_RESULTS[3]
            elif item == NOTICE_RESULTS[3][0]:
                item, result, finding = NOTICE_RESULTS[0]
            notice.results.add(
                InspectionResultRow(
                    organisation=organisation, item=item, result=result, finding=finding
                )
            )
        page = _publish(index, notice, summary)
        region_en = authority.region.name
        _translate(
            page,
            {
                "title": f"Random inspections by {authority.name_en or region_en}, {year}, "
                f"batch {number}: results",
                "slug": slug,
                "introduction": "The items inspected in this batch of the annual random "
                "inspection plan, the employers and agencies drawn, and the results.",
            }
            if translated
            else None,
            summary,
        )


def demo_content_load(*, today: datetime.date | None = None) -> DemoContentSummary:
    """Add the demo inspection items and pages that are missing (see the module's docstring)."""
    today = today or timezone.localdate()
    summary = DemoContentSummary()
    with transaction.atomic():
        summary.items = inspection_items_demo_load()
        _news_load(summary, today)
        _cases_load(summary, today)
        _notices_load(summary, today)
    return summary
