"""Pages built through Wagtail's own API (add_child, revisions, copy_for_translation) on top of
the default tree that the cms migrations create."""

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
from portal.core.models import Authority, Region
from tests.factories import OrganisationFactory


def publish(parent, page):
    """Add `page` under `parent` and publish it, as an editor would."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def translate(page, **fields):
    """The English version of a published page, written and published (simple_translation)."""
    english = page.copy_for_translation(Locale.objects.get(language_code="en"))
    for name, value in fields.items():
        setattr(english, name, value)
    english.save_revision().publish()
    english.refresh_from_db()
    return english


def in_locale(model, language_code: str):
    return model.objects.get(locale__language_code=language_code)


@pytest.fixture
def home():
    return in_locale(HomePage, "zh-hans")


@pytest.fixture
def news_index():
    return in_locale(NewsIndexPage, "zh-hans")


@pytest.fixture
def case_index():
    return in_locale(TypicalCaseIndexPage, "zh-hans")


@pytest.fixture
def notice_index():
    return in_locale(InspectionResultNoticeIndexPage, "zh-hans")


@pytest.fixture
def faq():
    return StandardPage.objects.get(locale__language_code="zh-hans", slug="faq")


@pytest.fixture
def authority():
    return Authority.objects.create(
        name="广东省人力资源和社会保障厅",
        name_en="Human Resources and Social Security Department of Guangdong",
        level=Authority.Level.PROVINCIAL,
        region=Region.objects.get(code="440000"),
        complaint_phone="020-12333",
    )


@pytest.fixture
def organisation():
    return OrganisationFactory(name="深圳市典型案例科技有限公司")


@pytest.fixture
def make_case(case_index, organisation):
    def make(**fields):
        values = {
            "title": "深圳市某科技有限公司非法聘用外国人案",
            "slug": f"case-{TypicalCasePage.objects.count() + 1}",
            "organisation": organisation,
            "region": Region.objects.get(code="440305"),
            "facts": "该单位聘用未取得工作许可的外国人从事软件开发工作。",
            "findings": "经查，该单位聘用外国人2名。",
            "legal_basis": "《出境入境管理法》第八十条",
            "decision": "责令改正并处罚款。",
            "decision_number": "深人社罚〔2024〕18号",
            "penalty": "罚款人民币20000元",
            "status": TypicalCasePage.Status.DECIDED,
            "decided_on": datetime.date(2024, 5, 6),
            "published_on": datetime.date(2024, 5, 20),
        }
        values.update(fields)
        return publish(case_index, TypicalCasePage(**values))

    return make


@pytest.fixture
def make_news(news_index):
    def make(**fields):
        values = {
            "title": "关于进一步加强外国人来华工作管理的通知",
            "slug": f"news-{NewsPage.objects.count() + 1}",
            "published_on": datetime.date(2024, 6, 1),
            "category": NewsPage.Category.POLICY,
            "introduction": "各地人力资源社会保障部门要加强事中事后监管。",
        }
        values.update(fields)
        return publish(news_index, NewsPage(**values))

    return make


@pytest.fixture
def make_notice(notice_index, organisation):
    def make(**fields):
        values = {
            "title": "2024年第一批外国人来华工作双随机抽查结果公示",
            "slug": f"notice-{InspectionResultNoticePage.objects.count() + 1}",
            "batch_reference": "粤抽〔2024〕1号",
            "region": Region.objects.get(code="440000"),
            "inspection_items": "外国人工作许可办理情况\n外国人实际工作岗位与许可一致情况",
            "published_on": datetime.date(2024, 7, 1),
        }
        values.update(fields)
        notice = InspectionResultNoticePage(**values)
        notice.results.add(
            notice.results.model(
                organisation=organisation,
                item="外国人工作许可办理情况",
                result="non_compliant",
                finding="一名外国人未办理工作许可。",
            )
        )
        return publish(notice_index, notice)

    return make
