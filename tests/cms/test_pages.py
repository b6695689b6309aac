"""Every page type renders in both languages; translations, fallback, hreflang, drafts."""

import datetime

import pytest

from cms.models import HomePage, StandardPage
from tests.cms.conftest import in_locale, translate
from tests.factories import CreditEventFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_default_tree_exists_in_both_languages(client):
    for path in ("/", "/news/", "/cases/", "/notices/", "/faq/", "/contact/"):
        assert 'lang="zh-Hans"' in text(client.get(path)), path
    for path in ("/en/", "/en/news/", "/en/cases/", "/en/notices/", "/en/faq/", "/en/contact/"):
        assert '<html lang="en">' in text(client.get(path)), path
    assert "常见问题" in text(client.get("/faq/"))
    assert "Frequently asked questions" in text(client.get("/en/faq/"))
    assert "Typical cases" in text(client.get("/en/cases/"))


def test_the_menu_links_the_pages_of_the_current_language(client):
    chinese = text(client.get("/"))
    assert '<a href="/cases/">典型案例</a>' in chinese
    english = text(client.get("/en/"))
    assert '<a href="/en/cases/">Typical cases</a>' in english
    assert '<a class="site-name" href="/en/">' in english


def test_home_shows_search_key_figures_and_latest_items(
    client, make_case, make_news, make_notice, organisation
):
    CreditEventFactory(organisation=organisation, published_on=datetime.date.today())
    make_case(title="某公司非法聘用外国人案")
    make_news(title="外国人工作许可新规发布")
    make_notice(title="第一批抽查结果")
    home = in_locale(HomePage, "zh-hans")
    home.file_complaint_url = "/complaints/new/?from=home"
    home.save_revision().publish()

    page = text(client.get("/"))
    assert "查询用人单位或中介机构" in page  # the search box, translated
    assert 'action="/search/"' in page
    assert "某公司非法聘用外国人案" in page
    assert "外国人工作许可新规发布" in page
    assert "第一批抽查结果" in page
    assert 'href="/complaints/new/?from=home"' in page
    assert "<dd>1</dd>" in page  # one organisation with a public record, one case

    assert 'href="/complaints/track/"' in page  # left empty: the portal's own page

    english = text(client.get("/en/"))
    assert "Key figures" in english
    assert "某公司非法聘用外国人案" in english  # untranslated: shown in Chinese, marked
    assert "(in Chinese)" in english


