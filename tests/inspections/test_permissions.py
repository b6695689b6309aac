"""Who may edit, publish and add items: the scope of the authority that lists them, in the
policy and through the Wagtail admin."""

import pytest

from portal.core.models import AuditEntry
from portal.core.services import staff_membership_grant
from portal.inspections.models import InspectionItem, InspectionItemChange
from portal.inspections.wagtail_hooks import item_permission_policy as policy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _staff(authority, role):
    user = UserFactory()
    staff_membership_grant(user=user, authority=authority, role=role)
    return user


def test_a_provincial_editor_edits_only_that_provinces_additions(items, authorities):
    editor = _staff(authorities["guangdong"], "editor")

    assert policy.user_has_permission_for_instance(editor, "change", items["guangdong"])
    assert not policy.user_has_permission_for_instance(editor, "change", items["zhejiang"])
    assert not policy.user_has_permission_for_instance(editor, "change", items["permits"])
    assert not policy.user_has_permission_for_instance(editor, "publish", items["guangdong"])
    assert policy.user_has_permission_for_instance(editor, "view", items["zhejiang"])
    assert set(policy.instances_user_has_any_permission_for(editor, ["change"])) == {
        items["guangdong"]
    }
    assert policy.user_has_permission(editor, "add")
    assert not policy.user_has_permission(editor, "delete")


def test_national_staff_edit_every_item_and_reviewers_publish(items, authorities):
    editor = _staff(authorities["national"], "editor")
    reviewer = _staff(authorities["zhejiang"], "reviewer")

    assert all(policy.user_has_permission_for_instance(editor, "change", i) for i in items.values())
    assert policy.user_has_permission_for_instance(reviewer, "publish", items["zhejiang"])
    assert not policy.user_has_permission_for_instance(reviewer, "publish", items["guangdong"])
    assert editor in policy.users_with_any_permission_for_instance(["change"], items["zhejiang"])
    assert reviewer in policy.users_with_any_permission_for_instance(["publish"], items["zhejiang"])
    assert reviewer not in policy.users_with_any_permission_for_instance(
        ["publish"], items["guangdong"]
    )


def test_prefectural_staff_and_strangers_may_not_add_items(authorities):
    prefectural = _staff(authorities["shenzhen"], "editor")
    stranger = UserFactory()

    assert not policy.user_has_permission(prefectural, "add")
    assert not policy.user_has_permission(stranger, "view")


def test_the_admin_refuses_an_item_outside_the_scope(client, items, authorities):
    editor = _staff(authorities["guangdong"], "editor")
    client.force_login(editor)

    own = client.get(f"/admin/snippets/inspections/inspectionitem/edit/{items['guangdong'].pk}/")
    other = client.get(f"/admin/snippets/inspections/inspectionitem/edit/{items['zhejiang'].pk}/")

    assert own.status_code == 200
    assert other.status_code in (302, 403)
    # The form offers only the authorities in the editor's scope that keep a list.
    assert (
        "浙江省人力资源和社会保障厅"
        not in own.text.split('name="authority"')[1].split("</select>")[0]
    )


def _form_data(item, **changes):
    data = {
        "code": item.code,
        "authority": item.authority_id,
        "name": item.name,
        "name_en": item.name_en,
        "subject_type": item.subject_type,
        "method": item.method,
        "legal_basis": item.legal_basis,
        "legal_basis_en": item.legal_basis_en,
        "frequency": item.frequency,
        "frequency_en": item.frequency_en,
        "department": item.department,
        "department_en": item.department_en,
        "in_force_from": item.in_force_from.isoformat(),
        "withdrawn_on": "",
        "sort_order": item.sort_order,
    }
    data.update(changes)
    return data


def test_an_editor_saves_a_draft_and_a_reviewer_publishes_it_into_the_history(
    client, items, authorities
):
    item = items["guangdong"]
    url = f"/admin/snippets/inspections/inspectionitem/edit/{item.pk}/"
    editor = _staff(authorities["guangdong"], "editor")
    client.force_login(editor)

    saved = client.post(url, _form_data(item, frequency="每季度一次"))
    assert saved.status_code == 302
    assert InspectionItem.objects.get(pk=item.pk).frequency == "每年一次，抽查比例不低于5%"
    assert AuditEntry.objects.filter(action="inspections.item.changed", actor=editor).exists()
    # An editor's request to publish is not honoured.
    client.post(url, _form_data(item, frequency="每季度一次", **{"action-publish": "1"}))
    assert InspectionItem.objects.get(pk=item.pk).frequency == "每年一次，抽查比例不低于5%"

    reviewer = _staff(authorities["guangdong"], "reviewer")
    client.force_login(reviewer)
    published = client.post(
        url, _form_data(item, frequency="每季度一次", **{"action-publish": "1"})
    )

    assert published.status_code == 302
    assert InspectionItem.objects.get(pk=item.pk).frequency == "每季度一次"
    change = InspectionItemChange.objects.get(item=item, kind="changed")
    assert change.actor == reviewer
    assert change.fields[0]["field"] == "frequency"
    assert AuditEntry.objects.filter(action="inspections.item.published", actor=reviewer).exists()


def test_an_editor_cannot_list_an_item_under_a_prefecture(client, authorities):
    editor = _staff(authorities["national"], "editor")
    client.force_login(editor)

    response = client.post(
        "/admin/snippets/inspections/inspectionitem/add/",
        {
            "code": "4403-01",
            "authority": authorities["shenzhen"].pk,
            "name": "深圳自设事项",
            "subject_type": "employer",
            "method": "on_site",
            "legal_basis": "某规定",
            "department": "某处",
            "in_force_from": "2025-01-01",
            "sort_order": 0,
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert not InspectionItem.objects.filter(code="4403-01").exists()


def test_a_reviewer_adds_and_publishes_an_item_then_unpublishes_it(client, authorities):
    reviewer = _staff(authorities["zhejiang"], "reviewer")
    client.force_login(reviewer)

    listing = client.get("/admin/snippets/inspections/inspectionitem/")
    assert listing.status_code == 200

    created = client.post(
        "/admin/snippets/inspections/inspectionitem/add/",
        {
            "code": "33-09",
            "authority": authorities["zhejiang"].pk,
            "name": "数字经济企业聘用外国人情况",
            "name_en": "Hiring of foreigners by digital economy firms",
            "subject_type": "employer",
            "method": "online",
            "legal_basis": "《中华人民共和国出境入境管理法》第四十一条",
            "department": "外国人来华工作管理处",
            "in_force_from": "2025-01-01",
            "sort_order": 3,
            "action-publish": "1",
        },
    )

    assert created.status_code == 302
    item = InspectionItem.objects.get(code="33-09")
    assert item.live
    assert InspectionItemChange.objects.get(item=item).kind == "added"
    assert AuditEntry.objects.filter(action="inspections.item.created", actor=reviewer).exists()

    unpublished = client.post(f"/admin/snippets/inspections/inspectionitem/unpublish/{item.pk}/")

    assert unpublished.status_code == 302
    item.refresh_from_db()
    assert not item.live
    assert InspectionItemChange.objects.filter(item=item, kind="withdrawn").exists()
    assert AuditEntry.objects.filter(action="inspections.item.unpublished", actor=reviewer).exists()
