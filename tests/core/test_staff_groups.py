"""Staff who work in the admin without editing pages (officers, inspectors, supervisors) get
into it through their role's group, which follows their memberships."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from portal.core.services import staff_membership_grant, staff_membership_revoke
from tests.factories import AuthorityFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "group"),
    [("officer", "Officers"), ("inspector", "Inspectors"), ("supervisor", "Supervisors")],
)
def test_a_role_opens_the_admin_and_only_the_admin(role, group):
    assert [p.codename for p in Group.objects.get(name=group).permissions.all()] == ["access_admin"]
    user = get_user_model().objects.create_user("staff", password="pw")  # noqa: S106
    assert not user.has_perm("wagtailadmin.access_admin")
    membership = staff_membership_grant(user=user, authority=AuthorityFactory(), role=role)
    user = get_user_model().objects.get(pk=user.pk)
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert user.has_perm("wagtailadmin.access_admin")

    staff_membership_revoke(membership=membership)
    user = get_user_model().objects.get(pk=user.pk)
    assert not user.groups.exists()
    assert not user.has_perm("wagtailadmin.access_admin")


def test_an_officer_given_the_role_reaches_the_complaint_queue(client):
    user = get_user_model().objects.create_user("officer", password="pw")  # noqa: S106
    client.force_login(user)
    assert client.get("/admin/").status_code == 302  # to the login page: no admin access yet
    staff_membership_grant(user=user, authority=AuthorityFactory(), role="officer")
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/complaints/").status_code == 200
