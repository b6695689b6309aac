"""Who may do what to a page in the Wagtail admin: Wagtail's group permissions, narrowed by the
authority scope of the user's staff memberships.

Base rights come from two groups with permissions on the root of the page tree (created by
cms/migrations/0006, membership kept in step with the staff memberships by
`portal.core.services.staff_groups_sync`):

| group     | page permissions on the root          |
| --------- | ------------------------------------- |
| Editors   | add, change, lock                     |
| Reviewers | add, change, publish, lock, unlock    |

`PortalPagePermissionTester` (returned by `PortalPage.permissions_for_user`) then keeps, for each
page, only what the user's scope allows (the same roles as the authority snippets in
portal/core/permissions.py):

- A page with an authority (typical cases, inspection result notices) belongs to that authority;
  every other page (home, lists, news, standard pages), and a case without an authority, belongs
  to the national level. Editors and reviewers whose scope covers it may add, change, lock and
  delete drafts; reviewers whose scope covers it may publish, unpublish and unlock.
- A page that names an organisation is never published directly, not even by a reviewer or a
  superuser: it goes live when a second person approves it in the two-person review
  (cms/workflows.py). Reviewers may still take it down (unpublish).
- Under the lists of cases and notices every editor may add a page (of their own authority: the
  page form offers only the authorities in their scope).

Superusers keep Wagtail's "may do everything", except publishing pages that name an
organisation directly.
"""

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import PagePermissionTester

from portal.core import selectors
from portal.core.models import Authority
from portal.core.permissions import in_scope_or_national

# Pages that name an organisation: they go live only through the two-person review.
ORGANISATION_PAGE_MODELS = ("cms.TypicalCasePage", "cms.InspectionResultNoticePage")

# Permissions each kind of role may exercise on a page in its scope.
_EDITING_PERMISSIONS = frozenset({"add", "change", "lock", "bulk_delete"})
_PUBLISHING_PERMISSIONS = frozenset({"publish", "unlock"})


def names_organisation(page_or_model) -> bool:
    """Whether pages of this type name an organisation (and so need two people to go live)."""
    model = page_or_model if isinstance(page_or_model, type) else type(page_or_model)
    return issubclass(model, tuple(apps.get_model(label) for label in ORGANISATION_PAGE_MODELS))


def _authority(user, authority_id: int | None) -> Authority | None:
    """The authority with its parent, cached on the user object for the request (the tester is
    built once per page of a listing)."""
    if authority_id is None:
        return None
    cache = user.__dict__.setdefault("_authority_scope_cache", {})
    if authority_id not in cache:
        cache[authority_id] = (
            Authority.objects.only("id", "parent_id", "level").filter(pk=authority_id).first()
        )
    return cache[authority_id]


def page_authority(user, page) -> Authority | None:
    """The authority a page belongs to for permissions: its `authority`, if its type has one;
    None (the national level) otherwise."""
    return _authority(user, getattr(page, "authority_id", None))


def may_edit(user, page) -> bool:
    return in_scope_or_national(user, page_authority(user, page), roles=selectors.EDITING_ROLES)


def may_review(user, page) -> bool:
    """Whether `user` is a reviewer whose scope covers the page (or a superuser)."""
    return in_scope_or_national(user, page_authority(user, page), roles=selectors.PUBLISHING_ROLES)


class PortalPagePermissionTester(PagePermissionTester):
    """Wagtail's tester with `permissions` (the actions the groups give on this page) narrowed
    to the user's authority scope. Every check of the tester, and Wagtail's views, read that
    set, so one narrowing covers edit, publish, unpublish, delete, move, copy, lock and unlock."""

    def __init__(self, user, page):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser:
            self.permissions = self._scoped(set(self.permissions))

    def _scoped(self, granted: set[str]) -> set[str]:
        allowed: set[str] = set()
        if may_edit(self.user, self.page):
            allowed |= _EDITING_PERMISSIONS
        if may_review(self.user, self.page):
            allowed |= _PUBLISHING_PERMISSIONS
        if self._children_name_organisations() and selectors.has_role_anywhere(
            self.user, roles=selectors.EDITING_ROLES
        ):
            allowed.add("add")  # a case or notice of one's own authority, under the national list
        return granted & allowed

    def _children_name_organisations(self) -> bool:
        specific_class = self.page.specific_class
        if specific_class is None:
            return False
        models = specific_class.creatable_subpage_models()
        return bool(models) and all(names_organisation(model) for model in models)

    def can_publish(self):
        if names_organisation(self.page):
            return False  # only through the two-person review
        return super().can_publish()

    def can_publish_subpage(self):
        if self._children_name_organisations():
            return False  # a new case or notice is submitted, not published
        return super().can_publish_subpage()

    def can_set_view_restrictions(self):
        # Wagtail ties this, and cancelling a scheduled publication, to `can_publish`; for a page
        # that names an organisation they stay with its reviewers (like unpublishing).
        if names_organisation(self.page):
            return self.user.is_active and (self.user.is_superuser or "publish" in self.permissions)
        return super().can_set_view_restrictions()

    def can_unschedule(self):
        return self.can_set_view_restrictions()


class PortalPageForm(WagtailAdminPageForm):
    """The admin form of every portal page. Where the page has an authority, a user without a
    national role chooses among the authorities in their scope, and must choose one: a page
    without an authority is national, and they could no longer edit it. (Pages no one may edit
    never reach a form: the tester refuses them first.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Fields with a callable default (a date "today") expect Django's hidden "initial-" input,
        # which Wagtail's panels do not render: without this they always count as changed, and a
        # reviewer who approves in the editor would save a revision of their own (and so, as its
        # author, no longer be allowed to approve it).
        for field in self.fields.values():
            field.show_hidden_initial = False
        self.authority_restricted = False
        field = self.fields.get("authority")
        user = self.for_user
        if field is None or user is None:
            return
        if selectors.has_national_role(user, roles=selectors.EDITING_ROLES):
            return  # national editors and superusers: every authority, or none
        # A short list (a province and its prefectures), so a plain select in place of the
        # snippet chooser, whose modal would list every authority.
        field.widget = forms.Select()
        field.queryset = selectors.authorities_editable_by(user).order_by("region_id")
        field.required = True
        self.authority_restricted = True

    def clean(self):
        cleaned_data = super().clean()
        # Checked here as well as by `required`: saving a draft defers required fields.
        if self.authority_restricted and not cleaned_data.get("authority"):
            self.add_error("authority", _("Choose the authority responsible for this page."))
        return cleaned_data
