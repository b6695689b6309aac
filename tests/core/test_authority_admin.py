"""Authorities in the Wagtail admin: who may edit and publish which, and the audit trail."""

import pytest
from django.urls import reverse

from portal.core.models import AuditEntry, Authority, StaffMembership
from tests.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role

_FORMSETS = ("powers", "departments", "rules", "phones", "addresses", "exclusions")


def _url(view: str, authority: Authority | None = None) -> str:
    args = [authority.pk] if authority is not None else []
    return reverse(f"wagtailsnippets_core_authority:{view}", args=args)


def _form(authority: Authority, *, publish: bool = False, powers=(), **changes) -> dict:
    """The edit form as the browser posts it, with `changes` applied."""
    data = {
        "name": authority.name,
        "name_en": authority.name_en,
        "level": authority.level,
        "parent": authority.parent_id or "",
        "region": authority.region_id or "",
        "website": authority.website,
        "organisation": authority.organisation,
        "organisation_en": authority.organisation_en,
        "complaint_phone": authority.complaint_phone,
        "address": authority.address,
        "address_en": authority.address_en,
        "opening_hours": authority.opening_hours,
        "opening_hours_en": authority.opening_hours_en,
        "languages": list(authority.languages),
    }
    for name in _FORMSETS:
        rows = list(powers) if name == "powers" else []
        data.update(
            {
                f"{name}-TOTAL_FORMS": str(len(rows)),
                f"{name}-INITIAL_FORMS": "0",
                f"{name}-MIN_NUM_FORMS": "0",
                f"{name}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, row in enumerate(rows):
            data.update({f"{name}-{index}-{key}": value for key, value in row.items()})
            data[f"{name}-{index}-ORDER"] = str(index + 1)
            data[f"{name}-{index}-DELETE"] = ""
    data.update(changes)
    if publish:
        data["action-publish"] = "action-publish"
    return data


def _denied(response) -> bool:
    """Wagtail's admin answers a refused request with 403, or for a page with a redirect to the
    dashboard carrying "Sorry, you do not have permission"."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def _staff(client, authority: Authority, role: str):
    membership = StaffMembershipFactory(authority=authority, role=role)
    client.force_login(membership.user)
    return membership.user


def test_a_national_editor_lists_searches_and_filters_authorities(client, authorities):
    _staff(client, authorities["national"], Role.EDITOR)

    listing = client.get(_url("list"))
    searched = client.get(_url("list"), {"q": "杭州"})
    filtered = client.get(_url("list"), {"province": "440000"})
    by_level = client.get(_url("list"), {"level": "provincial"})

    assert listing.status_code == 200
    assert "深圳市人力资源和社会保障局" in listing.text
    assert "杭州市人力资源和社会保障局" in searched.text
    assert "深圳市人力资源和社会保障局" not in searched.text
    assert "深圳市人力资源和社会保障局" in filtered.text
    assert "杭州市人力资源和社会保障局" not in filtered.text
    assert "浙江省人力资源和社会保障厅" in by_level.text
    assert "杭州市人力资源和社会保障局" not in by_level.text


def test_a_national_editor_opens_every_authority_and_the_add_form(client, authorities):
    _staff(client, authorities["national"], Role.EDITOR)

    for authority in authorities.values():
        response = client.get(_url("edit", authority))
        assert response.status_code == 200, authority
        assert "权责清单" in response.text
    assert client.get(_url("add")).status_code == 200


def test_an_editor_saves_a_draft_that_is_audited_and_not_yet_public(client, authorities):
    shenzhen = authorities["shenzhen"]
    user = _staff(client, authorities["national"], Role.EDITOR)

    response = client.post(
        _url("edit", shenzhen),
        _form(
            shenzhen,
            complaint_phone="0755-88888888",
            powers=[
                {
                    "kind": "licensing",
                    "item": "外国人来华工作许可",
                    "item_en": "Work permits",
                    "legal_basis": "《中华人民共和国出境入境管理法》第四十一条",
                    "legal_basis_en": "Exit and Entry Administration Law, article 41",
                }
            ],
        ),
    )

    assert response.status_code == 302
    shenzhen.refresh_from_db()
    assert shenzhen.complaint_phone == "0755-12333"  # the live version is unchanged
    assert shenzhen.has_unpublished_changes
    draft = shenzhen.get_latest_revision_as_object()
    assert draft.complaint_phone == "0755-88888888"
    assert [power.item for power in draft.powers.all()] == ["外国人来华工作许可"]
    entry = AuditEntry.objects.get(action="core.authority.changed")
    assert entry.actor == user
    assert entry.object_id == str(shenzhen.pk)
    assert {"complaint_phone", "powers"} <= set(entry.data["fields"])
    assert entry.data["revision"] == shenzhen.latest_revision_id
    assert "action-publish" not in client.get(_url("edit", shenzhen)).text


def test_a_provincial_editor_edits_its_own_and_its_prefectures(client, authorities):
    _staff(client, authorities["guangdong"], Role.EDITOR)

    for key in ("guangdong", "shenzhen", "guangzhou"):
        assert client.get(_url("edit", authorities[key])).status_code == 200, key
    response = client.post(
        _url("edit", authorities["guangzhou"]),
        _form(authorities["guangzhou"], opening_hours="周一至周五 9:00—17:00"),
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        action="core.authority.changed", object_id=str(authorities["guangzhou"].pk)
    ).exists()


def test_a_provincial_editor_is_refused_another_province(client, authorities):
    _staff(client, authorities["guangdong"], Role.EDITOR)
    hangzhou = authorities["hangzhou"]

    for key in ("national", "zhejiang", "hangzhou"):
        assert _denied(client.get(_url("edit", authorities[key]))), key
    response = client.post(_url("edit", hangzhou), _form(hangzhou, complaint_phone="0571-1"))

    assert _denied(response)
    hangzhou.refresh_from_db()
    assert not hangzhou.has_unpublished_changes
    assert hangzhou.latest_revision_id is None
    assert not AuditEntry.objects.exists()
    assert _denied(client.get(_url("add")))
    assert _denied(client.post(_url("unpublish", hangzhou)))


def test_a_provincial_editor_cannot_move_an_authority_out_of_its_province(client, authorities):
    shenzhen = authorities["shenzhen"]
    _staff(client, authorities["guangdong"], Role.REVIEWER)

    client.post(
        _url("edit", shenzhen),
        _form(shenzhen, parent=authorities["zhejiang"].pk, region="330200", publish=True),
    )

    shenzhen.refresh_from_db()
    assert shenzhen.parent == authorities["guangdong"]
    assert shenzhen.region_id == "440300"


def test_an_editor_cannot_publish_and_a_reviewer_of_the_province_can(client, authorities):
    shenzhen = authorities["shenzhen"]
    _staff(client, authorities["guangdong"], Role.EDITOR)

    client.post(_url("edit", shenzhen), _form(shenzhen, complaint_phone="0755-1", publish=True))
    shenzhen.refresh_from_db()
    assert shenzhen.complaint_phone == "0755-12333"  # saved as a draft only
    assert not AuditEntry.objects.filter(action="core.authority.published").exists()

    reviewer = _staff(client, authorities["guangdong"], Role.REVIEWER)
    assert "action-publish" in client.get(_url("edit", shenzhen)).text
    response = client.post(
        _url("edit", shenzhen), _form(shenzhen, complaint_phone="0755-2", publish=True)
    )

    assert response.status_code == 302
    shenzhen.refresh_from_db()
    assert shenzhen.complaint_phone == "0755-2"
    assert shenzhen.live and not shenzhen.has_unpublished_changes
    published = AuditEntry.objects.get(action="core.authority.published")
    assert published.actor == reviewer
    assert published.data["revision"] == shenzhen.live_revision_id


def test_a_reviewer_of_another_province_cannot_publish_here(client, authorities):
    hangzhou = authorities["hangzhou"]
    membership = StaffMembershipFactory(authority=authorities["guangdong"], role=Role.REVIEWER)
    StaffMembershipFactory(user=membership.user, authority=hangzhou, role=Role.EDITOR)
    client.force_login(membership.user)

    client.post(_url("edit", hangzhou), _form(hangzhou, complaint_phone="0571-2", publish=True))

    hangzhou.refresh_from_db()
    assert hangzhou.complaint_phone == "0755-12333"
    assert hangzhou.has_unpublished_changes
    assert "action-publish" not in client.get(_url("edit", hangzhou)).text


def test_unpublishing_is_audited(client, authorities):
    shenzhen = authorities["shenzhen"]
    _staff(client, authorities["national"], Role.REVIEWER)

    response = client.post(_url("unpublish", shenzhen))

    assert response.status_code == 302
    shenzhen.refresh_from_db()
    assert not shenzhen.live
    assert AuditEntry.objects.filter(
        action="core.authority.unpublished", object_id=str(shenzhen.pk)
    ).exists()


def test_a_national_editor_creates_an_authority_as_a_draft(client, authorities):
    _staff(client, authorities["national"], Role.EDITOR)
    blank = Authority(level="prefectural", parent=authorities["guangdong"], languages=[])

    response = client.post(
        _url("add"),
        _form(blank, name="珠海市人力资源和社会保障局", region="440400"),
    )

    assert response.status_code == 302
    created = Authority.objects.get(region_id="440400")
    assert not created.live
    assert AuditEntry.objects.filter(
        action="core.authority.created", object_id=str(created.pk)
    ).exists()


def test_other_staff_read_but_do_not_edit(client, authorities):
    _staff(client, authorities["national"], Role.OFFICER)
    shenzhen = authorities["shenzhen"]

    assert client.get(_url("list")).status_code == 200
    assert client.get(_url("inspect", shenzhen)).status_code == 200
    assert _denied(client.get(_url("edit", shenzhen)))


def test_staff_without_membership_do_not_see_authorities(client, authorities):
    client.force_login(UserFactory())

    assert _denied(client.get(_url("list")))


def test_only_superusers_delete(client, authorities):
    _staff(client, authorities["national"], Role.REVIEWER)
    assert _denied(client.post(_url("delete", authorities["hangzhou"])))

    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    response = client.post(_url("delete", authorities["hangzhou"]))

    assert response.status_code == 302
    assert not Authority.objects.filter(region_id="330100").exists()
    entry = AuditEntry.objects.get(action="core.authority.deleted")
    assert entry.actor == admin
    assert entry.object_id == str(authorities["hangzhou"].pk)
