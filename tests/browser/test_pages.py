"""Every public page type, in both languages, in a real browser (Chromium) against the live server:
nothing is fetched from another host, axe-core finds no serious or critical WCAG 2.1 A/AA
violation, and the Nu HTML checker finds no error in the HTML the server sent."""

import datetime
import re
import socket
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from portal.api import api
from portal.core.models import Authority, Region
from portal.records import reports, services
from tests.browser.checks import assert_accessible
from tests.factories import OrganisationFactory

# The live server and the browser see committed data only; the serialized rollback restores the
# reference data (regions, the home page) for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LANGUAGES = ["zh-hans", "en"]


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def authority():
    return Authority.objects.create(
        name="深圳市人力资源和社会保障局",
        name_en="Shenzhen Human Resources and Social Security Bureau",
        level=Authority.Level.PREFECTURAL,
        region=Region.objects.get(code="440300"),
        complaint_phone="0755-12333",
    )


@pytest.fixture
def record(authority):
    """An employer with everything its record page can show: a former name, a penalty with a
    published statement, an inspection result, a commendation and a removed list entry."""
    organisation = OrganisationFactory(
        name="深圳市南山旧名科技有限公司",
        name_en="Shenzhen Nanshan Example Technology Co., Ltd.",
        foreign_staff_count=7,
    )
    services.organisation_update(organisation=organisation, name="深圳市南山示例科技有限公司")
    penalty = services.credit_event_create(
        organisation=organisation,
        kind="penalty",
        severity="ordinary",
        reference="P-1",
        title="未按规定办理外国人工作许可",
        decision_number="深人社罚〔2026〕17号",
        legal_basis="《外国人在中国就业管理规定》第二十八条",
        facts="该单位聘用一名外国人未办理工作许可。",
        penalty="警告，罚款人民币五千元。",
        authority=authority,
        decided_on=days_ago(35),
        published_on=days_ago(30),
    )
    statement = services.statement_receive(
        event=penalty, text="我单位已于次日补办工作许可，并加强内部管理。", received_on=days_ago(25)
    )
    services.statement_publish(statement=statement, on=days_ago(20))
    services.credit_event_create(
        organisation=organisation,
        kind="inspection_result",
        reference="I-1",
        title="2026年度双随机抽查",
        severity="ordinary",
        origin="draw",
        outcome="not_located",
        authority=authority,
        published_on=days_ago(15),
    )
    services.credit_event_create(
        organisation=organisation,
        kind="commendation",
        reference="C-1",
        title="外籍人才服务先进单位",
        authority=authority,
        published_on=days_ago(40),
    )
    entry = services.credit_event_create(
        organisation=organisation,
        kind="list_entry",
        reference="L-1",
        title="列入警示名单",
        list_kind="warning",
        starts_on=days_ago(90),
        scheduled_end_on=days_ago(90) + datetime.timedelta(days=365),
        authority=authority,
        published_on=days_ago(90),
    )
    services.list_entry_remove(event=entry, removed_on=days_ago(5), reason="已按期完成整改")
    organisation.refresh_from_db()
    return organisation


@pytest.fixture
def indexed(index_now, record):
    """Search results with facets: the record above, two more employers and an agency elsewhere."""
    others = [
        OrganisationFactory(name="深圳市南山星河软件有限公司", name_en="Shenzhen Xinghe Software"),
        OrganisationFactory(name="深圳市南山远航信息技术有限公司"),
        OrganisationFactory(
            name="北京南山人力资源服务有限公司",
            kind="agency",
            region=Region.objects.get(code="110105"),
            agency_licence_number="京人社中介〔2025〕12号",
        ),
    ]
    index_now(record, *others)
    return [record, *others]


# Home ------------------------------------------------------------------------------------------


def test_home(visit, subtests):
    # Wagtail's pages: Chinese at the root, English under /en/.
    for language, path, heading, lang in (
        ("zh-hans", "/", "外国人来华工作监管公示平台", "zh-Hans"),
        ("en", "/en/", "Foreign Work Permit Supervision Portal", "en"),
    ):
        with subtests.test(language=language):
            site = visit(language)
            site.open(path)
            assert site.page.locator("h1").inner_text() == heading
            assert site.page.locator("html").get_attribute("lang") == lang
            site.assert_page_passes()


