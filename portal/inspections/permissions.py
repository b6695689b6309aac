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

The double-random office keeps to the same scope, row by row (`ScopedPermissionPolicy`): a
staff member sees and changes only the rows of the authorities in their scope, in the listings,
exports, choosers, forms and every view named by an address (a row outside it is a 404).

| rows                | view       | add, change        | draw actions      | delete     |
| ------------------- | ---------- | ------------------ | ----------------- | ---------- |
| inspector directory | any role   | editors, reviewers | –                 | superusers |
| inspection plans    | any role   | editors, reviewers | commit: reviewers | superusers |
| draws               | any role   | nobody             | make: reviewers   | nobody     |
| subject directory   | any role   | nobody (computed)  | –                 | nobody     |
| worker directory    | case roles | nobody (computed)  | –                 | nobody     |

A row's scope is its authority's (a draw's is its plan's); for the subject directory a
provincial membership covers the province and a prefectural one the organisations registered in
its prefecture; for the worker directory, the workers whose employer is registered there. The
case roles (`portal.inspections.selectors.WORKER_ROLES`) are officers, reviewers, inspectors and
supervisors: editors of the public site see no foreign worker.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from portal.core import selectors
from portal.core.models import Authority, StaffMembership
from portal.inspections.models import (
    Draw,
    InspectionItem,
    InspectionPlan,
    Inspector,
    SubjectEntry,
    WorkerSubjectEntry,
)
from portal.inspections.selectors import WORKER_ROLES

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


# ---------------------------------------------------------------------------------------------
# The double-random office: directories, plans and draws, by the same roles and scope.
# ---------------------------------------------------------------------------------------------


class ScopedPermissionPolicy(BasePermissionPolicy):
    """Per-scope permissions on a model of the double-random office, from staff memberships.

    `rules` names each action allowed at all and the roles that may take it on the rows of the
    authorities in their scope (`portal.core.selectors.authorities_in_scope`); superusers may take
    every action named there, nobody one that is not (so a read-only model stays read-only for
    superusers too). A row belongs to the authority at `authority_path`; a subclass without one
    says which rows are in scope by overriding `scope_q`.
    """

    rules: dict[str, frozenset[str]] = {}
    authority_path: str | None = "authority"
    # The levels of authority a row may be given (None: any); the admin form offers only these.
    authority_levels: tuple[str, ...] | None = None

    def authorities_for(self, user, action: str) -> QuerySet[Authority]:
        """The authorities in `user`'s scope for `action` that a row may belong to."""
        roles = self.rules.get(action)
        if roles is None:
            return Authority.objects.none()
        authorities = selectors.authorities_in_scope(user, roles=roles)
        if self.authority_levels is not None:
            authorities = authorities.filter(level__in=self.authority_levels)
        return authorities

    def scope_q(self, user, roles: frozenset[str]) -> Q:
        """A filter on the model: the rows in `user`'s scope for `roles`."""
        authorities = selectors.authorities_in_scope(user, roles=roles)
        return Q(**{f"{self.authority_path}__in": authorities})

    def user_has_permission(self, user, action):
        roles = self.rules.get(action)
        if roles is None:
            return False
        if action == "add":
            return self.authorities_for(user, action).exists()
        return selectors.has_role_anywhere(user, roles=roles)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "add" or instance.pk is None:
            return self.user_has_permission(user, action)
        roles = self.rules.get(action)
        if roles is None:
            return False
        if self.authority_path is None:
            return self._visible(user, roles).filter(pk=instance.pk).exists()
        authority = instance
        for name in self.authority_path.split("__"):
            authority = getattr(authority, name)
        return selectors.authority_in_scope(user, authority, roles=roles)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        roles = [self.rules[action] for action in actions if action in self.rules]
        if not roles or not (user.is_authenticated and user.is_active):
            return self.model._default_manager.none()
        return self._visible(user, frozenset().union(*roles))

    def _visible(self, user, roles: frozenset[str]) -> QuerySet:
        rows = self.model._default_manager.all()
        if self.authority_path is not None:
            rows = rows.select_related(self.authority_path)
        return rows if _active_superuser(user) else rows.filter(self.scope_q(user, roles))

    def users_with_any_permission(self, actions):
        roles = [self.rules[action] for action in actions if action in self.rules]
        if not roles:
            return get_user_model().objects.none()
        condition = Q(is_superuser=True) | Q(staff_memberships__role__in=frozenset().union(*roles))
        return get_user_model().objects.filter(condition, is_active=True).distinct()

    def users_with_any_permission_for_instance(self, actions, instance):
        # Not asked for by Wagtail's snippet views; exact rather than fast.
        allowed = [
            user.pk
            for user in self.users_with_any_permission(actions)
            if self.user_has_any_permission_for_instance(user, actions, instance)
        ]
        return get_user_model().objects.filter(pk__in=allowed)


