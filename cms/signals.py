"""The audit trail of the pages: every publish, unpublish and deletion, and every step of a
review.

Why signals here (the project otherwise calls `portal.core.audit.record` from its services): a
page goes live or comes down along many paths that are Wagtail's code, not ours — the admin's
publish and unpublish buttons, bulk actions, reverting to a revision, a workflow approval,
`publish_scheduled` at a page's go-live and expiry times, copying and moving, and
`revision.publish()` from our own commands. Wagtail's `page_published` / `page_unpublished`
(and the task signals of workflows) are the one hook that every one of those paths passes
through, inside the change.

Who did it: Wagtail runs every admin view in a `LogContext` with the signed-in user (the same one
its own history uses), and our workflow code sets it for approvals made outside the admin. With
no user (`publish_scheduled`, commands), the entry has no actor and says why in its data.

One gap in Wagtail's signals: giving a page that is already live a new revision with a later
go-live time sends none. `page_scheduled_while_live_audit` covers the two ways our editors can do
that (the publish button, an approval); the page then goes live through `publish_scheduled`,
which the signal covers again.
"""

from django.db.models.signals import pre_delete
from django.dispatch import receiver
from wagtail.log_actions import get_active_log_context
from wagtail.models import Page
from wagtail.signals import (
    page_published,
    page_unpublished,
    task_approved,
    task_rejected,
    task_submitted,
    workflow_cancelled,
)

from portal.core.audit import record


def _actor():
    user = get_active_log_context().user
    return user if user is not None and user.is_authenticated else None


def _page_data(page, actor, revision_id=None) -> dict:
    authority_id = getattr(page, "authority_id", None)
    return {
        "page": page.pk,
        "title": page.title,
        "type": page._meta.label_lower,
        "locale": page.locale.language_code,
        "url_path": page.url_path,
        "revision": revision_id,
        "authority": authority_id,
        "user": actor.get_username() if actor is not None else None,
    }


@receiver(page_published)
def page_published_audit(sender, instance, revision, **kwargs):
    # Wagtail sends this signal also when a page that is not live yet is given a go-live time
    # (it is then saved, not live): that is a scheduling, recorded as such.
    if not instance.live and revision.approved_go_live_at is not None:
        page_scheduled_audit(instance, revision)
        return
    actor = _actor()
    data = _page_data(instance, actor, revision.pk)
    data["revision_author"] = revision.user_id
    # The revision still carries its go-live time when publish_scheduled made it live.
    data["scheduled"] = revision.approved_go_live_at is not None
    record(action="cms.page.published", obj=instance, actor=actor, data=data)


def page_scheduled_audit(page, revision) -> None:
    """`cms.page.scheduled`: a revision approved to go live at a later time."""
    actor = _actor()
    data = _page_data(page, actor, revision.pk)
    data["revision_author"] = revision.user_id
    data["go_live_at"] = revision.approved_go_live_at.isoformat()
    record(action="cms.page.scheduled", obj=page, actor=actor, data=data)


def page_scheduled_while_live_audit(page, revision) -> None:
    """A live page given a new revision with a later go-live time: Wagtail sends no signal for
    that, so the two places that can do it (the admin's publish button, an approved review)
    call this afterwards."""
    revision.refresh_from_db(fields=["approved_go_live_at"])
    if revision.approved_go_live_at is not None and page.live:
        page_scheduled_audit(page, revision)


@receiver(page_unpublished)
def page_unpublished_audit(sender, instance, **kwargs):
    actor = _actor()
    # The live revision is unset by now: name the latest, the one it was taken down at.
    data = _page_data(instance, actor, instance.latest_revision_id)
    data["expired"] = bool(instance.expired)  # unpublished by publish_scheduled at its expiry
    record(action="cms.page.unpublished", obj=instance, actor=actor, data=data)


@receiver(pre_delete, sender=Page)
def page_deleted_audit(sender, instance, **kwargs):
    # Deleting a live page also takes it off the site, and sends no unpublish signal. Django's
    # pre_delete is sent for every page deleted (the page and each of its descendants, by the
    # admin or by code), while its row still exists.
    page = instance.specific if instance.specific_class is not None else instance
    actor = _actor()
    data = _page_data(page, actor, instance.latest_revision_id)
    data["was_live"] = instance.live
    record(action="cms.page.deleted", obj=page, actor=actor, data=data)


def _task_audit(verb: str, task_state, user) -> None:
    workflow_state = task_state.workflow_state
    page = workflow_state.content_object
    if not isinstance(page, Page):
        return  # a snippet in a workflow: not a page
    page = page.specific
    actor = user if user is not None and user.is_authenticated else _actor()
    data = _page_data(page, actor, task_state.revision_id)
    data.update(
        workflow=workflow_state.workflow.name,
        task=task_state.task.name,
        task_state=task_state.pk,
        submitted_by=workflow_state.requested_by_id,
    )
    if task_state.comment:
        data["comment"] = task_state.comment
    record(action=f"cms.page.{verb}", obj=page, actor=actor, data=data)


@receiver(task_submitted)
def task_submitted_audit(sender, instance, user=None, **kwargs):
    _task_audit("submitted", instance, user)


@receiver(task_approved)
def task_approved_audit(sender, instance, user=None, **kwargs):
    _task_audit("approved", instance, user)


@receiver(task_rejected)
def task_rejected_audit(sender, instance, user=None, **kwargs):
    _task_audit("rejected", instance, user)


@receiver(workflow_cancelled)
def workflow_cancelled_audit(sender, instance, user=None, **kwargs):
    if instance.current_task_state is not None:
        _task_audit("review_cancelled", instance.current_task_state, user)