# The credit search ---------------------------------------------------------------------------


def test_search_form_without_a_query(visit, subtests):
    for language in LANGUAGES:
        with subtests.test(language=language):
            site = visit(language)
            site.open("/search/")
            assert site.page.get_by_role("search").count() == 1
            assert site.page.locator(".results").count() == 0
            site.assert_page_passes()


def test_search_results_with_facets(visit, indexed, subtests):
    for language in LANGUAGES:
        with subtests.test(language=language):
            site = visit(language)
            site.open("/search/?q=南山")
            assert site.page.locator("ol.results > li").count() == 4
            assert site.page.locator("ol.results mark").count() >= 4  # the matched characters
            assert site.page.get_by_role("complementary").locator("h3").count() >= 3  # facets
            site.assert_page_passes()


def test_search_results_with_filters_chosen(visit, indexed, subtests):
    for language, agency in (("zh-hans", "中介机构"), ("en", "Intermediary agency")):
        with subtests.test(language=language):
            site = visit(language)
            site.open("/search/?q=南山")
            # Choose the kind "agency" the way a visitor does: its link among the filters.
            site.page.locator(".facets a", has_text=agency).click()
            site.page.wait_for_url(re.compile(r"kind=agency"))
            assert site.page.locator("ol.results > li").count() == 1
            assert site.page.locator('.facets a[aria-current="true"]').count() == 1
            # Then the form of more filters: order by name, 25 a page.
            site.page.locator("#id_sort").select_option("name")
            site.page.locator("#id_size").select_option("25")
            site.page.locator(".more-filters button[type=submit]").click()
            site.page.wait_for_url(re.compile(r"size=25"))
            assert "kind=agency" in site.page.url
            assert site.page.locator("ol.results > li").count() == 1
            site.html = site.page.request.get(site.page.url).text()  # as the server sent it
            site.assert_page_passes()


def test_search_without_results_offers_near_names(visit, indexed, subtests):
    for language in LANGUAGES:
        with subtests.test(language=language):
            site = visit(language)
            site.open("/search/?q=南山示例科学&kind=employer")  # 学 is in no name
            assert site.page.locator("ol.results").count() == 0
            assert site.page.locator(".no-results").is_visible()
            assert site.page.locator(".near-matches a").count() >= 1
            site.assert_page_passes()


def test_search_with_invalid_parameters(visit, subtests):
    for language in LANGUAGES:
        with subtests.test(language=language):
            site = visit(language)
            site.open("/search/?q=南山&province=abc", status=400)
            assert site.page.get_by_role("alert").is_visible()
            site.assert_page_passes()


def test_search_unavailable(visit, settings, subtests):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed}"  # the live server shares settings
    for language in LANGUAGES:
        with subtests.test(language=language):
            site = visit(language)
            site.open("/search/?q=南山", status=503)
            assert site.page.get_by_role("search").count() == 1
            site.assert_page_passes()


# An organisation's record ----------------------------------------------------------------------


def test_record_page_with_events_statements_and_rating(visit, record, subtests):
    for language in LANGUAGES:
        with subtests.test(language=language):
            site = visit(language)
            site.open(f"/organisations/{record.uscc}/")
            assert site.page.locator("h1").inner_text() == "深圳市南山示例科技有限公司"
            assert site.page.locator(".former-names li").count() == 1
            assert site.page.locator("ol.timeline > li").count() == 4
            assert site.page.locator(".statement").count() == 1
            assert site.page.locator(".rating-letter").inner_text().endswith(record.credit_rating)
            site.page.locator(".rating-rule summary").click()  # the rule, opened
            assert site.page.locator(".rating-rule p").is_visible()
            site.assert_page_passes()


