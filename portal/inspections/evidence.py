"""Evidence of on-site inspections: photos, scans and documents attached to an item record.

The files are checked by their content exactly as complaint attachments are (PDF, JPEG, PNG or
DOCX; images re-encoded without EXIF, so no GPS position of the inspection leaves with a photo;
see `complaints.attachments`), and kept in INSPECTION_EVIDENCE_ROOT, outside MEDIA_ROOT, under
random names: no URL serves them; the staff view checks the inspection's scope and audits each
download.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile

from complaints.attachments import MAX_BYTES, MAX_FILES, InspectedFile, attachments_inspect

__all__ = ["MAX_BYTES", "MAX_FILES", "InspectedFile", "evidence_inspect", "evidence_storage"]


class EvidenceStorage(FileSystemStorage):
    """Files in INSPECTION_EVIDENCE_ROOT (read when used, so a test or a deployment can move
    it), with no URL: asking for one is an error, so no template can link to a file."""

    @property
    def base_location(self) -> str:
        return str(settings.INSPECTION_EVIDENCE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Inspection evidence has no public URL.")


def evidence_storage() -> FileSystemStorage:
    """The private storage of inspection evidence."""
    return EvidenceStorage()


def evidence_inspect(uploads: list[UploadedFile]) -> list[InspectedFile]:
    """Every upload checked by its content (at most MAX_FILES at once, MAX_BYTES each);
    ValidationError listing every problem."""
    return attachments_inspect(uploads)