class InspectorPermissionPolicy(ScopedPermissionPolicy):
    """The inspector directory: staff of any role see the inspectors of the authorities in
    their scope; editors and reviewers add and change them; superusers delete (a row that left
    is closed, not deleted)."""

    rules = {
        "view": ALL_ROLES,
        "add": selectors.EDITING_ROLES,
        "change": selectors.EDITING_ROLES,
        "delete": frozenset(),
    }


class InspectionPlanPermissionPolicy(ScopedPermissionPolicy):
    """Annual plans of the provincial authorities in scope: editors and reviewers draft and
    change them; reviewers commit a draw of them (`draw`), as they publish."""

    rules = {
        "view": ALL_ROLES,
        "add": selectors.EDITING_ROLES,
        "change": selectors.EDITING_ROLES,
        "delete": frozenset(),
        "draw": selectors.PUBLISHING_ROLES,
    }
    authority_levels = (Authority.Level.PROVINCIAL,)


class DrawPermissionPolicy(ScopedPermissionPolicy):
    """Draws of the plans in scope: read only in the admin (the record stays as published);
    reviewers make a committed draw (`reveal`)."""

    rules = {"view": ALL_ROLES, "reveal": selectors.PUBLISHING_ROLES}
    authority_path = "plan__authority"


class SubjectEntryPermissionPolicy(ScopedPermissionPolicy):
    """The subject directory, computed by a service: view only, superusers too. A provincial
    membership covers the province's directory, a prefectural one the entries of organisations
    registered in that prefecture (属地), a national one every province."""

    rules = {"view": ALL_ROLES}
    authority_path = None
    # The organisation whose registered region places an entry in a prefecture (属地).
    organisation_field = "organisation"

    def scope_q(self, user, roles: frozenset[str]) -> Q:
        if selectors.has_national_role(user, roles=roles):
            return Q()
        in_prefecture = f"{self.organisation_field}__region__code__startswith"
        condition = Q(pk__in=[])
        for level, region in selectors.authorities_in_scope(user, roles=roles).values_list(
            "level", "region_id"
        ):
            if region is None:
                continue
            province = region[:2] + "0000"
            if level == Authority.Level.PROVINCIAL:
                condition |= Q(province_id=province)
            elif level == Authority.Level.PREFECTURAL:
                condition |= Q(province_id=province, **{in_prefecture: region[:4]})
        return condition


inspector_policy = InspectorPermissionPolicy(Inspector)
plan_policy = InspectionPlanPermissionPolicy(InspectionPlan)
draw_policy = DrawPermissionPolicy(Draw)
subject_entry_policy = SubjectEntryPermissionPolicy(SubjectEntry)


# ---------------------------------------------------------------------------------------------
# The foreign workers of the subject directory: STAFF ONLY, read only, and not for editors.
# ---------------------------------------------------------------------------------------------


class WorkerSubjectEntryPermissionPolicy(SubjectEntryPermissionPolicy):
    """The worker directory, computed by a service: view only (superusers too), for the worker
    roles (`WORKER_ROLES`). A provincial membership covers the province's workers, a
    prefectural one those whose employer is registered in that prefecture (属地), a national
    one every province; anyone else gets a 404 for a row and nothing in the listing."""

    rules = {"view": WORKER_ROLES}
    organisation_field = "employer"


worker_entry_policy = WorkerSubjectEntryPermissionPolicy(WorkerSubjectEntry)
