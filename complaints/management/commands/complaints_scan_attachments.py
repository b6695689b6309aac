"""`manage.py complaints_scan_attachments [--include-not-scanned] [--dry-run]`: queue the malware
scan of attachments left waiting for one (complaints.services.attachment_scans_queue)."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints.services import attachment_scans_queue


class Command(BaseCommand):
    help = (
        "Queue a malware scan for every attachment still waiting for one with no scan in the "
        "task queue (a scan gives up after its last retry when the scanner stays away). With "
        "--include-not-scanned, also the files stored while no scanner was configured: they "
        "cannot be downloaded until scanned. With --dry-run, list them and change nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--include-not-scanned",
            action="store_true",
            help="also scan the files stored while scanning was off",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="list the attachments, change nothing"
        )

    def handle(self, *args, include_not_scanned=False, dry_run=False, **options) -> None:
        try:
            due = attachment_scans_queue(include_not_scanned=include_not_scanned, dry_run=dry_run)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        verb = "would queue" if dry_run else "queued"
        for attachment in due:
            self.stdout.write(
                f"{verb} the scan of attachment {attachment.pk} of complaint "
                f"{attachment.complaint_id} ({attachment.scan}, uploaded "
                f"{attachment.uploaded_at:%Y-%m-%d %H:%M})"
            )
        done = "would be queued" if dry_run else "queued"
        self.stdout.write(f"{len(due)} attachments {done} for their malware scan.")
