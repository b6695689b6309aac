"""The home page's complaint figures: received and concluded this year, and the median handling
time (received → the last "concluded" step), counts only."""

import datetime
import re

import factory
import pytest
from django.utils import timezone

from cms.selectors import complaint_figures
from complaints.models import Complaint, ComplaintCategory, ComplaintEvent
from tests.factories import AuthorityFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(8 * 60)


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A complaint as intake leaves it (the figures read only the tables, so rows suffice)."""

    class Meta:
        model = Complaint

    tracking_number = factory.Sequence(lambda n: f"TS-2026-{n:04d}-TEST")
    access_code_hash = "scrypt$1024$8$1$c2FsdA==$ZGlnZXN0"
    complainant_kind = Complaint.ComplainantKind.FOREIGN_WORKER
    name = "Zhang Complainant"
    email = "zhang.complainant@example.org"
    subject_kind = Complaint.SubjectKind.ORGANISATION
    subject_name = "深圳市某某有限公司"
    category = factory.LazyFunction(lambda: ComplaintCategory.objects.get(code="unpaid-wages"))
    what_happened = "Wages unpaid since March."
    routed_authority = factory.LazyFunction(AuthorityFactory)
    received_at = factory.LazyFunction(timezone.now)
    acceptance_deadline = factory.LazyAttribute(lambda c: c.received_at.date())
    idempotency_key = factory.Sequence(lambda n: f"{n:032x}")


def _filed(received: datetime.datetime, *, concluded=None, status=None) -> Complaint:
    complaint = ComplaintFactory(received_at=received, status=status or Complaint.Status.RECEIVED)
    ComplaintEvent.objects.create(
        complaint=complaint, kind=ComplaintEvent.Kind.RECEIVED, occurred_at=received
    )
    for when in concluded or []:
        ComplaintEvent.objects.create(
            complaint=complaint, kind=ComplaintEvent.Kind.CONCLUDED, occurred_at=when
        )
    return complaint


def at(month: int, day: int, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, 10, 0, tzinfo=TZ)


def test_received_concluded_and_the_median_handling_time():
    concluded = Complaint.Status.CONCLUDED
    _filed(at(3, 1), concluded=[at(3, 11)], status=concluded)  # 10 days
    _filed(at(4, 1), concluded=[at(4, 5)], status=concluded)  # 4 days
    _filed(at(5, 1), status=Complaint.Status.ACCEPTED)  # open
    _filed(at(12, 20, 2025), concluded=[at(1, 9)], status=concluded)  # last year's, 20 days
    # Concluded, then reopened by a review: not concluded now.
    _filed(at(2, 1), concluded=[at(2, 3)], status=Complaint.Status.UNDER_INVESTIGATION)
    # Concluded, reopened and concluded again: counted once, from its last conclusion (30 days).
    _filed(at(1, 5), concluded=[at(1, 15), at(2, 4)], status=concluded)
    _filed(at(7, 1), concluded=[at(7, 2)], status=concluded)  # after the day asked about

    figures = complaint_figures(on=datetime.date(2026, 6, 1))

    assert figures == {
        "complaints_received_this_year": 5,  # 1 Mar, 1 Apr, 1 May, 1 Feb, 5 Jan
        "complaints_concluded_this_year": 4,  # 11 Mar, 5 Apr, 9 Jan, 4 Feb
        "median_handling_days": 15.0,  # of 10, 4, 20 and 30 days
    }
    assert complaint_figures(on=datetime.date(2024, 6, 1)) == {
        "complaints_received_this_year": 0,
        "complaints_concluded_this_year": 0,
        "median_handling_days": None,
    }


def _figure(page: str, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)</dd>", page)
    assert match, label
    return match.group(1)


def test_the_home_page_shows_the_figures_and_nothing_personal(client):
    now = timezone.now()
    start_of_year = timezone.localtime(now).replace(
        month=1, day=1, hour=0, minute=1, second=0, microsecond=0
    )
    received = max(now - datetime.timedelta(days=3), start_of_year)
    ended = now - datetime.timedelta(minutes=1)
    _filed(received, concluded=[ended], status=Complaint.Status.CONCLUDED)
    _filed(received)
    days = round((ended - received).total_seconds() / 86400, 1)

    english = client.get("/en/")
    assert english.status_code == 200
    page = english.content.decode()
    assert _figure(page, "Complaints received this year") == "2"
    assert _figure(page, "Complaints concluded this year") == "1"
    assert _figure(page, "Median handling time") == f"{days:.1f} days"
    chinese = client.get("/").content.decode()
    for text in (page, chinese):
        assert "Zhang Complainant" not in text
        assert "zhang.complainant@example.org" not in text
        assert "Wages unpaid" not in text
        assert "深圳市某某有限公司" not in text
        assert "TS-2026-" not in text
