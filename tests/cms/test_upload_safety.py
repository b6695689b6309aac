"""What editors put on the site is cleaned or refused, never served as it came: script in rich
text, SVG with script, HTML documents, decompression-bomb images, `javascript:` links."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.models import HomePage, StandardPage, is_safe_link

pytestmark = pytest.mark.django_db

SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def file_error_codes(response) -> list[str]:
    """The codes of the errors the admin form shows on its file field."""
    return [error.code for error in response.context["form"].errors.as_data()["file"]]


def contentstate_with_script() -> str:
    """What a forged (or hand-made) admin request could send as a paragraph: raw HTML as text
    and a `javascript:` link."""
    text = "<script>alert(1)</script> 点击这里 <img src=x onerror=alert(2)>"
    start = text.index("点击这里")
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "text": text,
                    "type": "unstyled",
                    "depth": 0,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": start, "length": 4, "key": 0}],
                    "data": {},
                }
            ],
            "entityMap": {
                "0": {
                    "type": "LINK",
                    "mutability": "MUTABLE",
                    "data": {"url": "javascript:alert(3)"},
                }
            },
        }
    )


def test_script_in_rich_text_is_never_served(editor_client, home):
    data = nested_form_data(
        {
            "title": "常见问题",
            "slug": "faq-script",
            "introduction": "",
            "body": streamfield([("paragraph", contentstate_with_script())]),
            "comments": inline_formset([]),
        }
    )
    response = editor_client.post(f"/admin/pages/add/cms/standardpage/{home.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = StandardPage.objects.get(slug="faq-script")
    page.get_latest_revision().publish()

    html = editor_client.get(page.url).content.decode()
    body = html[html.index("<main") :]
    assert "点击这里" in body  # the text itself is kept
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body  # shown as text, escaped
    assert "<img src=x" not in body
    assert "javascript:" not in body


def test_an_svg_image_is_refused(editor_client):
    upload = SimpleUploadedFile("logo.svg", SVG_WITH_SCRIPT, content_type="image/svg+xml")
    response = editor_client.post(
        "/admin/images/add/", {"title": "徽标", "file": upload, "collection": "1"}
    )
    assert response.status_code == 200
    assert file_error_codes(response) == ["invalid_image_extension"]
    assert not Image.objects.filter(title="徽标").exists()


def test_an_svg_renamed_png_is_refused(editor_client):
    upload = SimpleUploadedFile("logo.png", SVG_WITH_SCRIPT, content_type="image/png")
    response = editor_client.post(
        "/admin/images/add/", {"title": "伪装的图片", "file": upload, "collection": "1"}
    )
    assert response.status_code == 200
    assert file_error_codes(response) in (["invalid_image"], ["invalid_image_known_format"])
    assert not Image.objects.filter(title="伪装的图片").exists()


def test_a_decompression_bomb_is_refused_before_it_is_decoded(editor_client):
    # 8,000 × 8,000 = 64 megapixels in a few kilobytes of PNG: over the 50 MP limit.
    bomb = png(8000, 8000)
    assert len(bomb) < 100_000
    upload = SimpleUploadedFile("poster.png", bomb, content_type="image/png")
    response = editor_client.post(
        "/admin/images/add/", {"title": "海报", "file": upload, "collection": "1"}
    )
    assert response.status_code == 200
    assert file_error_codes(response) == ["file_too_many_pixels"]
    assert not Image.objects.filter(title="海报").exists()


def test_an_ordinary_photo_is_accepted(editor_client):
    upload = SimpleUploadedFile("photo.png", png(1200, 800), content_type="image/png")
    response = editor_client.post(
        "/admin/images/add/", {"title": "现场照片", "file": upload, "collection": "1"}
    )
    assert response.status_code == 302
    assert Image.objects.get(title="现场照片").width == 1200


@pytest.mark.parametrize("name", ["notice.html", "diagram.svg", "run.js", "page.htm"])
def test_documents_that_could_run_script_are_refused(editor_client, name):
    upload = SimpleUploadedFile(name, b"<script>alert(1)</script>", content_type="text/html")
    response = editor_client.post(
        "/admin/documents/add/", {"title": name, "file": upload, "collection": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]  # "File extension … is not allowed"
    assert not Document.objects.filter(title=name).exists()


def test_a_pdf_document_is_served_so_it_cannot_run_script(editor_client, client):
    upload = SimpleUploadedFile("决定书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = editor_client.post(
        "/admin/documents/add/", {"title": "决定书", "file": upload, "collection": "1"}
    )
    assert response.status_code == 302
    document = Document.objects.get(title="决定书")
    client.logout()
    served = client.get(document.url)
    assert served.status_code == 200
    assert served["Content-Security-Policy"] == "default-src 'none'"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("", True),
        ("/complaints/new/", True),
        ("https://12345.example.gov.cn/track", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example.com/", False),
        ("/\\evil.example.com", False),
    ],
)
def test_home_page_links_must_be_paths_or_web_addresses(value, safe):
    assert is_safe_link(value) is safe


def test_the_home_page_refuses_a_javascript_link(home):
    page = HomePage.objects.get(pk=home.pk)
    page.file_complaint_url = "javascript:alert(1)"
    with pytest.raises(Exception, match="请填写本站路径"):
        page.full_clean()
