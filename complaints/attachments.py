"""Evidence attached to a complaint: PDF, JPEG, PNG or DOCX, at most 10 MB each and 5 files.

The type is decided by the content, not by the name or the browser's claim: a file is accepted
only when its bytes are a PDF, a JPEG, a PNG (both opened and re-encoded with Pillow, which also
drops EXIF and other metadata such as GPS positions) or a DOCX (a ZIP holding a Word document).
Files are stored in COMPLAINT_ATTACHMENTS_ROOT, outside MEDIA_ROOT, under random names: no URL
serves them.
"""

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
# A DOCX that unpacks to more than this is treated as a ZIP bomb.
MAX_DOCX_UNPACKED = 200 * 1024 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class PrivateStorage(FileSystemStorage):
    """Files in COMPLAINT_ATTACHMENTS_ROOT (read when used, so a test or a deployment can move
    it), with no URL: asking for one is an error, so no template can link to a file."""

    @property
    def base_location(self) -> str:
        return str(settings.COMPLAINT_ATTACHMENTS_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Complaint attachments have no public URL.")


def attachment_storage() -> FileSystemStorage:
    """The private storage of complaint attachments."""
    return PrivateStorage()


@dataclass(frozen=True)
class InspectedFile:
    """An upload that passed inspection: its kind, its (cleaned) bytes and the name given."""

    kind: str
    content: bytes
    original_name: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _reencoded_image(data: bytes, kind: str) -> bytes:
    """The image decoded and encoded again, upright, without EXIF or any other metadata."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        expected = "JPEG" if kind == "jpeg" else "PNG"
        if image.format != expected:
            raise ValueError(f"not a {expected}")
        image.load()
        upright = ImageOps.exif_transpose(image)
        if kind == "jpeg" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        output = io.BytesIO()
        # Without exif=, icc_profile= or pnginfo=, Pillow writes none of them.
        upright.save(output, format=expected, **({"quality": 92} if kind == "jpeg" else {}))
    return output.getvalue()


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return (
        "[Content_Types].xml" in names
        and "word/document.xml" in names
        and unpacked <= MAX_DOCX_UNPACKED
    )


def attachment_inspect(upload: UploadedFile) -> InspectedFile:
    """The upload as an InspectedFile, or ValidationError saying what is wrong with it."""
    name = (upload.name or "file")[-200:]
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), params={"name": name}, code="empty")
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than 10 MB."), params={"name": name}, code="too_large"
        )
    data = upload.read()
    kind = None
    if data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"PK\x03\x04") and _is_docx(data):
        kind = "docx"
    if kind in ("jpeg", "png"):
        from PIL import Image

        try:
            data = _reencoded_image(data, kind)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            kind = None
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG, PNG or DOCX file (checked by its content)."),
            params={"name": name},
            code="type",
        )
    return InspectedFile(kind=kind, content=data, original_name=name)


def attachments_inspect(uploads: list[UploadedFile]) -> list[InspectedFile]:
    """Every upload inspected; ValidationError listing every problem."""
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            _("Attach at most %(count)d files."), params={"count": MAX_FILES}, code="too_many"
        )
    inspected, errors = [], []
    for upload in uploads:
        try:
            inspected.append(attachment_inspect(upload))
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return inspected
