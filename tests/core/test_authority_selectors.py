"""Scopes of staff memberships and routing by region."""

import pytest

from portal.core import selectors
from portal.core.models import Region, StaffMembership
from tests.factories import StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
Role = StaffMembership.Role


def _names(queryset) -> set[str]:
    return {authority.region_id or "national" for authority in queryset}


def test_a_national_editor_edits_every_authority(authorities):
    membership = StaffMembershipFactory(authority=authorities["national"], role=Role.EDITOR)

    assert _names(selectors.authorities_editable_by(membership.user)) == {
        "national", "440000", "440300", "440100", "330000", "330100",
    }  # fmt: skip


def test_a_provincial_editor_edits_its_province_and_prefectures_only(authorities):
    membership = StaffMembershipFactory(authority=authorities["guangdong"], role=Role.EDITOR)

    assert _names(selectors.authorities_editable_by(membership.user)) == {
        "440000", "440300", "440100",
    }  # fmt: skip
    assert selectors.authority_in_scope(
        membership.user, authorities["shenzhen"], roles=selectors.EDITING_ROLES
    )
    assert not selectors.authority_in_scope(
        membership.user, authorities["hangzhou"], roles=selectors.EDITING_ROLES
    )


def test_a_prefectural_editor_edits_itself_only(authorities):
    membership = StaffMembershipFactory(authority=authorities["shenzhen"], role=Role.REVIEWER)

    assert _names(selectors.authorities_editable_by(membership.user)) == {"440300"}
    assert _names(selectors.authorities_publishable_by(membership.user)) == {"440300"}


def test_officers_and_users_without_membership_edit_nothing(authorities):
    officer = StaffMembershipFactory(authority=authorities["national"], role=Role.OFFICER)

    assert not selectors.authorities_editable_by(officer.user).exists()
    assert not selectors.authorities_editable_by(UserFactory()).exists()
    assert _names(selectors.authorities_in_scope(officer.user, roles=[Role.OFFICER])) == {
        "national", "440000", "440300", "440100", "330000", "330100",
    }  # fmt: skip


def test_routing_finds_the_nearest_authority_up_the_region_tree(authorities):
    assert selectors.authority_for_region("440305") == authorities["shenzhen"]  # 南山区
    assert selectors.authority_for_region("440300") == authorities["shenzhen"]
    assert selectors.authority_for_region("441900") == authorities["guangdong"]  # no authority
    assert selectors.authority_for_region("110101") == authorities["national"]
    assert selectors.authority_for_region("000000") == authorities["national"]


def test_routing_prefers_an_authority_covering_a_special_zone(authorities):
    guangzhou = authorities["guangzhou"]
    guangzhou.additional_regions.add(Region.objects.get(code="440305"))
    guangzhou.save()  # a ParentalManyToManyField writes on save

    assert selectors.authority_for_region("440305") == authorities["guangzhou"]


def test_routing_skips_authorities_that_are_not_live(authorities):
    authorities["shenzhen"].live = False
    authorities["shenzhen"].save()

    assert selectors.authority_for_region("440305") == authorities["guangdong"]
