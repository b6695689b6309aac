"""Malware scanning of complaint attachments by a ClamAV daemon (clamd).

Anyone may upload evidence, and staff open it: every attachment is scanned before it can be
downloaded. Scanning runs in the background (`complaints.tasks.scan_attachment`), so a slow or
stopped scanner never delays or loses a complaint: the file waits as "pending", and staff can
download it once the scan has found nothing. A file the scanner flags stays stored (it is
evidence) but can never be downloaded; the finding is shown and audited.

COMPLAINT_ATTACHMENT_CLAMD_URL names the daemon (``unix:///run/clamav/clamd.ctl`` or
``tcp://host:3310``); empty turns scanning off and the staff pages say the files were not scanned.
The file is sent over the socket (clamd's INSTREAM), so the daemon needs no access to our storage;
its StreamMaxLength must be at least the attachment limit (10 MB; clamd's default is 25 MB).
"""

from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings
from django.core import checks

TIMEOUT_SECONDS = 60


class ScannerUnavailable(Exception):
    """The daemon could not be reached or did not give a verdict; try again later."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    finding: str = ""


def scanning_enabled() -> bool:
    return bool(settings.COMPLAINT_ATTACHMENT_CLAMD_URL)


def _daemon() -> ClamdNetworkSocket:
    address = urlsplit(settings.COMPLAINT_ATTACHMENT_CLAMD_URL)
    if address.scheme == "unix":
        return ClamdUnixSocket(address.path, timeout=TIMEOUT_SECONDS)
    if address.scheme == "tcp" and address.hostname:
        return ClamdNetworkSocket(address.hostname, address.port or 3310, timeout=TIMEOUT_SECONDS)
    raise ValueError(
        "COMPLAINT_ATTACHMENT_CLAMD_URL must be unix:///path/to/socket or tcp://host:port, "
        f"not {settings.COMPLAINT_ATTACHMENT_CLAMD_URL!r}."
    )


@checks.register(checks.Tags.compatibility)
def check_scanner_address(**kwargs) -> list[checks.CheckMessage]:
    """A malformed address stops the start (`manage.py check`, the web server, the worker)
    rather than leave every attachment pending."""
    if not scanning_enabled():
        return []
    try:
        _daemon()
    except ValueError as error:
        return [checks.Error(str(error), id="complaints.E001")]
    return []


def scan(stream: BinaryIO) -> Verdict:
    """The daemon's verdict on the bytes of `stream`; ScannerUnavailable when it gives none."""
    try:
        results = _daemon().instream(stream)
    except (ClamdError, OSError) as error:
        raise ScannerUnavailable(str(error)) from error
    status, finding = results.get("stream", ("ERROR", "no answer"))
    if status == "OK":
        return Verdict(infected=False)
    if status == "FOUND":
        return Verdict(infected=True, finding=finding or "")
    raise ScannerUnavailable(f"clamd answered {status}: {finding}")
