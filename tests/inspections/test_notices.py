"""Notices to the subject of an inspection (检查结果告知书, 行政处罚事先告知书): real WeasyPrint,
read back with pypdf; nothing of a person and none of the staff-only fields in them; downloaded
from the result's page by staff who may see the result, audited.

The Chinese text of the labels comes from the catalogue: the Chinese notices are checked with
what is Chinese in the data (names, findings, facts) and with their structure."""

import datetime

import pytest

from portal.core.models import AuditEntry
from portal.inspections import notices, services
from portal.inspections.evidence import InspectedFile
from tests.factories import UserFactory
from tests.inspections.results_helpers import (
    approved_on,
    enter,
    inspected_on,
    make_office,
    open_penalty,
    records_by_code,
)
from tests.pdf import embedded_fonts, pdf_text, squeeze

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def opened_on() -> datetime.date:
    """When the penalty case of these tests was opened: two days after the approval."""
    return approved_on() + datetime.timedelta(days=2)


# What the notices must never carry: the findings for staff (a worker's name), the
# participants, the checklist, an evidence file's name, the legal representative.
PRIVATE = ("John Smith", "王某", "检查人员2名", "工作许可证：查验", "询问笔录", "张伟")


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.INSPECTION_EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.fixture
def office(authorities, items):
    office = make_office(authorities, items)
    organisation = office.inspection.organisation
    organisation.name_en = "Shenzhen Nanshan Inspected Technology Co., Ltd."
    organisation.save()
    return office


@pytest.fixture
def result(office):
    """Office's first result: GJ-01 fails, with evidence; approved on approved_on()."""
    enter(office.result, office.inspector)
    services.inspection_evidence_add(
        item_record=records_by_code(office.result)["GJ-01"],
        actor=office.inspector,
        files=[InspectedFile(kind="pdf", content=EVIDENCE, original_name="询问笔录.pdf")],
    )
    services.inspection_result_submit(result=office.result, actor=office.inspector)
    return services.inspection_result_approve(
        result=office.result, actor=office.reviewer, on=approved_on()
    )


@pytest.fixture
def action(office, result):
    return open_penalty(office, office.officer)


def assert_nothing_private(text: str) -> None:
    for private in PRIVATE:
        assert private not in text


def test_the_chinese_result_notice_has_the_facts_intact_and_its_fonts(result):
    pdf = notices.notice_render(notified=result, language="zh-hans")
    assert pdf.startswith(b"%PDF-")
    text = squeeze(pdf_text(pdf))
    organisation = result.inspection.organisation
    number = f"IR-{approved_on().year}-{result.pk:06d}"
    assert notices.notice_number(result) == number
    assert number in text
    assert organisation.name in text and organisation.uscc in text
    assert "Shenzhen Nanshan Inspected" not in text  # the English name is for the English notice
    assert result.authority.name in text
    assert "深圳市福田区福中三路市民中心" in text and "0755-12333" in text
    assert "广东省人力资源和社会保障厅2026年度双随机抽查工作计划" in text
    assert "GJ-01外国人工作许可持证情况" in text and "44-01港澳台地区企业聘用外国人情况" in text
    assert "1名外国人未办理工作许可即在岗工作。" in text
    assert "《中华人民共和国出境入境管理法》第四十一条" in text
    for day in (inspected_on(), approved_on(), result.window_ends_on):
        assert day.isoformat() in text
    assert_nothing_private(text)
    fonts = embedded_fonts(pdf)
    assert fonts and all("NotoSansCJKSC" in name for name in fonts), fonts