def test_record_pages_of_every_rating(visit, authority, subtests):
    """Each rating letter has its own colour: all must keep their contrast."""
    made = {
        "A": ("commendation", {}),
        "B": (None, {}),
        "C": ("penalty", {"severity": "ordinary", "decision_number": "深人社罚〔2026〕5号"}),
        "D": ("list_entry", {"list_kind": "restriction", "starts_on": days_ago(10)}),
    }
    site = visit("en")
    for letter, (kind, fields) in made.items():
        with subtests.test(rating=letter):
            organisation = OrganisationFactory()
            if kind:
                services.credit_event_create(
                    organisation=organisation,
                    kind=kind,
                    reference=f"R-{letter}",
                    title="测试事项",
                    authority=authority,
                    published_on=days_ago(10),
                    **fields,
                )
            organisation.refresh_from_db()
            assert organisation.credit_rating == letter
            site.open(f"/organisations/{organisation.uscc}/")
            assert site.page.locator(f".rating-{letter.lower()} .rating-letter").is_visible()
            site.assert_page_passes()


# The 404 and 500 pages -------------------------------------------------------------------------


def test_page_not_found(visit, subtests):
    # Under the page tree the address gives the language; elsewhere the browser's language does.
    for language, path, heading in (
        ("zh-hans", "/no-such-page/", "页面不存在"),
        ("en", "/en/no-such-page/", "Page not found"),
        ("zh-hans", "/organisations/91110000600037341L/", "页面不存在"),
        ("en", "/organisations/91110000600037341L/", "Page not found"),
    ):
        with subtests.test(language=language, path=path):
            site = visit(language)
            site.open(path, status=404)
            assert site.page.locator("h1").inner_text() == heading
            assert site.page.get_by_role("search").count() == 1
            site.assert_page_passes()


def test_server_error_page(visit):
    """The static 500 page (served without Django's templates), shown in the browser as it is."""
    html = (Path(settings.BASE_DIR) / "templates" / "500.html").read_text(encoding="utf-8")
    site = visit()
    site.page.set_content(html)
    assert site.page.locator("h1").inner_text() == "服务器错误 · Server error"
    site.assert_self_contained()
    assert_accessible(site.page)
    site.assert_valid_html(html)


# The open data API's documentation ---------------------------------------------------------


def test_api_docs(visit):
    for language in LANGUAGES:
        site = visit(language)
        site.open("/api/docs")
        site.assert_self_contained()
        operation = site.page.locator(".swagger-ui .opblock-summary-control").first
        operation.click()  # an operation opened, with its parameters and responses
        site.page.locator(".swagger-ui .opblock-body").first.wait_for()
        headings = site.page.locator("h1").all_inner_texts()
        assert len(headings) == 1 and headings[0].startswith(api.title)
        site.assert_page_passes()


# Credit reports ------------------------------------------------------------------------------


def test_report_verify_form_and_its_errors(visit, subtests):
    never_issued = reports.report_number_generate(timezone.localdate())  # well formed
    for language in LANGUAGES:
        with subtests.test("the empty form", language=language):
            site = visit(language)
            site.open("/reports/verify/")
            assert site.page.locator("form.verify-form input").count() == 2
            site.assert_page_passes()
        with subtests.test("invalid input", language=language):
            site.open("/reports/verify/?number=nonsense&sha256=xyz", status=400)
            assert site.page.locator(".field-error").count() == 2
            site.assert_page_passes()
        with subtests.test("a number never issued", language=language):
            site.open(f"/reports/{never_issued}/", status=404)
            assert site.page.locator(".verdict-not_found").is_visible()
            site.assert_page_passes()


def test_report_verify_genuine_and_mismatched(visit, record, live_server, subtests):
    for language in LANGUAGES:
        report, _pdf = reports.credit_report_issue(
            organisation=record, language=language, site_url=live_server.url + "/"
        )
        with subtests.test("genuine", language=language):
            site = visit(language)
            site.open(f"/reports/{report.report_number}/")
            assert site.page.locator(".verdict-genuine").is_visible()
            site.assert_page_passes()
        with subtests.test("the file does not match", language=language):
            site.open(f"/reports/verify/?number={report.report_number}&sha256={'0' * 64}")
            assert site.page.locator(".verdict-file_mismatch").is_visible()
            site.assert_page_passes()
