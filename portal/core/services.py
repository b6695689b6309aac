"""Changes to staff memberships, each with the Wagtail groups that follow from it.

A staff user's base rights in the admin come from a Wagtail group per role
(`portal.core.permissions.ROLE_GROUPS`: editors in "Editors", reviewers in "Reviewers", officers,
inspectors and supervisors in groups that only open the admin); what they
may do to a given page or authority is then narrowed by the scope of their memberships. The groups
are derived data: `staff_groups_sync` recomputes them from the memberships, and is called wherever
memberships change (the services below, and the admin's membership views through the snippet hooks
in portal/core/wagtail_hooks.py). No signal: a sync called by name is easier to follow and to test.
"""

from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from portal.core.audit import record
from portal.core.models import Authority, StaffMembership
from portal.core.permissions import ROLE_GROUPS

# Caches of permissions and memberships that Django, Wagtail and the selectors keep on a user
# object for the request; dropped when the groups change, so the same object sees the new rights.
_USER_CACHES = (
    "_perm_cache",
    "_user_perm_cache",
    "_group_perm_cache",
    "_page_permission_cache",
    "_collection_permission_cache",
    "_site_permission_cache",
    "_staff_memberships_cache",
)


def staff_groups_sync(user: AbstractBaseUser) -> None:
    """Put `user` in the group of each role they hold at some authority, and out of the groups of
    the roles they no longer hold. Other groups are left alone."""
    held = set(StaffMembership.objects.filter(user=user).values_list("role", flat=True))
    groups = {group.name: group for group in Group.objects.filter(name__in=ROLE_GROUPS.values())}
    for role, name in ROLE_GROUPS.items():
        group = groups.get(name)
        if group is None:  # the cms migrations have not run yet
            continue
        if role in held:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    for name in _USER_CACHES:
        if name in user.__dict__:
            delattr(user, name)


@transaction.atomic
def staff_membership_grant(
    *,
    user: AbstractBaseUser,
    authority: Authority,
    role: str,
    actor: AbstractBaseUser | None = None,
) -> StaffMembership:
    """Give `user` the `role` at `authority` (nothing changes if they hold it already), with its
    group and an audit entry."""
    membership, created = StaffMembership.objects.get_or_create(
        user=user, authority=authority, role=role
    )
    if created:
        record(
            action="core.staffmembership.created",
            obj=membership,
            actor=actor,
            data={"user": user.pk, "authority": authority.pk, "role": role},
        )
    staff_groups_sync(user)
    return membership


@transaction.atomic
def staff_membership_revoke(
    *, membership: StaffMembership, actor: AbstractBaseUser | None = None
) -> None:
    """End a membership; the user leaves the role's group unless they hold the role elsewhere."""
    user = membership.user
    record(
        action="core.staffmembership.deleted",
        obj=membership,
        actor=actor,
        data={"user": user.pk, "authority": membership.authority_id, "role": membership.role},
    )
    membership.delete()
    staff_groups_sync(user)
