"""`manage.py complaints_anonymise [--dry-run]`: remove the personal data of complaints closed
more than COMPLAINT_RETENTION_DAYS ago (complaints.services.complaint_anonymise)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from complaints.selectors import complaints_due_for_anonymisation
from complaints.services import complaint_anonymise


class Command(BaseCommand):
    help = (
        "Anonymise complaints concluded (or not accepted) more than COMPLAINT_RETENTION_DAYS "
        "ago: the complainant's name, e-mail and phone, the narrative fields, their answers, "
        "the internal notes' text and the attachments are removed; category, dates, statuses, "
        "authority and rating stay for the statistics. Each is audited. With --dry-run, list "
        "what would be anonymised and change nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list the complaints, change nothing"
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        due = list(complaints_due_for_anonymisation().values_list("pk", "tracking_number"))
        days = settings.COMPLAINT_RETENTION_DAYS
        for pk, number in due:
            if dry_run:
                self.stdout.write(f"would anonymise {number}")
                continue
            summary = complaint_anonymise(complaint=_complaint(pk))
            self.stdout.write(
                f"anonymised {number}: {len(summary.get('fields', []))} fields, "
                f"{summary.get('attachments', 0)} attachments"
            )
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(f"{len(due)} complaints closed more than {days} days ago {verb}.")


def _complaint(pk: int):
    from complaints.models import Complaint

    return Complaint.objects.get(pk=pk)
