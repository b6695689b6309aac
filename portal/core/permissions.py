"""Who may do what to an authority in the Wagtail admin: the permission policy of its snippet.

Roles and scope come from `StaffMembership` (see `portal.core.selectors`), not from Django's
model permissions, so one record says both what a person does and where:

| action                | who                                                              |
| --------------------- | ---------------------------------------------------------------- |
| view (list, inspect)  | anyone with a membership                                          |
| change (save a draft) | editors and reviewers, for the authorities in their scope         |
| publish, unpublish    | reviewers, for the authorities in their scope                     |
| add                   | editors and reviewers of the national authority                   |
| delete                | superusers only (credit events and complaints point at authorities) |

Superusers may do everything. Reaching the admin at all still needs Wagtail's
`wagtailadmin.access_admin` permission (the Editors and Reviewers groups have it).

Pages follow the same roles and scope (cms/permissions.py): editors and reviewers edit the pages
of the authorities in their scope, pages that name no authority only at the national level; what
names an organisation goes live only through the two-person review (cms/workflows.py). The base
rights in the admin come from Wagtail groups, one per role (`ROLE_GROUPS`), which follow the staff
memberships (`portal.core.services.staff_groups_sync`); the scope then narrows them page by page.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from portal.core import selectors
from portal.core.models import Authority, StaffMembership

Role = StaffMembership.Role
ALL_ROLES = frozenset(Role.values)

# The Wagtail group that gives each page-editing role its base rights in the admin (access, page
# permissions on the tree's root, images and documents); created by cms/migrations/0006.
ROLE_GROUPS = {
    Role.EDITOR: "Editors",
    Role.REVIEWER: "Reviewers",
    # Admin access only (core/migrations/0006); what they see follows their scope.
    Role.OFFICER: "Officers",
    Role.INSPECTOR: "Inspectors",
    Role.SUPERVISOR: "Supervisors",
}


def in_scope_or_national(user, authority: Authority | None, *, roles) -> bool:
    """Whether `user` acts for `authority` in one of `roles`; content that names no authority
    (None) belongs to the national level."""
    if authority is None:
        return selectors.has_national_role(user, roles=roles)
    return selectors.authority_in_scope(user, authority, roles=roles)


def _roles_for(action: str) -> frozenset[str]:
    if action in ("change", "lock", "unlock"):
        return selectors.EDITING_ROLES
    if action == "publish":
        return selectors.PUBLISHING_ROLES
    if action == "add":
        return selectors.EDITING_ROLES
    if action == "view":
        return ALL_ROLES
    return frozenset()  # delete, and anything unknown: superusers only


class AuthorityPermissionPolicy(BasePermissionPolicy):
    """Per-authority permissions from staff memberships, for `AuthorityViewSet`."""

    def __init__(self):
        super().__init__(Authority)

    # Model level: may the user do this to some authority?

    def user_has_permission(self, user, action):
        if action == "add":
            return selectors.has_national_role(user, roles=_roles_for(action))
        return selectors.has_role_anywhere(user, roles=_roles_for(action))

    # Instance level: may the user do this to this authority?

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "add":
            return self.user_has_permission(user, action)
        if action == "view":
            return selectors.has_role_anywhere(user, roles=ALL_ROLES)
        return selectors.authority_in_scope(user, instance, roles=_roles_for(action))

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet[Authority]:
        if "view" in actions and selectors.has_role_anywhere(user, roles=ALL_ROLES):
            return Authority.objects.all()
        roles = set()
        for action in actions:
            roles |= _roles_for(action)
        if not roles:
            return Authority.objects.all() if _active_superuser(user) else Authority.objects.none()
        return selectors.authorities_in_scope(user, roles=roles)

    # Users: who may do this?

    def users_with_any_permission(self, actions):
        return self._users(actions, instance=None)

    def users_with_any_permission_for_instance(self, actions, instance):
        return self._users(actions, instance=instance)

    def _users(self, actions, *, instance: Authority | None):
        condition = Q(is_superuser=True)
        for action in actions:
            roles = _roles_for(action)
            if not roles:
                continue
            has_role = Q(staff_memberships__role__in=roles)
            national = Q(staff_memberships__authority__level=Authority.Level.NATIONAL)
            if action == "add":
                condition |= has_role & national
            elif action == "view" or instance is None:
                condition |= has_role
            else:
                in_scope = national | Q(staff_memberships__authority_id=instance.pk)
                if instance.parent_id is not None:
                    in_scope |= Q(staff_memberships__authority_id=instance.parent_id)
                condition |= has_role & in_scope
        return get_user_model().objects.filter(condition, is_active=True).distinct()


def _active_superuser(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser
