"""The PDF receipt: real WeasyPrint, read back with pypdf."""

import re

import pytest

from complaints.receipts import complaint_receipt_render
from portal.core.models import Region
from tests.complaints.filing import complaint_file
from tests.pdf import embedded_fonts, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(authorities, wages):
    return complaint_file(
        wages,
        "9",
        name="Receiptname Person",
        email="receipt.person@example.org",
        phone="13700001111",
        subject_name="深圳市回执测试有限公司",
        subject_region=Region.objects.get(code="440300"),
        what_happened="RECEIPTNARRATIVE unpaid since March",
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_receipt_says_what_was_received_where_it_went_and_by_when(filed, language):
    pdf = complaint_receipt_render(complaint=filed.complaint, language=language)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    complaint = filed.complaint
    assert complaint.tracking_number in text
    assert complaint.acceptance_deadline.isoformat() in text
    assert "深圳市回执测试有限公司" in text
    if language == "en":
        assert "Complaint receipt" in text
        assert "Test Municipal Human Resources" in text
    else:
        assert "深圳市人力资源和社会保障局" in text
    assert any("Noto" in name for name in embedded_fonts(pdf))
    # Nothing of the complainant, and not the access code.
    for private in ("Receiptname", "receipt.person", "13700001111", "RECEIPTNARRATIVE"):
        assert private not in text
    assert filed.access_code not in text


def test_the_receipt_is_downloaded_with_number_and_code_only(client, filed):
    number = filed.complaint.tracking_number
    response = client.post(
        "/complaints/receipt.pdf", {"tracking_number": number, "access_code": filed.access_code}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert number in response["Content-Disposition"]
    assert number in pdf_text(response.content)

    wrong = client.post(
        "/complaints/receipt.pdf", {"tracking_number": number, "access_code": "AAAAA-AAAAA"}
    )
    assert wrong.status_code == 404
    assert b"%PDF" not in wrong.content
    assert client.get("/complaints/receipt.pdf").status_code == 405


def test_the_confirmation_and_tracking_pages_offer_the_receipt(client, filed):
    number = filed.complaint.tracking_number
    page = client.post(
        "/complaints/track/", {"tracking_number": number, "access_code": filed.access_code}
    ).content.decode()
    assert 'action="/complaints/receipt.pdf"' in page
    assert re.search(rf'name="tracking_number" value="{number}"', page)
