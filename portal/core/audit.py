"""Writing the audit trail."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from portal.core.models import AuditEntry


def record(
    *,
    action: str,
    obj: models.Model,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry for `obj`. Call it inside the transaction of the change it records,
    so the entry exists exactly when the change does."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data or {},
    )
