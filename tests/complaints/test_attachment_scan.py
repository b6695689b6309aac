"""The malware scan of attachments, by a real ClamAV daemon (Debian's clamd) on loopback.

Its database is one signature of our own, for a marker string that a test PDF carries: the real
signatures come from the internet (freshclam), which this machine cannot reach, and a test needs
only a file that the scanner flags and one that it does not.
"""

import io
import subprocess  # noqa: S404 - starts clamd, a program of the machine
import time
from pathlib import Path

import pytest
from clamav_client.clamd import ClamdError, ClamdNetworkSocket
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from complaints.attachments import InspectedFile
from complaints.models import ComplaintAttachment
from portal.core.models import AuditEntry
from portal.web_server import free_port
from tests.complaints.filing import complaint_file
from tests.complaints.test_staff_admin import PDF, staff

# The worker closes the connection after each task, as in production: committed data only.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MARKER = b"PORTAL-TEST-MALWARE-7f3a"
# A well-formed PDF with the marker in a comment: it passes the type checks; the scanner flags it.
MARKED_PDF = PDF.replace(b"%%EOF", b"%" + MARKER + b"\n%%EOF")
Scan = ComplaintAttachment.Scan


def _clamd_binary() -> str:
    for candidate in ("/usr/sbin/clamd", "/usr/bin/clamd"):
        if Path(candidate).exists():
            return candidate
    raise RuntimeError("clamd is missing: scripts/test.sh installs Debian's clamav-daemon")


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    """tcp://127.0.0.1:<port> of a clamd whose database is the test signature alone."""
    directory = tmp_path_factory.mktemp("clamd")
    database = directory / "db"
    database.mkdir()
    (database / "portal-test.ndb").write_text(f"Portal.Test.Marker:0:*:{MARKER.hex()}\n")
    port = free_port()
    config = directory / "clamd.conf"
    config.write_text(
        f"Foreground yes\nDatabaseDirectory {database}\nTCPAddr 127.0.0.1\nTCPSocket {port}\n"
        f"LogFile {directory / 'clamd.log'}\n"
    )
    process = subprocess.Popen(  # noqa: S603 - our own arguments
        [_clamd_binary(), "--config-file", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    daemon = ClamdNetworkSocket("127.0.0.1", port, timeout=5)
    deadline = time.monotonic() + 60
    while True:
        try:
            if daemon.ping() == "PONG":
                break
        except ClamdError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log = (
                (directory / "clamd.log").read_text() if (directory / "clamd.log").exists() else ""
            )
            raise RuntimeError(f"clamd did not start:\n{log}")
        time.sleep(0.2)
    yield f"tcp://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.COMPLAINT_ATTACHMENTS_ROOT = tmp_path / "attachments"


def _file_with(category, *files: tuple[str, bytes], key: str = "scan"):
    attachments = [InspectedFile(kind="pdf", content=data, original_name=n) for n, data in files]
    return complaint_file(
        category,
        key,
        subject_region=None,
        subject_name="某公司",
        email="ada@example.org",
        attachments=attachments,
    ).complaint


def run_worker() -> None:
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)


def _download(client, attachment):
    url = reverse("complaints_admin:attachment", args=[attachment.complaint_id, attachment.pk])
    return client.get(url)


def test_staff_download_what_the_scan_cleared_and_never_what_it_flagged(
    client, settings, clamd, authorities, wages
):
    settings.COMPLAINT_ATTACHMENT_CLAMD_URL = clamd
    complaint = _file_with(wages, ("payslip.pdf", PDF), ("invoice.pdf", MARKED_PDF))
    kept = {item.original_name: item for item in complaint.attachments.all()}
    assert {item.scan for item in kept.values()} == {Scan.PENDING}
    staff(client, authorities["national"])

    # Before the scan: neither file leaves the server.
    for attachment in kept.values():
        response = _download(client, attachment)
        assert response.status_code == 302
        assert str(Scan.PENDING.label) in str(list(get_messages(response.wsgi_request))[0])

    run_worker()
    clean, infected = (ComplaintAttachment.objects.get(pk=kept[n].pk) for n in kept)
    assert (clean.scan, clean.scan_finding) == (Scan.CLEAN, "")
    assert infected.scan == Scan.INFECTED
    assert infected.scan_finding.startswith("Portal.Test.Marker")
    assert infected.scanned_at is not None
    entry = AuditEntry.objects.get(action="complaints.attachment.infected")
    assert entry.object_id == str(infected.pk)
    assert entry.data["finding"] == infected.scan_finding

    response = _download(client, clean)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    response = _download(client, infected)
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(
        action="complaints.attachment.downloaded", object_id=str(infected.pk)
    ).exists()

    # The complaint's page links the clean file only, and says what the scan found.
    page = client.get(reverse("complaints_admin:detail", args=[complaint.pk])).content.decode()
    assert _download_url(clean) in page
    assert _download_url(infected) not in page
    assert f"{Scan.INFECTED.label}: Portal.Test.Marker" in page
    assert str(Scan.CLEAN.label) in page


def _download_url(attachment) -> str:
    return reverse("complaints_admin:attachment", args=[attachment.complaint_id, attachment.pk])


def test_a_scanner_that_is_down_delays_the_scan_and_loses_nothing(
    client, settings, clamd, authorities, wages
):
    settings.COMPLAINT_ATTACHMENT_CLAMD_URL = f"tcp://127.0.0.1:{free_port()}"  # nobody there
    complaint = _file_with(wages, ("invoice.pdf", MARKED_PDF))
    run_worker()
    attachment = complaint.attachments.get()
    attachment.refresh_from_db()
    assert attachment.scan == Scan.PENDING
    scans = DBTaskResult.objects.filter(task_path="complaints.tasks.scan_attachment")
    assert scans.filter(status="FAILED").count() == 1
    retry = scans.get(status="READY")
    assert retry.run_after > timezone.now()

    settings.COMPLAINT_ATTACHMENT_CLAMD_URL = clamd
    scans.filter(status="READY").update(run_after=timezone.now())
    run_worker()
    attachment.refresh_from_db()
    assert attachment.scan == Scan.INFECTED
    staff(client, authorities["national"])
    assert _download(client, attachment).status_code == 302


def test_without_a_scanner_files_are_marked_not_scanned_and_stay_downloadable(
    client, settings, authorities, wages
):
    settings.COMPLAINT_ATTACHMENT_CLAMD_URL = ""
    complaint = _file_with(wages, ("payslip.pdf", PDF))
    attachment = complaint.attachments.get()
    assert attachment.scan == Scan.NOT_SCANNED
    assert not DBTaskResult.objects.filter(task_path="complaints.tasks.scan_attachment").exists()
    staff(client, authorities["national"])
    assert _download(client, attachment).status_code == 200
    page = client.get(reverse("complaints_admin:detail", args=[complaint.pk])).content.decode()
    assert str(Scan.NOT_SCANNED.label) in page


def test_a_malformed_scanner_address_stops_the_start_with_its_reason(settings):
    settings.COMPLAINT_ATTACHMENT_CLAMD_URL = "clamd.example:3310"
    with pytest.raises(SystemCheckError, match="unix:///path/to/socket or tcp://host:port"):
        call_command("check")
    settings.COMPLAINT_ATTACHMENT_CLAMD_URL = "unix:///run/clamav/clamd.ctl"
    call_command("check")


def test_a_scan_that_gave_up_is_queued_again_and_files_stored_unscanned_can_be_too(
    client, settings, clamd, authorities, wages
):
    settings.COMPLAINT_ATTACHMENT_CLAMD_URL = ""
    unscanned = _file_with(wages, ("old.pdf", MARKED_PDF), key="old").attachments.get()
    settings.COMPLAINT_ATTACHMENT_CLAMD_URL = f"tcp://127.0.0.1:{free_port()}"  # nobody there
    stuck = _file_with(wages, ("invoice.pdf", PDF), key="stuck").attachments.get()
    # Its scan gave up: failed, with no retry left in the queue.
    scans = DBTaskResult.objects.filter(task_path="complaints.tasks.scan_attachment")
    scans.update(args_kwargs={"args": [stuck.pk, 8], "kwargs": {}})
    run_worker()
    assert scans.get().status == "FAILED"
    stuck.refresh_from_db()
    assert stuck.scan == Scan.PENDING

    settings.COMPLAINT_ATTACHMENT_CLAMD_URL = clamd
    out = io.StringIO()
    call_command("complaints_scan_attachments", "--dry-run", "--include-not-scanned", stdout=out)
    assert f"would queue the scan of attachment {unscanned.pk} " in out.getvalue()
    assert f"would queue the scan of attachment {stuck.pk} " in out.getvalue()
    assert scans.count() == 1
    unscanned.refresh_from_db()
    assert unscanned.scan == Scan.NOT_SCANNED

    call_command("complaints_scan_attachments", stdout=io.StringIO())
    call_command("complaints_scan_attachments", stdout=io.StringIO())  # queued once, not twice
    assert scans.filter(status="READY").count() == 1
    run_worker()
    stuck.refresh_from_db()
    assert stuck.scan == Scan.CLEAN

    out = io.StringIO()
    call_command("complaints_scan_attachments", "--include-not-scanned", stdout=out)
    assert "1 attachments queued" in out.getvalue()
    unscanned.refresh_from_db()
    assert unscanned.scan == Scan.PENDING  # not downloadable until its verdict
    staff(client, authorities["national"])
    assert _download(client, unscanned).status_code == 302
    run_worker()
    unscanned.refresh_from_db()
    assert (unscanned.scan, unscanned.scan_finding[:18]) == (Scan.INFECTED, "Portal.Test.Marker")


def test_queueing_scans_without_a_scanner_says_what_to_set(settings):
    settings.COMPLAINT_ATTACHMENT_CLAMD_URL = ""
    with pytest.raises(CommandError, match="COMPLAINT_ATTACHMENT_CLAMD_URL"):
        call_command("complaints_scan_attachments")
