"""Who may do what to an inspection item in the Wagtail admin: the same roles and scope as
authorities (`portal.core.permissions.AuthorityPermissionPolicy`), applied to the authority that
lists the item. Editors draft, reviewers publish, for the items of the authorities in their
scope: a provincial editor edits that province's additions, a national one every item.

| action                      | who                                                          |
| --------------------------- | ------------------------------------------------------------ |
| view (list, inspect)        | anyone with a membership                                     |
| add, change, lock, unlock   | editors and reviewers, for items of authorities in scope     |
| publish, unpublish          | reviewers, for items of authorities in scope                 |
| delete                      | superusers only (the history and the office point at items)  |
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from portal.core import selectors
from portal.core.models import Authority, StaffMembership
from portal.inspections.models import InspectionItem

ALL_ROLES = frozenset(StaffMembership.Role.values)
# The levels that keep a list: the national one and the provinces' additions.
LISTING_LEVELS = (Authority.Level.NATIONAL, Authority.Level.PROVINCIAL)


def roles_for(action: str) -> frozenset[str]:
    if action in ("add", "change", "lock", "unlock"):
        return selectors.EDITING_ROLES
    if action in ("publish", "unpublish"):
        return selectors.PUBLISHING_ROLES
    if action == "view":
        return ALL_ROLES
    return frozenset()  # delete, and anything unknown: superusers only


def listing_authorities_for(user, action: str) -> QuerySet[Authority]:
    """The national and provincial authorities for whose items `user` may do `action`."""
    roles = roles_for(action)
    if not roles:
        return Authority.objects.all() if _active_superuser(user) else Authority.objects.none()
    return selectors.authorities_in_scope(user, roles=roles).filter(level__in=LISTING_LEVELS)


class InspectionItemPermissionPolicy(BasePermissionPolicy):
    """Per-authority permissions on inspection items, from staff memberships."""

    def __init__(self):
        super().__init__(InspectionItem)

    def user_has_permission(self, user, action):
        if action == "add":
            return listing_authorities_for(user, action).exists()
        if not roles_for(action):
            return _active_superuser(user)
        return selectors.has_role_anywhere(user, roles=roles_for(action))

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "view":
            return selectors.has_role_anywhere(user, roles=ALL_ROLES)
        roles = roles_for(action)
        if not roles:
            return _active_superuser(user)
        if action == "add" or instance.authority_id is None:
            return self.user_has_permission(user, action)
        return selectors.authority_in_scope(user, instance.authority, roles=roles)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet[InspectionItem]:
        if "view" in actions and selectors.has_role_anywhere(user, roles=ALL_ROLES):
            return InspectionItem.objects.all()
        if _active_superuser(user):
            return InspectionItem.objects.all()
        roles = set()
        for action in actions:
            roles |= roles_for(action)
        if not roles:
            return InspectionItem.objects.none()
        return InspectionItem.objects.filter(
            authority__in=selectors.authorities_in_scope(user, roles=roles)
        )

    def users_with_any_permission(self, actions):
        return self._users(actions, instance=None)

    def users_with_any_permission_for_instance(self, actions, instance):
        return self._users(actions, instance=instance)

    def _users(self, actions, *, instance: InspectionItem | None):
        condition = Q(is_superuser=True)
        for action in actions:
            roles = roles_for(action)
            if not roles:
                continue
            has_role = Q(staff_memberships__role__in=roles)
            if action == "view" or instance is None:
                condition |= has_role
                continue
            authority = instance.authority
            in_scope = Q(staff_memberships__authority__level=Authority.Level.NATIONAL) | Q(
                staff_memberships__authority_id=authority.pk
            )
            if authority.parent_id is not None:
                in_scope |= Q(staff_memberships__authority_id=authority.parent_id)
            condition |= has_role & in_scope
        return get_user_model().objects.filter(condition, is_active=True).distinct()


def _active_superuser(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser
