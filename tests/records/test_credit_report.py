"""Credit report PDFs: real WeasyPrint, text read back with pypdf; the verify page."""

import hashlib
from datetime import date, timedelta

import pytest

from portal.core.models import AuditEntry, Authority, Region
from portal.records import reports, services
from portal.records.models import CreditReport
from tests.clock import today
from tests.factories import OrganisationFactory
from tests.pdf import embedded_fonts, pdf_text, squeeze
from tests.records.test_workers_private import markers

pytestmark = pytest.mark.django_db

NAME = "深圳市星河国际人才科技有限公司"
TITLE = "未按规定为外国人办理工作许可变更手续"
DECISION = "深人社罚〔2026〕118号"
EXPIRED_TITLE = "早已期满的旧处罚记录"


@pytest.fixture
def organisation():
    organisation = OrganisationFactory(
        name=NAME, name_en="Shenzhen Xinghe International Talent Technology Co., Ltd."
    )
    authority = Authority.objects.create(
        name="深圳市人力资源和社会保障局",
        name_en="Shenzhen Human Resources and Social Security Bureau",
        level=Authority.Level.PREFECTURAL,
        region=Region.objects.get(code="440300"),
    )
    event = services.credit_event_create(
        organisation=organisation,
        kind="penalty",
        severity="ordinary",
        reference="R-1",
        title=TITLE,
        decision_number=DECISION,
        authority=authority,
        decided_on=today() - timedelta(days=20),
        published_on=today() - timedelta(days=10),
        facts="该单位聘用的外国人变更工作岗位后，未在规定期限内办理变更。",
    )
    services.credit_event_create(
        organisation=organisation,
        kind="penalty",
        severity="ordinary",
        reference="R-OLD",
        title=EXPIRED_TITLE,
        decision_number="深人社罚〔2019〕1号",
        published_on=date(2019, 1, 10),
    )
    from portal.records.models import OrganisationStatement

    OrganisationStatement.objects.create(
        event=event,
        text="本公司已于次日完成变更手续。",
        received_on=today() - timedelta(days=5),
        published_on=today() - timedelta(days=4),
    )
    organisation.refresh_from_db()
    return organisation


def test_chinese_report_has_the_record_intact(organisation):
    report, pdf = reports.credit_report_issue(organisation=organisation, language="zh-hans")
    assert pdf.startswith(b"%PDF")
    text = squeeze(pdf_text(pdf))
    assert NAME in text
    assert TITLE in text
    assert DECISION in text
    assert "本公司已于次日完成变更手续。" in text
    assert report.report_number in text
    assert report.record_fingerprint in text
    assert organisation.uscc in text
    assert EXPIRED_TITLE not in text  # out of its window: not on the public record
    fonts = embedded_fonts(pdf)
    assert fonts and all("NotoSansCJKSC" in name for name in fonts), fonts
    assert report.content_sha256 == hashlib.sha256(pdf).hexdigest()
    assert report.language == "zh-hans"


def test_english_report_has_english_headings(organisation):
    report, pdf = reports.credit_report_issue(organisation=organisation, language="en")
    text = pdf_text(pdf)
    for heading in ("Credit report", "Profile", "Credit rating", "Public credit events"):
        assert heading in text
    assert "Page 1 of" in squeeze(text).replace("Page1of", "Page 1 of")
    assert "Shenzhen Human Resources and Social Security Bureau" in text
    assert NAME in squeeze(text)
    assert EXPIRED_TITLE not in squeeze(text)


def test_issuing_is_audited_and_numbers_are_checked(organisation):
    report, pdf = reports.credit_report_issue(organisation=organisation, language="en")
    entry = AuditEntry.objects.get(action="records.credit_report.issued")
    assert entry.object_id == str(report.pk)
    assert entry.data["content_sha256"] == report.content_sha256
    number = report.report_number
    assert reports.report_number_normalise(number) == number
    assert reports.report_number_normalise(number.lower().replace("-", " ")) == number
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert reports.report_number_normalise(wrong) is None


def test_report_shows_no_foreign_worker_data(organisation):
    worker = services.foreign_worker_create(
        surname="Zqxmarkersurname",
        given_names="Vwyleakgiven",
        chinese_name="鳯鼃泄露",
        nationality="gbr",
        passport_number="XQ7Z90142",
        birth_date=date(1988, 7, 14),
    )
    services.work_permit_create(
        worker=worker,
        employer=organisation,
        permit_number="WPMARK5520019",
        valid_from=date(2024, 1, 1),
        valid_to=date(2027, 12, 31),
    )
    services.worker_credit_entry_create(
        worker=worker, kind="violation", title="Kqjprivatecreditentry", decided_on=today()
    )
    for language in reports.REPORT_LANGUAGES:
        _, pdf = reports.credit_report_issue(organisation=organisation, language=language)
        text = pdf_text(pdf)
        for marker in markers(worker):
            assert marker not in text and marker not in squeeze(text), marker


def test_download_sends_the_pdf_with_its_hash_and_the_hash_verifies(client, organisation):
    response = client.get(f"/organisations/{organisation.uscc}/report.pdf?lang=zh-hans")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    digest = hashlib.sha256(body).hexdigest()
    assert response["X-Content-SHA256"] == digest
    report = CreditReport.objects.get()
    assert response["X-Report-Number"] == report.report_number
    # The printed verify links are absolute, on the host that served the download.
    assert "http://testserver/reports/verify/" in squeeze(pdf_text(body))

    page = client.get(f"/reports/{report.report_number}/?sha256={digest.upper()}")
    assert page.status_code == 200
    assert "verdict-genuine" in page.content.decode()
    page = client.get("/reports/verify/", {"number": report.report_number, "sha256": digest})
    assert "verdict-genuine" in page.content.decode()
    assert (
        "matches your file" in page.content.decode() or "verdict-genuine" in page.content.decode()
    )
    other = hashlib.sha256(body + b"x").hexdigest()
    page = client.get("/reports/verify/", {"number": report.report_number, "sha256": other})
    assert page.status_code == 200
    assert "verdict-file_mismatch" in page.content.decode()


def test_download_refuses_bad_language_and_unknown_organisations(client, organisation):
    assert client.get(f"/organisations/{organisation.uscc}/report.pdf?lang=fr").status_code == 400
    assert client.get("/organisations/91440300MA5XXXXXX0/report.pdf").status_code == 404
    assert not CreditReport.objects.exists()


def test_verify_page_genuine_then_out_of_date(client, organisation):
    report, _ = reports.credit_report_issue(organisation=organisation, language="en")
    page = client.get(f"/reports/{report.report_number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "verdict-genuine" in html and "Genuine" in html
    # Typed by hand: lower case, spaces instead of dashes, O for 0 and I for 1.
    typed = report.report_number.lower().replace("-", " ").replace("0", "o").replace("1", "i")
    page = client.get("/reports/verify/", {"number": typed}, HTTP_ACCEPT_LANGUAGE="en")
    assert "verdict-genuine" in page.content.decode()

    services.credit_event_create(
        organisation=organisation,
        kind="penalty",
        severity="serious",
        reference="R-2",
        title="新增的处罚",
        decision_number="深人社罚〔2026〕200号",
        published_on=today(),
    )
    page = client.get(f"/reports/{report.report_number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "verdict-out_of_date" in html
    assert "out of date" in html
    assert f"changed since {report.generated_at.astimezone(reports.REPORT_TIME_ZONE):%Y-%m-%d}" in (
        html
    )


def test_verify_page_not_found_and_junk(client):
    number = reports.report_number_generate(today())
    page = client.get(f"/reports/{number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 404
    assert "verdict-not_found" in page.content.decode()
    assert "Not found" in page.content.decode()

    assert client.get("/reports/verify/").status_code == 200  # the empty form
    junk = [
        "x" * 10_000,
        "CR-2026",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "CR-20261399-7KQ4-M2XD",  # no such date
        "\x00\x01",
        "😀" * 50,
        "CR-２０２６１１２８-７ＫＱ４-Ｍ２ＸＤ",
        "",
    ]
    for value in junk:
        page = client.get("/reports/verify/", {"number": value}, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 400, value
        assert "field-error" in page.content.decode()
        page = client.get("/reports/verify/", {"number": number, "sha256": value or "zz"})
        assert page.status_code == 400, value
    for value in ("x" * 2000, "%3Cscript%3E", "CR-%00", "%E2%80%AE"):
        assert client.get(f"/reports/{value}/").status_code == 400, value
    # A slash is not part of any report number: no report route matches, and nothing breaks.
    assert client.get("/reports/..%2F..%2Fetc/").status_code == 404
