"""Editors maintain the category tree and the holiday calendar as Wagtail snippets."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from complaints.models import ComplaintCategory, Holiday

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("complaints-admin", "admin@example.org", "password")
    client.force_login(user)
    return client


def test_the_category_tree_is_listed_and_a_category_can_be_added(admin_client):
    listing = admin_client.get(reverse("wagtailsnippets_complaints_complaintcategory:list"))
    assert listing.status_code == 200
    assert "拖欠工资" in listing.content.decode()
    parent = ComplaintCategory.objects.get(code="employer")
    response = admin_client.post(
        reverse("wagtailsnippets_complaints_complaintcategory:add"),
        {
            "name": "违法派遣",
            "name_en": "Illegal dispatch",
            "code": "illegal-dispatch",
            "parent": parent.pk,
            "notice": "",
            "notice_en": "",
            "acceptance_days": 7,
            "conclusion_days": 60,
            "anonymous_allowed": "on",
            "is_active": "on",
            "sort_order": 9,
        },
    )
    assert response.status_code == 302
    added = ComplaintCategory.objects.get(code="illegal-dispatch")
    assert added.parent == parent and added.anonymous_allowed


def test_the_holiday_calendar_takes_holidays_and_make_up_working_days(admin_client):
    url = reverse("wagtailsnippets_complaints_holiday:add")
    assert (
        admin_client.post(
            url, {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"}
        ).status_code
        == 302
    )
    assert (
        admin_client.post(
            url, {"date": "2026-10-10", "kind": "working_day", "name": "调休"}
        ).status_code
        == 302
    )
    assert list(Holiday.objects.values_list("kind", flat=True)) == ["holiday", "working_day"]
    listing = admin_client.get(reverse("wagtailsnippets_complaints_holiday:list"))
    assert listing.status_code == 200
    assert "调休" in listing.content.decode()
