"""Publishing and withdrawing items: the row, the revisions, the history and the audit trail."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.core.models import AuditEntry
from portal.inspections.models import InspectionItem, InspectionItemChange
from portal.inspections.selectors import ItemFilters, inspection_items_in_force
from portal.inspections.services import (
    inspection_item_publish,
    inspection_item_unpublished,
    inspection_item_withdraw,
)
from tests.factories import UserFactory
from tests.inspections.conftest import new_item

pytestmark = pytest.mark.django_db


def test_publishing_a_new_item_makes_it_live_and_logs_it_as_added(authorities):
    editor = UserFactory()
    item = new_item(authorities["national"], "GJ-09", in_force_from=datetime.date(2025, 3, 1))

    change = inspection_item_publish(item=item, actor=editor)

    item.refresh_from_db()
    assert item.live and item.live_revision is not None
    assert item.revisions.count() == 1
    assert change.kind == InspectionItemChange.Kind.ADDED
    assert change.effective_on == datetime.date(2025, 3, 1)
    assert change.actor == editor
    entry = AuditEntry.objects.get(action="inspections.item.published", object_id=str(item.pk))
    assert entry.actor == editor
    assert entry.object_type == "inspections.inspectionitem"
    assert entry.data["kind"] == "added"


def test_publishing_a_change_logs_the_fields_before_and_after(items):
    item = items["permits"]
    item.frequency = "每半年一次，抽查比例不低于10%"
    item.method = "joint"

    change = inspection_item_publish(item=item)

    assert change.kind == InspectionItemChange.Kind.CHANGED
    assert change.effective_on == timezone.localdate()
    assert {row["field"]: (row["before"], row["after"]) for row in change.fields} == {
        "method": ("on_site", "joint"),
        "frequency": ("每年一次，抽查比例不低于5%", "每半年一次，抽查比例不低于10%"),
    }
    assert InspectionItem.objects.get(pk=item.pk).method == "joint"
    assert item.revisions.count() == 2


def test_a_draft_revision_changes_nothing_public_until_it_is_published(items):
    item = items["permits"]
    item.name = "外国人持证及证件信息一致情况"
    revision = item.save_revision()

    assert InspectionItem.objects.get(pk=item.pk).name == "外国人工作许可持证情况"
    assert not InspectionItemChange.objects.filter(kind="changed").exists()

    change = inspection_item_publish(item=item, revision=revision)

    assert InspectionItem.objects.get(pk=item.pk).name == "外国人持证及证件信息一致情况"
    assert change.fields == [
        {
            "field": "name",
            "before": "外国人工作许可持证情况",
            "after": "外国人持证及证件信息一致情况",
        }
    ]


def test_republishing_without_a_change_writes_the_audit_but_no_history(items):
    before = InspectionItemChange.objects.count()

    assert inspection_item_publish(item=items["permits"]) is None

    assert InspectionItemChange.objects.count() == before
    assert AuditEntry.objects.filter(action="inspections.item.published").count() == 5


def test_withdrawing_takes_the_item_off_the_list_from_that_day(items):
    item = items["guangdong"]
    today = timezone.localdate()
    officer = UserFactory()

    change = inspection_item_withdraw(
        item=item, on=today + datetime.timedelta(days=10), actor=officer, reason="并入国家清单"
    )

    assert change.kind == InspectionItemChange.Kind.WITHDRAWN
    assert change.fields == [
        {"field": "withdrawn_on", "before": None, "after": change.effective_on.isoformat()}
    ]
    in_force_now = inspection_items_in_force(filters=ItemFilters(province="440000"))
    assert item in in_force_now  # scheduled: still in force until that day
    later = inspection_items_in_force(
        filters=ItemFilters(province="440000"), on=today + datetime.timedelta(days=10)
    )
    assert item not in later
    entry = AuditEntry.objects.get(action="inspections.item.withdrawn")
    assert entry.actor == officer
    assert entry.data["reason"] == "并入国家清单"


def test_an_item_cannot_be_withdrawn_twice_or_before_it_is_in_force(items):
    item = items["zhejiang"]
    with pytest.raises(ValidationError):
        inspection_item_withdraw(item=item, on=datetime.date(2023, 1, 1))
    inspection_item_withdraw(item=item)
    with pytest.raises(ValidationError):
        inspection_item_withdraw(item=item)


def test_items_belong_to_the_national_or_a_provincial_list_only(authorities):
    item = new_item(authorities["shenzhen"], "4403-01")
    with pytest.raises(ValidationError):
        inspection_item_publish(item=item)
    assert not InspectionItem.objects.filter(code="4403-01").exists()


def test_unpublishing_is_a_withdrawal_today_in_the_history(items):
    item = items["agencies"]
    item.unpublish()

    change = inspection_item_unpublished(item=item)

    assert change.kind == "withdrawn" and change.effective_on == timezone.localdate()
    assert item not in inspection_items_in_force()
    assert AuditEntry.objects.filter(action="inspections.item.unpublished").exists()
