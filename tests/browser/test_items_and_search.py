"""The inspection item list, its history and the search page's tabs in a real browser, in both
languages: nothing from other hosts, axe-core, the Nu HTML checker."""

import datetime

import pytest
from django.core.management import call_command
from wagtail.models import Locale

from cms.models import NewsIndexPage, NewsPage
from portal.core.models import Region
from portal.inspections.models import InspectionItem
from portal.inspections.services import inspection_item_publish, inspection_item_withdraw
from tests.factories import AuthorityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _item(authority, code, **fields):
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
        "department_en": "Division of Foreigners' Work in China",
        "in_force_from": datetime.date(2024, 1, 1),
    }
    values.update(fields)
    return InspectionItem(**values)


@pytest.fixture
def content(search_index):
    national = AuthorityFactory(region=None, level="national", name="国家外国专家局")
    guangdong = AuthorityFactory(
        region=Region.objects.get(code="440000"),
        level="provincial",
        parent=national,
        name="广东省人力资源和社会保障厅",
        name_en="Human Resources and Social Security Department of Guangdong Province",
    )
    permits = _item(national, "GJ-01")
    inspection_item_publish(item=permits)
    inspection_item_publish(
        item=_item(
            national,
            "GJ-07",
            name="中介机构从事外国人来华工作中介服务情况",
            name_en="How agencies place foreigners in work in China",
            subject_type="agency",
            department="人力资源市场处",
            department_en="",  # shown in Chinese, marked as such, on the English page
        )
    )
    addition = _item(guangdong, "44-01", name="粤港澳大湾区港澳企业聘用外国人情况", name_en="")
    inspection_item_publish(item=addition)
    permits.frequency = "每半年一次，抽查比例不低于10%"
    inspection_item_publish(item=permits)
    inspection_item_withdraw(item=addition, on=datetime.date.today() + datetime.timedelta(days=30))

    OrganisationFactory(name="深圳市工作许可科技有限公司")
    index = NewsIndexPage.objects.get(locale__language_code="zh-hans")
    news = NewsPage(
        title="外国人来华工作许可办理指南",
        slug="permit-guide",
        published_on=datetime.date(2024, 6, 1),
        introduction="用人单位申请外国人工作许可须提交的材料。",
    )
    index.add_child(instance=news)
    news.save_revision().publish()
    english = news.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Guidance on work permits for foreigners"
    english.introduction = "What employers submit for a foreigner's work permit."
    english.save_revision().publish()
    call_command("update_index", verbosity=0)


def check_pages(visit, subtests, pages) -> None:
    """Open each (language, path, start of the h1 in that language) and run every check on
    it."""
    sites = {}
    for language, path, expected in pages:
        with subtests.test(language=language, path=path):
            site = sites.get(language) or sites.setdefault(language, visit(language))
            site.open(path)
            heading = site.page.locator("h1").inner_text()
            assert heading.startswith(expected), heading
            site.assert_page_passes()


LIST = {"zh-hans": "随机抽查事项清单", "en": "Inspection item list"}
HISTORY = {"zh-hans": "随机抽查事项清单变更记录", "en": "History of the inspection item list"}


def test_the_item_list_and_its_history(visit, subtests, content):
    check_pages(
        visit,
        subtests,
        [
            ("zh-hans", "/inspection-items/", LIST["zh-hans"]),
            ("en", "/inspection-items/", LIST["en"]),
            (
                "zh-hans",
                "/inspection-items/?province=440000&subject_type=employer",
                LIST["zh-hans"],
            ),
            (
                "en",
                "/inspection-items/?department=%E4%BA%BA%E5%8A%9B%E8%B5%84%E6%BA%90%E5%B8%82%E5%9C%BA%E5%A4%84",
                LIST["en"],
            ),
            ("zh-hans", "/inspection-items/history/", HISTORY["zh-hans"]),
            ("en", "/inspection-items/history/?province=440000", HISTORY["en"]),
        ],
    )


def test_a_bad_filter_is_shown_as_valid_html(visit, content):
    site = visit("en")
    site.open("/inspection-items/?province=990000", status=400)
    assert "There is no provincial authority for this code." in site.page.inner_text("main")
    site.assert_page_passes()


def test_the_search_tabs_in_both_languages(visit, subtests, content):
    check_pages(
        visit,
        subtests,
        [
            (
                "zh-hans",
                "/search/?q=%E5%B7%A5%E4%BD%9C%E8%AE%B8%E5%8F%AF",
                "用人单位和中介机构信用记录",
            ),
            (
                "zh-hans",
                "/search/?q=%E5%B7%A5%E4%BD%9C%E8%AE%B8%E5%8F%AF&tab=pages",
                "搜索本站页面",
            ),
            ("en", "/search/?q=employers&tab=pages", "Search the pages"),
            ("en", "/search/?q=permits", "Credit records"),
            ("en", "/search/?tab=pages", "Search the pages"),
        ],
    )


def test_the_tabs_are_links_that_keep_the_query(visit, content):
    site = visit("en")
    site.open("/search/?q=permits")
    tabs = site.page.get_by_role("navigation", name="What to search")
    assert tabs.locator('[aria-current="page"]').inner_text().startswith("Credit records")
    tabs.get_by_role("link", name="Pages").click()
    site.page.wait_for_url("**/search/?q=permits&tab=pages")
    assert site.page.get_by_role(
        "link", name="Guidance on work permits for foreigners"
    ).is_visible()
    current = site.page.get_by_role("navigation", name="What to search").locator(
        '[aria-current="page"]'
    )
    # The tab's count is the number of pages listed (PostgreSQL's stemming may find more
    # pages than SQLite does, such as the default tree's pages mentioning a permit).
    found = site.page.locator(".page-results > li").count()
    assert found >= 1
    assert current.inner_text() == f"Pages ({found})"
    assert site.page.locator("#id_q").input_value() == "permits"
