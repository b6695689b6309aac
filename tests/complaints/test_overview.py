"""The supervisor's overview: per subordinate authority, open, overdue and ageing counts."""

import datetime

import pytest
from django.utils import timezone

from complaints.models import Complaint
from complaints.selectors import complaints_workload
from portal.core.models import Region
from tests.complaints.filing import complaint_file
from tests.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db


def filed(category, *, key: str, city: str, age_days: int, overdue: bool = False) -> Complaint:
    complaint = complaint_file(
        category, key, subject_name=f"某公司{key}", subject_region=Region.objects.get(code=city)
    ).complaint
    today = timezone.localdate()
    Complaint.objects.filter(pk=complaint.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=age_days),
        acceptance_deadline=today + datetime.timedelta(days=-1 if overdue else 5),
    )
    return complaint


def test_counts_per_authority_with_ageing_bands(client, authorities, wages):
    filed(wages, key="a", city="440300", age_days=0)
    filed(wages, key="b", city="440300", age_days=10, overdue=True)
    filed(wages, key="c", city="440300", age_days=45, overdue=True)
    filed(wages, key="d", city="440100", age_days=90)
    closed = filed(wages, key="e", city="440100", age_days=3)
    Complaint.objects.filter(pk=closed.pk).update(status="concluded")

    supervisor = StaffMembershipFactory(authority=authorities["guangdong"], role="supervisor").user
    rows = {row.authority.region_id: row for row in complaints_workload(supervisor)}
    assert set(rows) == {"440000", "440300", "440100"}  # the province and its prefectures
    assert (rows["440300"].open, rows["440300"].overdue, rows["440300"].ageing) == (
        3,
        2,
        [1, 1, 1, 0],
    )
    assert (rows["440100"].open, rows["440100"].overdue, rows["440100"].ageing) == (
        1,
        0,
        [0, 0, 0, 1],
    )
    assert rows["440000"].open == 0

    client.force_login(supervisor)
    page = client.get("/admin/complaints/overview/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "深圳市人力资源和社会保障局" in html and "31–60" in html


def test_the_overview_is_for_supervisors(client, authorities):
    officer = StaffMembershipFactory(authority=authorities["guangdong"], role="officer").user
    assert complaints_workload(officer) == []
    client.force_login(officer)
    assert client.get("/admin/complaints/overview/").status_code != 200
