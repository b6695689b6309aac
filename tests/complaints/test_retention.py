"""Retention: `manage.py complaints_anonymise` removes the personal data of complaints closed
more than COMPLAINT_RETENTION_DAYS ago, keeps what the statistics need, audits each, and with
--dry-run changes nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints.attachments import InspectedFile
from complaints.models import Complaint, ComplaintAttachment, ComplaintNote
from complaints.services import (
    complaint_accept,
    complaint_conclude,
    complaint_information_provide,
    complaint_note_add,
    complaint_rate,
    complaint_request_information,
    complaint_track,
)
from portal.core.models import AuditEntry, Region
from tests.complaints.filing import complaint_file
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMPLAINT_ATTACHMENTS_ROOT = tmp_path / "attachments"
    return settings.COMPLAINT_ATTACHMENTS_ROOT


def concluded_case(category, officer, *, key: str, days_ago: int):
    filed = complaint_file(
        category,
        key,
        name="Retention Person",
        email="retention@example.org",
        phone="13800138000",
        subject_name="深圳市保留期测试公司",
        subject_region=Region.objects.get(code="440300"),
        what_happened="NARRATIVE the boss kept my passport",
        happened_when="WHEN last year",
        happened_where="WHERE the office",
        wanted_outcome="WANT it back",
        attachments=[InspectedFile(kind="pdf", content=PDF, original_name="passport.pdf")],
    )
    complaint = filed.complaint
    complaint_accept(complaint=complaint, actor=officer)
    complaint_request_information(complaint=complaint, actor=officer, text="Photo, please.")
    complaint_information_provide(
        complaint=complaint,
        text="ANSWER my photo",
        attachments=[InspectedFile(kind="pdf", content=PDF, original_name="photo.pdf")],
    )
    complaint_note_add(complaint=complaint, actor=officer, text="NOTE spoke to Retention Person")
    complaint_conclude(complaint=complaint, actor=officer, outcome="Passport returned.")
    complaint_rate(complaint=complaint, rating=4, comment="COMMENT thanks")
    Complaint.objects.filter(pk=complaint.pk).update(
        concluded_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return filed


def test_old_closed_complaints_lose_their_personal_data_and_keep_their_statistics(
    authorities, wages, settings, private_root
):
    settings.COMPLAINT_RETENTION_DAYS = 3 * 365
    officer = StaffMembershipFactory(authority=authorities["shenzhen"], role="officer").user
    old = concluded_case(wages, officer, key="o", days_ago=3 * 365 + 1)
    recent = concluded_case(wages, officer, key="r", days_ago=3 * 365 - 1)
    files_before = sorted(path.name for path in private_root.rglob("*") if path.is_file())
    assert len(files_before) == 4

    dry = io.StringIO()
    call_command("complaints_anonymise", "--dry-run", stdout=dry)
    assert f"would anonymise {old.complaint.tracking_number}" in dry.getvalue()
    assert recent.complaint.tracking_number not in dry.getvalue()
    assert Complaint.objects.get(pk=old.complaint.pk).name == "Retention Person"
    assert ComplaintAttachment.objects.count() == 4
    assert not AuditEntry.objects.filter(action="complaints.complaint.anonymised").exists()

    out = io.StringIO()
    call_command("complaints_anonymise", stdout=out)
    assert "1 complaints closed more than 1095 days ago anonymised" in out.getvalue()

    gone = Complaint.objects.get(pk=old.complaint.pk)
    for field in (
        "name",
        "email",
        "phone",
        "what_happened",
        "happened_when",
        "happened_where",
        "wanted_outcome",
        "satisfaction_comment",
    ):
        assert getattr(gone, field) == "", field
    assert gone.anonymised_at is not None
    assert not gone.attachments.exists()
    assert not gone.events.exclude(private_text="").exists()
    assert not ComplaintNote.objects.filter(complaint=gone).exclude(text="").exists()
    # The statistics stay: category, status, dates, authority, rating, the public timeline.
    assert (gone.category, gone.status, gone.satisfaction_rating) == (wages, "concluded", 4)
    assert gone.routed_authority == authorities["shenzhen"]
    tracked = complaint_track(tracking_number=gone.tracking_number, access_code=old.access_code)
    assert tracked.steps[-1].public_text == "Passport returned."
    # The files are gone from the disk; the recent complaint keeps its own.
    files_after = [path for path in private_root.rglob("*") if path.is_file()]
    assert len(files_after) == 2
    kept = Complaint.objects.get(pk=recent.complaint.pk)
    assert kept.name == "Retention Person" and kept.attachments.count() == 2

    entry = AuditEntry.objects.get(action="complaints.complaint.anonymised")
    assert entry.object_id == str(gone.pk)
    assert entry.data["attachments"] == 2 and "email" in entry.data["fields"]
    assert "Retention Person" not in str(entry.data)

    # A second run finds nothing more.
    again = io.StringIO()
    call_command("complaints_anonymise", stdout=again)
    assert "0 complaints" in again.getvalue()


def test_open_complaints_are_never_anonymised(authorities, wages, settings):
    settings.COMPLAINT_RETENTION_DAYS = 0
    complaint_file(wages, "p", name="Open Person", what_happened="Still open.")
    Complaint.objects.update(received_at=timezone.now() - datetime.timedelta(days=5000))
    call_command("complaints_anonymise", stdout=io.StringIO())
    assert Complaint.objects.get().name == "Open Person"
