"""The two-person review (四眼原则): a page goes live when a reviewer of its authority approves
what an editor submitted, and never on the word of one person.

`AuthorityReviewTask` is a Wagtail workflow task whose reviewers are not a fixed group but
follow the page: the reviewers (staff role "reviewer") whose scope covers the page's authority
(`portal.core.selectors`; a page without an authority is reviewed at the national level). The
person who submitted the page, and the author of the version that would go live, cannot approve
it, whatever their roles. While the page is in review only its possible approvers may edit it;
an approver who changes it becomes its author, and another reviewer must approve.

The "Two-person review" workflow (cms/migrations/0006) has this one task and applies to the whole
tree (every page), with the lists of typical cases and of inspection result notices named
explicitly. Pages that name an organisation can only go live this way: no one may publish them
directly (cms/permissions.py), so the approval publishes them without the publish permission
check (cms/workflow_actions.py, WAGTAIL_FINISH_WORKFLOW_ACTION).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogContext
from wagtail.models import Page, Task, TaskState

from cms.permissions import may_review

APPROVE = "approve"
REJECT = "reject"


def _content(obj):
    """The specific page (or other object) a workflow is about."""
    return obj.specific if isinstance(obj, Page) else obj


def _latest_author_id(obj) -> int | None:
    revision = obj.get_latest_revision()
    return revision.user_id if revision is not None else None


class AuthorityReviewTask(Task):
    """Approval by a reviewer whose authority scope covers the page, other than the person who
    submitted it and the author of its latest version."""

    class Meta:
        verbose_name = _("review by a reviewer of the authority")
        verbose_name_plural = _("reviews by a reviewer of the authority")

    @classmethod
    def get_description(cls):
        return _(
            "A reviewer of the page's authority approves it; never the person who submitted it "
            "or who wrote the version that goes live."
        )

    # Who may do what ----------------------------------------------------------------------

    def _submitter_id(self, obj) -> int | None:
        state = obj.current_workflow_state
        return state.requested_by_id if state is not None else None

    def user_may_reject(self, obj, user) -> bool:
        """A reviewer in scope who did not submit the page may send it back."""
        if not (user.is_authenticated and user.is_active):
            return False
        obj = _content(obj)
        return may_review(user, obj) and user.pk != self._submitter_id(obj)

    def user_may_approve(self, obj, user) -> bool:
        """... and approve it, unless they wrote the version that would go live."""
        return self.user_may_reject(obj, user) and user.pk != _latest_author_id(_content(obj))

    # Wagtail's Task API -------------------------------------------------------------------

    def get_actions(self, obj, user):
        actions = []
        if self.user_may_reject(obj, user):
            actions.append((REJECT, _("Request changes"), True))
        if self.user_may_approve(obj, user):
            actions.append((APPROVE, _("Approve"), False))
            actions.append((APPROVE, _("Approve with comment"), True))
        return actions

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        # The views offer only what get_actions returns; this holds for any other caller too,
        # and for a reviewer who edited the page in the same request as approving it.
        obj = task_state.workflow_state.content_object
        allowed = {name for name, _label, _modal in self.get_actions(obj, user)}
        if action_name not in allowed:
            raise PermissionDenied(
                _("You may not %(action)s this page in its review.") % {"action": action_name}
            )
        # The approval may publish the page: let the audit trail (cms/signals.py) name the
        # approver however this was called.
        with LogContext(user=user):
            return super().on_action(task_state, user, action_name, **kwargs)

    def user_can_access_editor(self, obj, user):
        return self.user_may_reject(obj, user)

    def locked_for_user(self, obj, user):
        # The submitter and everyone outside the reviewers of the page's authority wait.
        return not self.user_may_reject(obj, user)

    def user_can_lock(self, obj, user):
        return self.user_may_reject(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_task_states_user_can_moderate(self, user, **kwargs):
        """The reviews in progress that `user` may act on (the dashboard's "Awaiting your
        review"). Few are in progress at a time: each is checked like the actions are."""
        if not (user.is_authenticated and user.is_active):
            return TaskState.objects.none()
        states = list(
            self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
            .exclude(workflow_state__requested_by=user)
            .select_related("workflow_state")
        )
        page_ids = [state.workflow_state.object_id for state in states]
        pages = {str(page.pk): page for page in Page.objects.filter(pk__in=page_ids).specific()}
        allowed = [
            state.pk
            for state in states
            if (page := pages.get(state.workflow_state.object_id)) is not None
            and may_review(user, page)
        ]
        return self.task_states.filter(pk__in=allowed)