def test_standard_page_renders_headings_paragraphs_tables_and_questions(client, home):
    page = StandardPage(
        title="投诉须知",
        slug="complaint-guide",
        body=[
            ("heading", "受理范围"),
            ("paragraph", "<p>用人单位违法聘用外国人的行为。</p>"),
            ("table", {"data": [["事项", "时限"], ["受理", "5个工作日"]]}),
            ("question", {"question": "需要实名吗？", "answer": "<p>可以匿名举报。</p>"}),
        ],
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    body = text(client.get("/complaint-guide/"))
    assert "<h2>受理范围</h2>" in body
    assert "用人单位违法聘用外国人的行为" in body
    assert "5个工作日" in body
    assert "<summary>需要实名吗？</summary>" in body


def test_news_page_in_both_languages(client, make_news):
    news = make_news(title="外国人工作许可新规发布", slug="new-rules")
    translate(news, title="New rules on work permits", introduction="The rules change.")
    chinese = text(client.get("/news/new-rules/"))
    assert "外国人工作许可新规发布" in chinese
    assert "政策法规" in chinese  # the category
    english = text(client.get("/en/news/new-rules/"))
    assert "New rules on work permits" in english
    assert "fallback-notice" not in english


def test_typical_case_page_shows_its_typed_fields(client, make_case, organisation, authority):
    case = make_case(slug="illegal-hiring", authority=authority)
    page = text(client.get("/cases/illegal-hiring/"))
    for expected in (
        case.title,
        organisation.name,
        organisation.uscc,
        f"/organisations/{organisation.uscc}/",
        "深人社罚〔2024〕18号",
        "罚款人民币20000元",
        "《出境入境管理法》第八十条",
        "南山区",
        authority.name,
        "020-12333",  # the responsible authority's complaint phone in the footer
    ):
        assert expected in page, expected
    translate(case, title="Illegal hiring of foreigners in Shenzhen", facts="It hired two.")
    english = text(client.get("/en/cases/illegal-hiring/"))
    assert "Illegal hiring of foreigners in Shenzhen" in english
    assert authority.name_en in english


def test_inspection_result_notice_lists_items_subjects_and_results(
    client, make_notice, organisation
):
    make_notice(slug="batch-1")
    page = text(client.get("/notices/batch-1/"))
    assert "外国人实际工作岗位与许可一致情况" in page
    assert organisation.name in page
    assert organisation.uscc in page
    assert "一名外国人未办理工作许可。" in page
    english = text(client.get("/en/notices/batch-1/"))
    assert "Inspected subjects and results" in english
    assert organisation.uscc in english


def test_an_untranslated_page_falls_back_to_chinese_with_a_notice(client, make_case):
    make_case(title="未翻译的案例", slug="only-chinese")
    english = text(client.get("/en/cases/only-chinese/"))
    assert "未翻译的案例" in english
    assert 'class="fallback-notice"' in english
    assert "has not been translated into English" in english
    assert 'lang="zh-Hans"' in english  # the Chinese content is marked as such
    assert 'rel="canonical" href="http://localhost/cases/only-chinese/"' in english
    assert "fallback-notice" not in text(client.get("/cases/only-chinese/"))


def test_an_untranslated_home_falls_back_too(client):
    in_locale(HomePage, "en").unpublish()
    english = text(client.get("/en/"))
    assert "fallback-notice" in english


def test_translated_pages_link_each_other_with_hreflang(client, make_news):
    news = make_news(slug="bilingual")
    translate(news, title="Bilingual")
    for path in ("/news/bilingual/", "/en/news/bilingual/"):
        page = text(client.get(path))
        assert (
            '<link rel="alternate" hreflang="zh-Hans" href="http://localhost/news/bilingual/">'
            in page
        )
        assert (
            '<link rel="alternate" hreflang="en" href="http://localhost/en/news/bilingual/">'
            in page
        )
        assert 'hreflang="x-default" href="http://localhost/news/bilingual/"' in page


def test_search_description_is_the_meta_description(client, make_news):
    make_news(slug="described", search_description="一段用于搜索引擎的摘要")
    page = text(client.get("/news/described/"))
    assert '<meta name="description" content="一段用于搜索引擎的摘要">' in page


def test_unpublished_pages_are_not_visible(client, make_case, case_index):
    case = make_case(title="已撤下的案例", slug="withdrawn")
    case.unpublish()
    assert client.get("/cases/withdrawn/").status_code == 404
    assert client.get("/en/cases/withdrawn/").status_code == 404
    assert "已撤下的案例" not in text(client.get("/cases/"))
    assert "已撤下的案例" not in text(client.get("/cases/rss/"))
    assert "已撤下的案例" not in text(client.get("/sitemap.xml"))


def test_a_draft_translation_is_not_shown(client, make_news):
    news = make_news(title="中文标题", slug="draft-en")
    from wagtail.models import Locale

    english = news.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "English draft"
    english.save_revision()  # not published
    page = text(client.get("/en/news/draft-en/"))
    assert "English draft" not in page
    assert "中文标题" in page and "fallback-notice" in page


def test_the_language_switch_on_a_page_goes_to_its_translation(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/cases/"
    back = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/en/cases/"})
    assert back["Location"] == "/cases/"


def test_views_outside_the_pages_keep_the_language_cookie(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/search/"})
    assert "Credit records of employers" in text(client.get("/search/"))
    # Pages take their language from the address, not from the cookie.
    assert 'lang="zh-Hans"' in text(client.get("/cases/"))
    assert '<html lang="en">' in text(client.get("/en/cases/"))
    english_search = text(client.get("/search/"))
    assert '<a class="site-name" href="/en/">' in english_search
