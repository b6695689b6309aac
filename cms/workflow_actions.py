"""What a finished workflow does (WAGTAIL_FINISH_WORKFLOW_ACTION).

Wagtail imports this while it loads its models, so nothing here may import models at the top.
"""

from wagtail.log_actions import LogContext


def publish_workflow_state(workflow_state, user=None) -> None:
    """Publish the latest revision, the one the approver saw (cms/workflows.py checks that the
    approver did not write it). The approval is the permission: no one holds the publish
    permission for pages that name an organisation (cms/permissions.py). The approver is named
    in the audit entry of the publication (cms/signals.py) however the approval was made."""
    from wagtail.models import Page

    from cms.signals import page_scheduled_while_live_audit

    revision = workflow_state.content_object.get_latest_revision()
    with LogContext(user=user):
        revision.publish(user=user, skip_permission_checks=True)
        if isinstance(workflow_state.content_object, Page):
            page = Page.objects.get(pk=workflow_state.content_object.pk).specific
            page_scheduled_while_live_audit(page, revision)
