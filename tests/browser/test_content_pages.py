"""The published content in a real browser, in both languages: the CMS pages (standard pages,
news, typical cases, inspection result notices and their lists), the authorities and the open
data page. The same checks as every page: nothing from other hosts, axe-core, the Nu HTML
checker."""

import datetime

import pytest
from wagtail.models import Locale

from cms.models import (
    HomePage,
    InspectionResultNoticeIndexPage,
    InspectionResultNoticePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
    TypicalCaseIndexPage,
    TypicalCasePage,
)
from portal.core.models import (
    AuthorityDepartment,
    AuthorityExclusion,
    AuthorityPhone,
    AuthorityPower,
    AuthorityRule,
    Region,
)
from tests.factories import AuthorityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def chinese(model):
    """A page of the default tree (made by the cms migrations), in Chinese."""
    return model.objects.get(locale__language_code="zh-hans")


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def translate(page, **fields):
    english = page.copy_for_translation(Locale.objects.get(language_code="en"))
    for name, value in fields.items():
        setattr(english, name, value)
    english.save_revision().publish()
    return english


@pytest.fixture
def authorities():
    national = AuthorityFactory(region=None, level="national", name="国家外国专家局")
    guangdong = AuthorityFactory(
        region=Region.objects.get(code="440000"),
        level="provincial",
        parent=national,
        name="广东省人力资源和社会保障厅",
        name_en="Human Resources and Social Security Department of Guangdong Province",
    )
    shenzhen = AuthorityFactory(
        parent=guangdong,
        name="深圳市人力资源和社会保障局",
        name_en="Shenzhen Municipal Human Resources and Social Security Bureau",
        organisation="设外国人来华工作管理科、执法监督科。",
        languages=["zh-hans", "en", "ja"],
    )
    AuthorityPower.objects.create(
        authority=shenzhen,
        kind="licensing",
        item="外国人来华工作许可",
        item_en="Work permits for foreigners in China",
        legal_basis="《中华人民共和国出境入境管理法》第四十一条",
        legal_basis_en="Exit and Entry Administration Law, article 41",
    )
    AuthorityPhone.objects.create(
        authority=shenzhen, label="外国人工作许可咨询", label_en="", number="0755-88121234"
    )
    AuthorityExclusion.objects.create(
        authority=shenzhen,
        matter="劳动报酬、社会保险等劳动争议",
        matter_en="Labour disputes over pay or social insurance",
        refer_to="当地劳动人事争议仲裁委员会",
        refer_to_en="the local labour dispute arbitration committee",
    )
    AuthorityDepartment.objects.create(
        authority=shenzhen, name="执法监督科", duties="受理投诉举报。", phone="0755-1"
    )
    AuthorityRule.objects.create(
        authority=shenzhen, title="外国人在中国就业管理规定", number="劳部发〔1996〕29号"
    )
    return {"national": national, "guangdong": guangdong, "shenzhen": shenzhen}


@pytest.fixture
def content(authorities):
    """One page of each type, some translated, one not (the English site falls back to it)."""
    organisation = OrganisationFactory(name="深圳市典型案例科技有限公司")
    case = publish(
        chinese(TypicalCaseIndexPage),
        TypicalCasePage(
            title="深圳市某科技有限公司非法聘用外国人案",
            slug="illegal-hiring",
            organisation=organisation,
            authority=authorities["shenzhen"],
            region=Region.objects.get(code="440305"),
            facts="该单位聘用未取得工作许可的外国人从事软件开发工作。",
            findings="经查，该单位聘用外国人2名。",
            legal_basis="《出境入境管理法》第八十条",
            decision="责令改正并处罚款。",
            decision_number="深人社罚〔2024〕18号",
            penalty="罚款人民币20000元",
            status=TypicalCasePage.Status.DECIDED,
            decided_on=datetime.date(2024, 5, 6),
            published_on=datetime.date(2024, 5, 20),
        ),
    )
    translate(case, title="Illegal hiring of foreigners in Shenzhen", facts="It hired two.")
    publish(
        chinese(TypicalCaseIndexPage),
        TypicalCasePage(
            title="未翻译的案例",
            slug="only-chinese",
            organisation=organisation,
            region=Region.objects.get(code="440305"),
            facts="事实。",
            status=TypicalCasePage.Status.DECIDED,
            published_on=datetime.date(2024, 6, 20),
        ),
    )
    news = publish(
        chinese(NewsIndexPage),
        NewsPage(
            title="关于进一步加强外国人来华工作管理的通知",
            slug="new-rules",
            published_on=datetime.date(2024, 6, 1),
            category=NewsPage.Category.POLICY,
            introduction="各地人力资源社会保障部门要加强事中事后监管。",
        ),
    )
    translate(news, title="New rules on work permits", introduction="The rules change.")
    notice = InspectionResultNoticePage(
        title="2024年第一批外国人来华工作双随机抽查结果公示",
        slug="batch-1",
        batch_reference="粤抽〔2024〕1号",
        region=Region.objects.get(code="440000"),
        inspection_items="外国人工作许可办理情况\n外国人实际工作岗位与许可一致情况",
        published_on=datetime.date(2024, 7, 1),
    )
    notice.results.add(
        notice.results.model(
            organisation=organisation,
            item="外国人工作许可办理情况",
            result="non_compliant",
            finding="一名外国人未办理工作许可。",
        )
    )
    publish(chinese(InspectionResultNoticeIndexPage), notice)
    publish(
        chinese(HomePage),
        StandardPage(
            title="投诉须知",
            slug="complaint-guide",
            body=[
                ("heading", "受理范围"),
                ("paragraph", "<p>用人单位违法聘用外国人的行为。</p>"),
                ("table", {"data": [["事项", "时限"], ["受理", "5个工作日"]]}),
                ("question", {"question": "需要实名吗？", "answer": "<p>可以匿名举报。</p>"}),
            ],
        ),
    )


