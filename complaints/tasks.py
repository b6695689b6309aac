"""Background work of complaints (django-tasks, database queue): the confirmation e-mail, the
e-mail on every change of status, and the malware scan of each attachment.

The task is enqueued in the transaction that files or changes the complaint: the queue is a
table of the same database, so the complaint and its e-mail task are committed together or not
at all (no e-mail lost to a crash between two commits, one commit fewer per submission), and
the worker sees the task only once the complaint is there. A mail server that is down delays
the e-mail and never loses or blocks the complaint: the task re-enqueues itself with a growing
delay, up to MAX_ATTEMPTS.

The access code must reach the e-mail but must not sit in clear in the task queue's table. It
travels sealed: XORed with an HMAC-SHA256 keystream (a pseudorandom function of SECRET_KEY and a
fresh random nonce) and signed with Django's signing, so only this site can open it.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from complaints import scanning
from complaints.models import Complaint, ComplaintAttachment, ComplaintEvent
from portal.core import audit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_RETRY_DELAY = timedelta(minutes=30)
_SEAL_SALT = "complaints.tasks.seal"


def _keystream(nonce: bytes, length: int) -> bytes:
    key = hmac.new(settings.SECRET_KEY.encode(), _SEAL_SALT.encode(), hashlib.sha256).digest()
    return hmac.new(key, nonce, hashlib.sha256).digest()[:length]


def seal(secret: str) -> str:
    """`secret` (at most 32 bytes) encrypted and signed for a task argument."""
    data = secret.encode()
    nonce = secrets.token_bytes(16)
    cipher = bytes(a ^ b for a, b in zip(data, _keystream(nonce, len(data)), strict=True))
    return signing.dumps([nonce.hex(), cipher.hex()], salt=_SEAL_SALT)


def unseal(sealed: str) -> str:
    """The secret that `seal` sealed; signing.BadSignature when it was tampered with."""
    nonce_hex, cipher_hex = signing.loads(sealed, salt=_SEAL_SALT)
    nonce, cipher = bytes.fromhex(nonce_hex), bytes.fromhex(cipher_hex)
    return bytes(
        a ^ b for a, b in zip(cipher, _keystream(nonce, len(cipher)), strict=True)
    ).decode()


def retry_delay(attempt: int) -> timedelta:
    """30 s, 1, 2, 4 … minutes, at most half an hour."""
    return min(timedelta(seconds=30 * 2 ** (attempt - 1)), MAX_RETRY_DELAY)


def _site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@task()
def send_confirmation(complaint_id: int, sealed_access_code: str, attempt: int = 1) -> str:
    """E-mail the complainant the tracking number, the access code, where the complaint went
    and the acceptance deadline, in the language they filed in."""
    complaint = Complaint.objects.select_related("routed_authority", "category").get(
        pk=complaint_id
    )
    context = {
        "complaint": complaint,
        "access_code": unseal(sealed_access_code),
        "track_url": _site_url(reverse("complaint_track")),
    }
    with translation.override(complaint.language):
        subject = render_to_string("complaints/email/confirmation_subject.txt", context).strip()
        body = render_to_string("complaints/email/confirmation.txt", context)
    try:
        send_mail(subject, body, None, [complaint.email])
    except OSError:  # smtplib.SMTPException is an OSError, as are refused connections
        if attempt >= MAX_ATTEMPTS:
            logger.error("Gave up e-mailing the confirmation of complaint %s", complaint_id)
            raise
        delay = retry_delay(attempt)
        logger.warning("Confirmation of complaint %s not sent; retrying in %s", complaint_id, delay)
        send_confirmation.using(run_after=timezone.now() + delay).enqueue(
            complaint_id, sealed_access_code, attempt + 1
        )
        raise
    return complaint.tracking_number


@task()
def send_status_change(complaint_id: int, event_id: int, attempt: int = 1) -> str:
    """E-mail the complainant that their complaint changed: the new status, the step's date,
    its public text (what the tracking page shows) and the next deadline, in the language they
    filed in. Retried like the confirmation. Nothing when the address has since been removed."""
    complaint = Complaint.objects.select_related("routed_authority").get(pk=complaint_id)
    if not complaint.email:
        return ""
    event = ComplaintEvent.objects.get(pk=event_id, complaint=complaint)
    context = {
        "complaint": complaint,
        "event": event,
        "track_url": _site_url(reverse("complaint_track")),
    }
    with translation.override(complaint.language):
        subject = render_to_string("complaints/email/status_change_subject.txt", context).strip()
        body = render_to_string("complaints/email/status_change.txt", context)
    try:
        send_mail(subject, body, None, [complaint.email])
    except OSError:
        if attempt >= MAX_ATTEMPTS:
            logger.error("Gave up e-mailing step %s of complaint %s", event_id, complaint_id)
            raise
        delay = retry_delay(attempt)
        logger.warning(
            "Step %s of complaint %s not e-mailed; retrying in %s", event_id, complaint_id, delay
        )
        send_status_change.using(run_after=timezone.now() + delay).enqueue(
            complaint_id, event_id, attempt + 1
        )
        raise
    return complaint.tracking_number


@task()
def scan_attachment(attachment_id: int, attempt: int = 1) -> str:
    """Scan one attachment for malware (complaints.scanning) and record the verdict; a finding
    is also written to the audit trail. Retried like the e-mails while the scanner is away."""
    attachment = ComplaintAttachment.objects.filter(pk=attachment_id).first()
    # Gone (its complaint anonymised), or its file removed: nothing left to scan.
    if attachment is None or not attachment.file:
        return ""
    try:
        with attachment.file.open("rb") as stream:
            verdict = scanning.scan(stream)
    except scanning.ScannerUnavailable:
        if attempt >= MAX_ATTEMPTS:
            logger.error("Gave up scanning attachment %s; it stays pending", attachment_id)
            raise
        delay = retry_delay(attempt)
        logger.warning("Attachment %s not scanned; retrying in %s", attachment_id, delay)
        scan_attachment.using(run_after=timezone.now() + delay).enqueue(attachment_id, attempt + 1)
        raise
    attachment.scan = (
        ComplaintAttachment.Scan.INFECTED if verdict.infected else ComplaintAttachment.Scan.CLEAN
    )
    attachment.scan_finding = verdict.finding[:200]
    attachment.scanned_at = timezone.now()
    with transaction.atomic():
        attachment.save(update_fields=["scan", "scan_finding", "scanned_at"])
        if verdict.infected:
            audit.record(
                action="complaints.attachment.infected",
                obj=attachment,
                data={"complaint": attachment.complaint_id, "finding": attachment.scan_finding},
            )
    return attachment.scan
