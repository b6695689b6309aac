"""Reads of regions, authorities and staff memberships, for the other apps (cms, complaints,
inspections) and for the public authority pages.

Scope rule, used for every role: a membership at the national authority covers every authority;
at a provincial authority, that authority and the prefectural ones under it; at a prefectural
authority, only itself.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from portal.core.models import Authority, Region, StaffMembership
from portal.core.process_cache import ProcessCache

Role = StaffMembership.Role
User = AbstractBaseUser | AnonymousUser

# Roles that may change an authority's published profile (as a draft), and the roles that may
# publish it. Editors draft, reviewers publish: a change goes live only when a reviewer of the
# same scope (or above) publishes it.
EDITING_ROLES = frozenset({Role.EDITOR, Role.REVIEWER})
PUBLISHING_ROLES = frozenset({Role.REVIEWER})


def memberships_of(user: User) -> list[StaffMembership]:
    """The user's memberships with their authorities (cached on the user object for the
    request); none for anonymous or inactive users."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_staff_memberships_cache", None)
    if cached is None:
        cached = list(StaffMembership.objects.filter(user=user).select_related("authority"))
        user._staff_memberships_cache = cached
    return cached


def _scope_q(memberships: Iterable[StaffMembership], roles: Iterable[str]) -> Q | None:
    """A filter on Authority for these memberships' scope; None means every authority."""
    roles = set(roles)
    ids = [m.authority_id for m in memberships if m.role in roles]
    if not ids:
        return Q(pk__in=[])
    if any(m.role in roles and m.authority.level == Authority.Level.NATIONAL for m in memberships):
        return None
    # The children of a prefectural authority are none, so one rule covers both levels below.
    return Q(pk__in=ids) | Q(parent_id__in=ids)


def authorities_in_scope(user: User, *, roles: Iterable[str]) -> QuerySet[Authority]:
    """The authorities (live or draft) that `user` acts for in any of `roles`, by the scope
    rule above. Superusers act for all of them."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Authority.objects.all()
    condition = _scope_q(memberships_of(user), roles)
    return Authority.objects.all() if condition is None else Authority.objects.filter(condition)


def authorities_editable_by(user: User) -> QuerySet[Authority]:
    """The authorities whose profile `user` may change (editors and reviewers, by scope)."""
    return authorities_in_scope(user, roles=EDITING_ROLES)


def authorities_publishable_by(user: User) -> QuerySet[Authority]:
    """The authorities whose changes `user` may publish (reviewers, by scope)."""
    return authorities_in_scope(user, roles=PUBLISHING_ROLES)


def authority_in_scope(user: User, authority: Authority, *, roles: Iterable[str]) -> bool:
    """Whether `authority` is in `user`'s scope for `roles`, without a query beyond the
    user's memberships (cached): the check the admin makes on every request."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    roles = set(roles)
    for membership in memberships_of(user):
        if membership.role not in roles:
            continue
        if membership.authority.level == Authority.Level.NATIONAL:
            return True
        if authority.pk is not None and authority.pk == membership.authority_id:
            return True
        if authority.parent_id is not None and authority.parent_id == membership.authority_id:
            return True
    return False


def has_role_anywhere(user: User, *, roles: Iterable[str]) -> bool:
    """Whether the user holds any of `roles` at any authority (superusers: always)."""
    if not (user.is_authenticated and user.is_active):
        return False
    roles = set(roles)
    return user.is_superuser or any(m.role in roles for m in memberships_of(user))


def has_national_role(user: User, *, roles: Iterable[str]) -> bool:
    """Whether the user holds any of `roles` at the national authority (superusers: always)."""
    if not (user.is_authenticated and user.is_active):
        return False
    roles = set(roles)
    return user.is_superuser or any(
        m.role in roles and m.authority.level == Authority.Level.NATIONAL
        for m in memberships_of(user)
    )


# Public reads ---------------------------------------------------------------------------------


def authorities_public() -> QuerySet[Authority]:
    """The authorities the public sees: live ones (a created but never published draft is not
    shown), with their regions."""
    return Authority.objects.filter(live=True).select_related("region", "parent__region")


def national_authority() -> Authority | None:
    """The live national authority, if there is one (from the routing table, see
    `authority_for_region`)."""
    return _routing_table().national


def authority_public_get(key: str) -> Authority | None:
    """The live authority named by `key` ("national" or its six-digit region code) with
    everything its public page shows, or None."""
    queryset = authorities_public().prefetch_related(
        "powers",
        "departments",
        "rules",
        "phones",
        "addresses",
        "exclusions",
        "additional_regions",
        Prefetch(
            "children",
            queryset=Authority.objects.filter(live=True).select_related("region"),
        ),
    )
    if key == "national":
        return queryset.filter(level=Authority.Level.NATIONAL).order_by("pk").first()
    return queryset.filter(region_id=key).first()


def provinces_with_authorities() -> list[Authority]:
    """Live provincial authorities in region code order, each with its live prefectural
    authorities in `children_public`."""
    provinces = list(
        authorities_public().filter(level=Authority.Level.PROVINCIAL).order_by("region_id")
    )
    children: dict[int, list[Authority]] = {}
    for child in (
        authorities_public()
        .filter(level=Authority.Level.PREFECTURAL, parent__in=provinces)
        .order_by("region_id")
    ):
        children.setdefault(child.parent_id, []).append(child)
    for province in provinces:
        province.children_public = children.get(province.pk, [])
    return provinces


@dataclass(frozen=True)
class _RoutingTable:
    parents: dict[str, str | None]  # region code → parent code
    special: dict[str, Authority]  # region code → the live authority covering it additionally
    own: dict[str, Authority]  # region code → its live authority
    national: Authority | None


# Every complaint is routed and every page's footer names the national authority: the table is
# read once per PROCESS_CACHE_SECONDS per process (a few thousand regions, a few hundred
# authorities) instead of up to seven queries per use.
_routing = ProcessCache("core.routing", models=(Authority, Region))


def _routing_table() -> _RoutingTable:
    return _routing.get(None, _routing_table_load)


def _routing_table_load() -> _RoutingTable:
    live = list(authorities_public().order_by("region_id", "name", "pk"))
    special: dict[str, Authority] = {}
    through = Authority.additional_regions.through.objects.filter(authority__live=True)
    by_pk = {authority.pk: authority for authority in live}
    for authority_id, region_code in through.order_by("authority_id").values_list(
        "authority_id", "region_id"
    ):
        special.setdefault(region_code, by_pk[authority_id])
    own: dict[str, Authority] = {}
    national = None
    for authority in live:
        if authority.level == Authority.Level.NATIONAL:
            if national is None or authority.pk < national.pk:
                national = authority
        elif authority.region_id is not None:
            own.setdefault(authority.region_id, authority)
    return _RoutingTable(
        parents=dict(Region.objects.values_list("code", "parent_id")),
        special=special,
        own=own,
        national=national,
    )


def authority_for_region(region_code: str) -> Authority | None:
    """The live authority responsible for a place, for routing complaints and inspections
    (谁管辖、谁负责; 属地原则).

    An authority that covers the region, or one of its ancestors, as an additional region (a
    special zone) wins; otherwise the authority of the nearest region up the tree (county →
    prefecture → province); otherwise the national authority. None only when there is no live
    national authority either.
    """
    table = _routing_table()
    code: str | None = region_code if region_code in table.parents else None
    for _level in range(4):
        if code is None:
            break
        found = table.special.get(code) or table.own.get(code)
        if found is not None:
            return found
        code = table.parents[code]
    return table.national