def test_the_english_result_notice_says_how_to_answer_and_by_when(result):
    text = " ".join(pdf_text(notices.notice_render(notified=result, language="en")).split())
    assert text.count("Notice of an inspection result") == 1
    assert "Shenzhen Nanshan Inspected Technology Co., Ltd." in text
    assert "Test Municipal Human Resources and Social Security Bureau" in text
    assert "Civic Centre, Fuzhong 3rd Road" in text
    assert "Whether foreigners hold valid work permits" in text
    assert "Exit and Entry Administration Law, article 41" in text
    assert "Problem found (ordinary)" in text
    deadline = result.window_ends_on.isoformat()
    assert "Last day for a statement" in text and deadline in text
    assert "statement and defence in writing to" in text and f"by {deadline} (inclusive)" in text
    assert "the Chinese notice prevails" in text
    assert "hearing" not in text  # a hearing is for penalties
    assert_nothing_private(text)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_penalty_notice_has_facts_basis_penalty_and_the_window(action, language):
    pdf = notices.notice_render(notified=action, language=language)
    text = squeeze(pdf_text(pdf))
    number = f"EA-{opened_on().year}-{action.pk:06d}"
    assert notices.notice_number(action) == number
    assert number in text
    organisation = action.result.inspection.organisation
    assert organisation.name in text and organisation.uscc in text
    for recorded in (
        "该单位聘用1名未办理工作许可的外国人。",
        "《外国人在中国就业管理规定》第二十九条",
        "罚款人民币1万元",
        "深人社罚〔2026〕17号",
    ):
        assert recorded in text
    for day in (inspected_on(), opened_on(), action.window_ends_on):
        assert day.isoformat() in text
    assert_nothing_private(text)
    assert any("NotoSansCJKSC" in name for name in embedded_fonts(pdf))
    if language == "en":
        spaced = " ".join(pdf_text(pdf).split())
        assert "Advance notice of an administrative penalty" in spaced
        assert "Whether foreigners hold valid work permits" in spaced
        assert "Administrative Penalty Law" in spaced
        assert "request a hearing" in spaced
        assert "Last day for a statement or a hearing request" in spaced


def test_no_notice_without_one_and_no_unknown_language(office, result):
    with pytest.raises(ValueError):
        notices.notice_render(notified=office.other_result, language="zh-hans")
    with pytest.raises(ValueError):
        notices.notice_render(notified=result, language="fr")


def _notice_url(result, action=None) -> str:
    base = f"/admin/inspections/results/{result.pk}/"
    return base + (f"enforcement/{action.pk}/notice/" if action else "notice/")


def test_staff_who_may_see_the_result_download_the_notices_audited(client, office, action):
    result = action.result
    for url, number in (
        (_notice_url(result), notices.notice_number(result)),
        (_notice_url(result, action), notices.notice_number(action)),
    ):
        for user in (office.inspector, office.officer, office.reviewer):
            client.force_login(user)
            response = client.get(url, {"language": "en"}, **EN)
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"] == f'attachment; filename="{number}.pdf"'
            assert "no-store" in response["Cache-Control"]
            assert number in pdf_text(b"".join(response.streaming_content))
        chinese = client.get(url, **EN)  # in Chinese unless asked: the official language
        assert chinese.status_code == 200
        assert client.get(url, {"language": "fr"}, **EN).status_code == 404

        client.force_login(office.stranger)  # another province's reviewer, as on the page
        assert client.get(url, **EN).status_code == 403
        client.force_login(UserFactory())
        assert client.get(url, **EN).status_code == 403
        client.logout()
        assert client.get(url).status_code == 302

    downloads = AuditEntry.objects.filter(action="inspections.notice.downloaded")
    on_result = downloads.filter(object_type="inspections.inspectionresult")
    assert on_result.count() == 4  # three in English, one in Chinese
    assert {entry.actor for entry in on_result} == {
        office.inspector,
        office.officer,
        office.reviewer,
    }
    assert {entry.data["language"] for entry in on_result} == {"en", "zh-hans"}
    assert on_result.first().data["number"] == notices.notice_number(result)
    assert downloads.filter(object_type="inspections.enforcementaction").count() == 4


def test_the_result_page_offers_the_notices_and_nothing_else_has_one(client, office, action):
    result = action.result
    client.force_login(office.officer)
    page = client.get(f"/admin/inspections/results/{result.pk}/", **EN).content.decode()
    assert f'href="{_notice_url(result)}?language=zh-hans"' in page
    assert f'href="{_notice_url(result, action)}?language=en"' in page
    assert notices.notice_number(action) in page
    client.get(_notice_url(result), **EN)
    page = client.get(f"/admin/inspections/results/{result.pk}/", **EN).content.decode()
    assert "inspections.notice.downloaded" in page

    # A result that was not notified has no notice, and a penalty of another result none here.
    other = office.other_result
    client.force_login(office.reviewer)
    assert client.get(_notice_url(other), **EN).status_code == 404
    assert (
        "result-notice"
        not in client.get(f"/admin/inspections/results/{other.pk}/", **EN).content.decode()
    )
    assert client.get(_notice_url(other, action), **EN).status_code == 404