def check_pages(visit, subtests, pages) -> None:
    """Open each (language, path, start of the h1) and run every check on it."""
    sites = {}
    for language, path, heading in pages:
        with subtests.test(language=language, path=path):
            site = sites.get(language) or sites.setdefault(language, visit(language))
            site.open(path)
            assert site.page.locator("h1").inner_text().startswith(heading)
            site.assert_page_passes()


def test_standard_pages(visit, subtests, content):
    check_pages(
        visit,
        subtests,
        [
            ("zh-hans", "/faq/", "常见问题"),
            ("en", "/en/faq/", "Frequently asked questions"),
            ("zh-hans", "/contact/", "联系我们"),
            ("en", "/en/contact/", "Contact"),
            ("zh-hans", "/complaint-guide/", "投诉须知"),  # headings, a table, questions
        ],
    )


def test_home_with_the_latest_items(visit, subtests, content):
    check_pages(
        visit,
        subtests,
        [
            ("zh-hans", "/", "外国人来华工作监管公示平台"),
            ("en", "/en/", "Foreign Work Permit Supervision Portal"),
        ],
    )


def test_news(visit, subtests, content):
    check_pages(
        visit,
        subtests,
        [
            ("zh-hans", "/news/", "政策与新闻"),
            ("en", "/en/news/", "Policies and news"),
            ("zh-hans", "/news/?category=policy", "政策与新闻"),
            ("zh-hans", "/news/new-rules/", "关于进一步加强外国人来华工作管理的通知"),
            ("en", "/en/news/new-rules/", "New rules on work permits"),
        ],
    )


def test_typical_cases(visit, subtests, content):
    check_pages(
        visit,
        subtests,
        [
            ("zh-hans", "/cases/", "典型案例"),
            ("en", "/en/cases/", "Typical cases"),
            ("zh-hans", "/cases/?province=440000&status=decided&year=2024", "典型案例"),
            ("zh-hans", "/cases/illegal-hiring/", "深圳市某科技有限公司非法聘用外国人案"),
            ("en", "/en/cases/illegal-hiring/", "Illegal hiring of foreigners in Shenzhen"),
            ("en", "/en/cases/only-chinese/", "未翻译的案例"),  # falls back to Chinese
        ],
    )


def test_inspection_result_notices(visit, subtests, content):
    check_pages(
        visit,
        subtests,
        [
            ("zh-hans", "/notices/", "抽查结果公示"),
            ("en", "/en/notices/", "Inspection results"),
            ("zh-hans", "/notices/?province=440000&year=2024", "抽查结果公示"),
            ("zh-hans", "/notices/batch-1/", "2024年第一批外国人来华工作双随机抽查结果公示"),
            ("en", "/en/notices/batch-1/", "2024年第一批"),  # untranslated
        ],
    )


def test_a_list_with_a_bad_filter_value(visit, content):
    site = visit()
    site.open("/cases/?year=abc")
    assert site.page.locator("[aria-invalid=true]").count() == 1
    site.assert_page_passes()


def test_authorities(visit, subtests, authorities):
    check_pages(
        visit,
        subtests,
        [
            ("zh-hans", "/authorities/", "监管机构"),
            ("en", "/authorities/", "Authorities"),
            ("zh-hans", "/authorities/?province=440000", "监管机构"),
            ("zh-hans", "/authorities/440300/", "深圳市人力资源和社会保障局"),
            ("en", "/authorities/440300/", "Shenzhen Municipal Human Resources"),
            ("zh-hans", "/authorities/national/", "国家外国专家局"),
        ],
    )


def test_open_data(visit, subtests):
    check_pages(visit, subtests, [("zh-hans", "/data/", "开放数据"), ("en", "/data/", "Open data")])
