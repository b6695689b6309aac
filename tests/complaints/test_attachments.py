"""Attachments: type by content, size and count limits, EXIF removed, stored privately."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Complaint, ComplaintAttachment
from tests.complaints.test_views import FORM_URL, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMPLAINT_ATTACHMENTS_ROOT = tmp_path / "attachments"
    return settings.COMPLAINT_ATTACHMENTS_ROOT


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (22.0, 32.0, 0.0), 3: "E", 4: (113.0, 56.0, 0.0)}  # GPS
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def docx() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return output.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def post(client, category, solve_captcha, files, **headers):
    data = form_data(category, solve_captcha)
    data["attachments"] = files
    return client.post(FORM_URL, data, **headers)


def test_pdf_jpeg_png_and_docx_are_kept_and_photos_lose_their_exif(
    client, authorities, wages, solve_captcha, private_root
):
    png = io.BytesIO()
    Image.new("RGB", (10, 10)).save(png, format="PNG")
    original = jpeg_with_gps()
    assert b"PhoneMaker" in original
    response = post(
        client,
        wages,
        solve_captcha,
        [
            upload("contract.pdf", PDF, "application/pdf"),
            upload("photo.jpg", original, "image/jpeg"),
            upload("screen.png", png.getvalue(), "image/png"),
            upload("letter.docx", docx()),
        ],
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    kept = {item.original_name: item for item in complaint.attachments.all()}
    assert set(kept) == {"contract.pdf", "photo.jpg", "screen.png", "letter.docx"}
    assert kept["letter.docx"].content_type.endswith("wordprocessingml.document")
    photo = kept["photo.jpg"].file.read()
    assert photo.startswith(b"\xff\xd8\xff")
    assert b"PhoneMaker" not in photo
    with Image.open(io.BytesIO(photo)) as image:
        assert not image.getexif()
    # Stored privately: under the private root, outside MEDIA_ROOT and STATIC_ROOT, with no URL.
    path = kept["contract.pdf"].file.path
    assert path.startswith(str(private_root))
    assert not path.startswith(str(settings.MEDIA_ROOT))
    assert "contract" not in path
    with pytest.raises(ValueError):
        kept["contract.pdf"].file.url  # noqa: B018


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "evidence.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
            "not a PDF, JPEG, PNG or DOCX",
        ),
        (
            "photo.jpg",
            b"\xff\xd8\xff\xe0 this is not really a jpeg",
            "not a PDF, JPEG, PNG or DOCX",
        ),
        ("archive.docx", b"PK\x03\x04 broken zip", "not a PDF, JPEG, PNG or DOCX"),
        ("empty.pdf", b"", "is empty"),
        ("huge.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
)
def test_a_bad_file_gets_a_message_and_400_and_nothing_is_filed(
    client, authorities, wages, solve_captcha, name, content, message
):
    response = post(
        client, wages, solve_captcha, [upload(name, content)], HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert name in html
    assert Complaint.objects.count() == 0
    assert ComplaintAttachment.objects.count() == 0


def test_more_than_five_files_are_refused(client, authorities, wages, solve_captcha):
    files = [upload(f"page{n}.pdf", PDF) for n in range(6)]
    response = post(client, wages, solve_captcha, files, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Attach at most 5 files" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_a_thousand_files_get_400_not_500(client, authorities, wages, solve_captcha):
    files = [upload(f"f{n}.pdf", PDF) for n in range(1000)]
    response = post(client, wages, solve_captcha, files)
    assert response.status_code == 400
    assert Complaint.objects.count() == 0
