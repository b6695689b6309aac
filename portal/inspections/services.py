"""Publishing and withdrawing inspection items. Every published change goes into the public
history (`InspectionItemChange`) and the audit trail, in the transaction of the change."""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Revision

from portal.core.audit import record
from portal.core.models import Authority
from portal.inspections.models import InspectionItem, InspectionItemChange

User = AbstractBaseUser | AnonymousUser | None

# What the public history compares between two published versions of an item.
TRACKED_FIELDS = (
    "code",
    "name",
    "name_en",
    "authority",
    "subject_type",
    "method",
    "legal_basis",
    "legal_basis_en",
    "frequency",
    "frequency_en",
    "department",
    "department_en",
    "in_force_from",
    "withdrawn_on",
)


def _snapshot(item: InspectionItem) -> dict[str, Any]:
    values = {}
    for name in TRACKED_FIELDS:
        field = InspectionItem._meta.get_field(name)
        value = getattr(item, field.attname)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"field": name, "before": before.get(name), "after": after[name]}
        for name in TRACKED_FIELDS
        if before.get(name) != after[name]
    ]


def _actor(actor: User):
    return actor if actor is not None and actor.is_authenticated else None


def inspection_item_validate(item: InspectionItem) -> None:
    """Raise ValidationError unless the item is listed by the national authority or a provincial
    one: the policy has the national list and provincial additions, nothing below."""
    authority = Authority.objects.get(pk=item.authority_id)
    if authority.level not in (Authority.Level.NATIONAL, Authority.Level.PROVINCIAL):
        raise ValidationError(
            {"authority": _("Items are listed by the national or a provincial authority.")}
        )
    if item.withdrawn_on and item.withdrawn_on < item.in_force_from:
        raise ValidationError(
            {"withdrawn_on": _("An item cannot be withdrawn before it comes into force.")}
        )


@transaction.atomic
def inspection_item_publish(
    *,
    item: InspectionItem,
    actor: User = None,
    revision: Revision | None = None,
) -> InspectionItemChange | None:
    """Publish `revision` of the item (by default a new revision of `item` as it stands) and
    log what the public sees change: "added" the first time it goes live (or goes live again),
    "changed" with the fields that differ from the live version, "withdrawn" when the change
    sets a withdrawal date. Returns the logged change, or None when no public field changed
    (the audit entry is written either way)."""
    inspection_item_validate(item if revision is None else revision.as_object())
    live = None
    if item.pk is not None:
        live = InspectionItem.objects.filter(pk=item.pk, live=True).first()
    before = _snapshot(live) if live is not None else None
    if revision is None:
        if item.pk is None:
            item.live = False  # saved as a draft first, so the revision has an object to follow
            item.save()
        revision = item.save_revision(user=_actor(actor))
    revision.publish(user=_actor(actor), skip_permission_checks=True)
    item.refresh_from_db()
    after = _snapshot(item)
    today = timezone.localdate()
    if before is None:
        kind, fields, effective_on = InspectionItemChange.Kind.ADDED, [], item.in_force_from
    else:
        fields = _differences(before, after)
        kind, effective_on = InspectionItemChange.Kind.CHANGED, today
        if item.withdrawn_on and before["withdrawn_on"] != after["withdrawn_on"]:
            kind, effective_on = InspectionItemChange.Kind.WITHDRAWN, item.withdrawn_on
    record(
        action="inspections.item.published",
        obj=item,
        actor=actor,
        data={"revision": revision.pk, "kind": kind, "fields": [f["field"] for f in fields]},
    )
    if kind == InspectionItemChange.Kind.CHANGED and not fields:
        return None
    return InspectionItemChange.objects.create(
        item=item,
        kind=kind,
        effective_on=effective_on,
        fields=fields,
        revision=revision,
        actor=_actor(actor),
    )


@transaction.atomic
def inspection_item_withdraw(
    *,
    item: InspectionItem,
    on: datetime.date | None = None,
    actor: User = None,
    reason: str = "",
) -> InspectionItemChange:
    """Withdraw a live item from the list on `on` (today by default; a later day schedules it:
    the item stays in force until then). Saves and publishes a revision of the live version
    with the date, so the snippet's history shows it; a draft in progress is superseded."""
    on = on or timezone.localdate()
    live = InspectionItem.objects.select_for_update().get(pk=item.pk)
    if not live.live:
        raise ValidationError(_("Only a published item can be withdrawn."))
    if live.withdrawn_on is not None and live.withdrawn_on <= on:
        raise ValidationError(_("This item is already withdrawn."))
    if on < live.in_force_from:
        raise ValidationError(_("An item cannot be withdrawn before it comes into force."))
    before = _snapshot(live)
    live.withdrawn_on = on
    revision = live.save_revision(user=_actor(actor))
    revision.publish(user=_actor(actor), skip_permission_checks=True)
    live.refresh_from_db()
    item.refresh_from_db()
    change = InspectionItemChange.objects.create(
        item=live,
        kind=InspectionItemChange.Kind.WITHDRAWN,
        effective_on=on,
        fields=_differences(before, _snapshot(live)),
        revision=revision,
        actor=_actor(actor),
    )
    record(
        action="inspections.item.withdrawn",
        obj=live,
        actor=actor,
        data={"revision": revision.pk, "withdrawn_on": on.isoformat(), "reason": reason},
    )
    return change


@transaction.atomic
def inspection_item_unpublished(
    *, item: InspectionItem, actor: User = None
) -> InspectionItemChange:
    """Log that an item was taken off the list by unpublishing it (the admin's Unpublish): for
    the public that is a withdrawal today."""
    today = timezone.localdate()
    record(action="inspections.item.unpublished", obj=item, actor=actor)
    return InspectionItemChange.objects.create(
        item=item,
        kind=InspectionItemChange.Kind.WITHDRAWN,
        effective_on=today,
        fields=[],
        actor=_actor(actor),
    )
