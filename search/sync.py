"""Carries committed changes of organisations to the index.

The domain apps know nothing of the index (see STYLE.md): these receivers listen to model signals
and, once the transaction commits, enqueue a task. A rolled-back change enqueues nothing.
Bulk loads (which send no signals) rebuild the index instead: `manage.py search_index rebuild`.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.records.models import Organisation
from search.tasks import sync_organisations


def enqueue_sync(uscc_by_id: dict[int, str]) -> None:
    """Enqueue one sync task for these organisations after the current transaction commits."""
    payload = {str(key): value for key, value in uscc_by_id.items()}
    transaction.on_commit(lambda: sync_organisations.enqueue(payload))


@receiver(post_save, sender=Organisation, dispatch_uid="search.organisation_saved")
def organisation_saved(sender, instance: Organisation, **kwargs) -> None:
    enqueue_sync({instance.pk: instance.uscc})


@receiver(post_delete, sender=Organisation, dispatch_uid="search.organisation_deleted")
def organisation_deleted(sender, instance: Organisation, **kwargs) -> None:
    enqueue_sync({instance.pk: instance.uscc})
