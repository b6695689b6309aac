"""The editorial process in the Wagtail admin (see cms/permissions.py and cms/workflows.py)."""

from django.core.exceptions import PermissionDenied
from wagtail import hooks

from portal.core import selectors


@hooks.register("before_create_page")
def only_national_staff_add_under_the_root(request, parent_page, page_class):
    # The root of the tree is Wagtail's own page, not a PortalPage, so its permissions come from
    # the groups alone; a new site (a home page) is a national matter.
    if parent_page.is_root() and not selectors.has_national_role(
        request.user, roles=selectors.EDITING_ROLES
    ):
        raise PermissionDenied


@hooks.register("after_publish_page")
def audit_a_live_page_scheduled(request, page):
    # The audit of publishing is cms/signals.py; this is the one case Wagtail sends no signal for.
    from cms.signals import page_scheduled_while_live_audit

    revision = page.get_latest_revision()
    if revision is not None:
        page_scheduled_while_live_audit(page, revision)
