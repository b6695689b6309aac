"""The organisation's public credit record page: what a visitor sees at /organisations/<USCC>/."""

import datetime
import re

import pytest
from django.utils import timezone

from portal.core.models import Authority
from portal.records import credit
from portal.records.services import (
    credit_event_create,
    credit_event_repair,
    list_entry_remove,
    statement_publish,
    statement_receive,
)
from tests.factories import CreditEventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def page(client, organisation, language: str = "zh-hans") -> str:
    response = client.get(f"/organisations/{organisation.uscc}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def event_html(html: str, event) -> str:
    """The rendered card of one event, from its list item to the end of its article."""
    start = html.index(f'id="event-{event.pk}"')
    return html[start : html.index("</article>", start)]


def time_tag(day: datetime.date) -> str:
    return f'<time datetime="{day.isoformat()}">'


@pytest.fixture
def organisation():
    return OrganisationFactory(
        name="深圳市南山示例科技有限公司",
        name_en="Shenzhen Nanshan Example Technology Co., Ltd.",
        address="深圳市南山区科技园路8号",
        industry="软件和信息技术服务业",
        legal_representative="李明",
        foreign_staff_count=7,
    )


@pytest.fixture
def authority(organisation):
    return Authority.objects.create(
        name="深圳市人力资源和社会保障局",
        name_en="Shenzhen Human Resources and Social Security Bureau",
        level=Authority.Level.PREFECTURAL,
        complaint_phone="0755-12333",
    )


def penalty(organisation, authority, *, reference="P-1", published_on=None, **fields):
    values = {
        "severity": "ordinary",
        "title": "未按规定办理外国人工作许可",
        "decision_number": "深人社罚〔2026〕17号",
        "legal_basis": "《外国人在中国就业管理规定》第二十八条",
        "facts": "该单位聘用一名外国人未办理工作许可。",
        "penalty": "警告，罚款人民币五千元。",
        "authority": authority,
        "published_on": published_on or days_ago(30),
    }
    values.update(fields)
    return credit_event_create(
        organisation=organisation,
        kind="penalty",
        reference=reference,
        title=values.pop("title"),
        **values,
    )


def test_the_profile_shows_the_business_licence_data(client, organisation):
    html = page(client, organisation)
    for text in (
        "深圳市南山示例科技有限公司",
        "Shenzhen Nanshan Example Technology Co., Ltd.",
        organisation.uscc,
        "用人单位",
        "南山区",
        "深圳市南山区科技园路8号",
        "软件和信息技术服务业",
        "李明",
    ):
        assert text in html, text
    assert "<dd>7</dd>" in html
    assert 'href="/static/css/record.css"' in html


def test_an_agency_shows_its_licence_number(client):
    agency = OrganisationFactory(kind="agency", agency_licence_number="粤人社中介〔2025〕88号")
    html = page(client, agency, "en")
    assert "Intermediary agency" in html
    assert "Agency licence number" in html
    assert "粤人社中介〔2025〕88号" in html


def test_an_employer_has_no_agency_licence_line(client, organisation):
    assert "Agency licence number" not in page(client, organisation, "en")


def test_the_rating_letter_and_its_rule_in_chinese_by_default(client, organisation):
    html = page(client, organisation)
    assert '<span class="rating-letter">' in html
    assert "rating-b" in html
    assert "<details" in html
    assert credit.RATING_RULE["zh-hans"] in html
    assert credit.RATING_RULE["en"] not in html


def test_the_rating_letter_and_its_rule_in_english(client, organisation, authority):
    penalty(organisation, authority)
    html = page(client, organisation, "en")
    organisation.refresh_from_db()
    assert organisation.credit_rating == "C"
    assert "Rating </span>C</span>" in html
    assert "Caution: an ordinary negative record is shown" in html
    assert credit.RATING_RULE["en"] in html
    assert credit.RATING_RULE["zh-hans"] not in html


def test_a_public_penalty_with_its_decision_and_credit_clock(client, organisation, authority):
    event = penalty(organisation, authority)
    card = event_html(page(client, organisation, "en"), event)
    assert "Administrative penalty" in card
    assert "未按规定办理外国人工作许可" in card
    assert "深人社罚〔2026〕17号" in card
    assert "Shenzhen Human Resources and Social Security Bureau" in card
    assert "0755-12333" in card
    assert "《外国人在中国就业管理规定》第二十八条" in card
    assert "该单位聘用一名外国人未办理工作许可。" in card
    assert "警告，罚款人民币五千元。" in card
    clock = credit.clock_for(kind="penalty", severity="ordinary", published_on=days_ago(30))
    assert event.repair_possible_from == clock.repair_possible_from
    for label, day in (
        ("Published on", clock.published_on),
        ("Credit repair possible from", clock.repair_possible_from),
        ("Public until", clock.public_until),
    ):
        assert f"<dt>{label}</dt><dd>{time_tag(day)}" in card, label


def test_the_authority_keeps_its_chinese_name_on_the_chinese_page(client, organisation, authority):
    event = penalty(organisation, authority)
    card = event_html(page(client, organisation), event)
    assert "深圳市人力资源和社会保障局" in card
    assert "行政处罚" in card


def test_a_published_statement_sits_under_the_event_it_answers(client, organisation, authority):
    older = penalty(organisation, authority, reference="P-OLD", published_on=days_ago(60))
    newer = penalty(
        organisation,
        authority,
        reference="P-NEW",
        published_on=days_ago(10),
        decision_number="深人社罚〔2026〕99号",
    )
    statement = statement_receive(
        event=older, text="我单位已于次日补办工作许可，并加强了内部管理。", received_on=days_ago(50)
    )
    statement_publish(statement=statement, on=days_ago(40))
    unpublished = statement_receive(event=newer, text="尚未公开的陈述内容", received_on=days_ago(5))
    html = page(client, organisation, "en")
    assert html.index(f'id="event-{newer.pk}"') < html.index(f'id="event-{older.pk}"')
    assert "我单位已于次日补办工作许可" in event_html(html, older)
    assert "我单位已于次日补办工作许可" not in event_html(html, newer)
    assert "Statement by the organisation" in event_html(html, older)
    assert "In the organisation's own words" in event_html(html, older)
    assert unpublished.text not in html


def test_an_expired_event_is_not_shown(client, organisation, authority):
    expired = penalty(
        organisation,
        authority,
        reference="P-EXPIRED",
        published_on=days_ago(2 * 365 + 10),
        decision_number="深人社罚〔2023〕5号",
    )
    assert expired.public_until < today()
    html = page(client, organisation)
    assert "深人社罚〔2023〕5号" not in html
    assert f'id="event-{expired.pk}"' not in html


def test_an_expired_event_is_not_shown_even_when_made_by_the_factory(client, organisation):
    CreditEventFactory(
        organisation=organisation,
        published_on=days_ago(3 * 365),
        decision_number="深人社罚〔2020〕1号",
    )
    assert "深人社罚〔2020〕1号" not in page(client, organisation)


def test_a_repaired_event_is_not_shown(client, organisation, authority):
    event = penalty(
        organisation,
        authority,
        reference="P-REPAIRED",
        published_on=days_ago(200),
        decision_number="深人社罚〔2026〕3号",
    )
    credit_event_repair(event=event, reason="已整改并完成信用修复培训")
    html = page(client, organisation)
    assert "深人社罚〔2026〕3号" not in html
    assert "已整改并完成信用修复培训" not in html
    organisation.refresh_from_db()
    assert organisation.credit_rating == "B"


def test_a_commendation_is_shown_without_a_repair_date(client, organisation, authority):
    event = credit_event_create(
        organisation=organisation,
        kind="commendation",
        reference="C-1",
        title="外籍人才服务先进单位",
        authority=authority,
        published_on=days_ago(20),
    )
    html = page(client, organisation, "en")
    card = event_html(html, event)
    assert "Commendation" in card
    assert "外籍人才服务先进单位" in card
    assert f"<dt>Published on</dt><dd>{time_tag(days_ago(20))}" in card
    assert "Credit repair possible from" not in card
    assert "Rating </span>A</span>" in html


def test_an_inspection_result_shows_its_origin_and_outcome(client, organisation, authority):
    event = credit_event_create(
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
    card = event_html(page(client, organisation, "en"), event)
    assert "Inspection result" in card
    assert "<dd>Random draw</dd>" in card
    assert "<dd>Not found at the registered address</dd>" in card


def test_a_removed_list_entry_shows_its_dates_and_reason(client, organisation, authority):
    event = credit_event_create(
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
    list_entry_remove(event=event, removed_on=days_ago(5), reason="已按期完成整改")
    card = event_html(page(client, organisation, "en"), event)
    assert "Warning list – no longer in force" in card
    assert f"<dt>On the list from</dt><dd>{time_tag(days_ago(90))}" in card
    assert f"<dt>Removed from the list on</dt><dd>{time_tag(days_ago(5))}" in card
    assert "已按期完成整改" in card


def test_a_restriction_list_entry_makes_the_rating_d(client, organisation, authority):
    event = credit_event_create(
        organisation=organisation,
        kind="list_entry",
        reference="L-2",
        title="列入严重失信主体名单",
        list_kind="restriction",
        starts_on=days_ago(10),
        authority=authority,
        published_on=days_ago(10),
    )
    html = page(client, organisation, "en")
    assert "Rating </span>D</span>" in html
    assert "Serious: the organisation is on the restriction list" in html
    card = event_html(html, event)
    assert "Restriction list – in force" in card
    assert "(serious)" in card


def test_no_events_is_explained_not_presented_as_compliance(client, organisation):
    html = page(client, organisation, "en")
    assert "No credit event of this organisation is public today" in html
    assert "What this record means and does not mean" in html
    assert "An absence of events does not certify" in html


def test_the_record_offers_a_complaint_about_this_organisation(client, organisation):
    html = page(client, organisation, "en")
    link = re.search(r'<a class="button-link" href="([^"]+)">File a complaint about', html)

    assert link is not None
    assert link.group(1) == f"/complaints/new/?organisation={organisation.uscc}"
    form = client.get(link.group(1)).content.decode()
    assert re.search(r'name="organisation"[^>]*value="深圳市南山示例科技有限公司"', form)
    assert ">在线投诉该单位</a>" in page(client, organisation, "zh-hans")


def test_headings_are_in_order(client, organisation, authority):
    event = penalty(organisation, authority)
    statement = statement_receive(event=event, text="陈述", received_on=days_ago(3))
    statement_publish(statement=statement)
    html = page(client, organisation)
    levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]
    assert levels == [1, 2, 2, 2, 3, 4, 4, 2, 2]


def test_an_unknown_uscc_is_a_404(client):
    assert client.get("/organisations/91110000600037341L/").status_code == 404


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341X",  # wrong check character
        "9111000060003734",  # too short
        "not-a-code",
        "Ｉ" * 18,
        "9" * 300,
    ],
)
def test_a_malformed_uscc_is_a_404(client, code):
    assert client.get(f"/organisations/{code}/").status_code == 404


def test_a_known_code_with_a_wrong_check_character_is_a_404(client, organisation):
    wrong = organisation.uscc[:17] + ("0" if organisation.uscc[17] != "0" else "1")
    assert client.get(f"/organisations/{wrong}/").status_code == 404


def test_a_code_in_lower_case_goes_to_the_record_address(client, organisation):
    response = client.get(f"/organisations/{organisation.uscc.lower()}/")
    assert response.status_code == 301
    assert response["Location"] == f"/organisations/{organisation.uscc}/"
