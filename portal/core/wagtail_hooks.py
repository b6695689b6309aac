"""Authorities and staff memberships in the Wagtail admin.

Authorities are a snippet with drafts and revisions: editors save drafts, reviewers publish
(the row holds the live version, which the public pages read). Who may touch which authority
is `AuthorityPermissionPolicy` (portal/core/permissions.py). Wagtail's snippet views check
permissions per model only, so the views below add the per-authority check, and every change
writes the audit trail inside the transaction of the change.
"""

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.views.generic.mixins import RevisionsRevertMixin
from wagtail.permissions import register_permission_policy
from wagtail.snippets import action_menu
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.core import selectors
from portal.core.audit import record
from portal.core.models import SERVICE_LANGUAGES, Authority, Region, StaffMembership
from portal.core.permissions import AuthorityPermissionPolicy

authority_permission_policy = AuthorityPermissionPolicy()
register_permission_policy(Authority, authority_permission_policy, exact_class=True)

# Fields that decide routing and the tree: only national editors (and superusers) change them,
# so a provincial editor cannot move a prefecture out of (or into) its province.
STRUCTURE_FIELDS = ("level", "parent", "region", "additional_regions")


class AuthorityForm(WagtailAdminModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages served"),
        choices=SERVICE_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and not selectors.has_national_role(
            user, roles=selectors.EDITING_ROLES
        ):
            for name in STRUCTURE_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
        if "region" in self.fields:
            self.fields["region"].queryset = Region.objects.filter(
                level__in=[Region.Level.PROVINCE, Region.Level.PREFECTURE]
            )


# Per-authority permission checks ---------------------------------------------------------------


class AuthorityScopedMixin:
    """Check the permission a view requires against the authority named by the URL, not only
    against the model (which is all Wagtail's snippet views do)."""

    def scoped_authority(self) -> Authority | None:
        if not hasattr(self, "_scoped_authority"):
            pk = self.kwargs.get("pk")
            self._scoped_authority = (
                get_object_or_404(Authority, pk=unquote(str(pk))) if pk is not None else None
            )
        return self._scoped_authority

    def user_has_permission(self, permission):
        authority = self.scoped_authority()
        if authority is None:
            return super().user_has_permission(permission)
        return authority_permission_policy.user_has_permission_for_instance(
            self.request.user, permission, authority
        )


def _may_publish(user, authority: Authority | None) -> bool:
    if authority is None or authority.pk is None:
        return selectors.has_national_role(user, roles=selectors.PUBLISHING_ROLES)
    return authority_permission_policy.user_has_permission_for_instance(user, "publish", authority)


class PublishScopedMixin:
    """Offer "publish" only to those who may publish this authority."""

    def get_available_actions(self):
        actions = list(super().get_available_actions())
        if "publish" in actions and not _may_publish(self.request.user, self.scoped_authority()):
            actions.remove("publish")
        return actions


# The audit trail ----------------------------------------------------------------------------------


def _changed_fields(form) -> list[str]:
    changed = set(form.changed_data)
    for name, formset in getattr(form, "formsets", {}).items():
        if formset.has_changed():
            changed.add(name)
    return sorted(changed)


class AuditedSaveMixin:
    """Write `<audit_prefix>.created` or `.changed` with the saved object, inside the
    transaction of the save; and `.published` when the same request publishes it."""

    audit_prefix = ""

    def save_instance(self):
        instance = super().save_instance()
        data = {"fields": _changed_fields(self.form)}
        revision = getattr(self, "new_revision", None)
        if revision is not None:
            data["revision"] = revision.pk
        if getattr(self, "revision_id", None):
            data["reverted_to_revision"] = int(self.revision_id)
        verb = "created" if self.view_name == "create" else "changed"
        record(
            action=f"{self.audit_prefix}.{verb}",
            obj=instance,
            actor=self.request.user,
            data=data,
        )
        return instance

    def publish_action(self):
        with transaction.atomic():
            response = super().publish_action()
            revision = self.new_revision
            revision.refresh_from_db()
            scheduled = revision.approved_go_live_at
            record(
                action=f"{self.audit_prefix}.{'scheduled' if scheduled else 'published'}",
                obj=self.object,
                actor=self.request.user,
                data={
                    "revision": revision.pk,
                    **({"go_live_at": scheduled.isoformat()} if scheduled else {}),
                },
            )
        return response


class AuditedDeleteMixin:
    audit_prefix = ""

    def delete_action(self):
        with transaction.atomic():
            record(
                action=f"{self.audit_prefix}.deleted",
                obj=self.object,
                actor=self.request.user,
                data={"str": str(self.object)},
            )
            super().delete_action()


# Authority views -----------------------------------------------------------------------------


class AuthorityEditViewBase(AuthorityScopedMixin, PublishScopedMixin, snippet_views.EditView):
    pass


class AuthorityCreateView(AuditedSaveMixin, PublishScopedMixin, snippet_views.CreateView):
    audit_prefix = "core.authority"

    def scoped_authority(self):
        return None


class AuthorityEditView(AuditedSaveMixin, AuthorityEditViewBase):
    audit_prefix = "core.authority"


class AuthorityRevisionsRevertView(AuditedSaveMixin, RevisionsRevertMixin, AuthorityEditViewBase):
    audit_prefix = "core.authority"
    view_name = "revisions_revert"


class AuthorityDeleteView(AuditedDeleteMixin, AuthorityScopedMixin, snippet_views.DeleteView):
    audit_prefix = "core.authority"


class AuthorityUnpublishView(AuthorityScopedMixin, snippet_views.UnpublishView):
    def unpublish(self):
        with transaction.atomic():
            response = super().unpublish()
            record(action="core.authority.unpublished", obj=self.object, actor=self.request.user)
        return response


class AuthorityRevisionsUnscheduleView(AuthorityScopedMixin, snippet_views.RevisionsUnscheduleView):
    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().post(request, *args, **kwargs)
            record(
                action="core.authority.unscheduled",
                obj=self.object,
                actor=request.user,
                data={"revision": self.revision.pk},
            )
        return response


class AuthorityRevisionsCompareView(AuthorityScopedMixin, snippet_views.RevisionsCompareView):
    pass


class AuthorityPreviewRevisionView(AuthorityScopedMixin, snippet_views.PreviewRevisionView):
    pass


class AuthorityFilterSet(WagtailFilterSet):
    province = django_filters.ModelChoiceFilter(
        label=_("province"),
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
        method="filter_province",
    )

    class Meta:
        model = Authority
        fields = ["level", "live"]

    def filter_province(self, queryset, name, value):
        return queryset.filter(Q(region=value) | Q(region__parent=value))


class AuthorityViewSet(SnippetViewSet):
    model = Authority
    icon = "site"
    menu_label = _("Authorities")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "level", "region", "complaint_phone"]
    list_per_page = 50
    filterset_class = AuthorityFilterSet
    search_fields = ["name", "name_en", "region__code", "region__name"]
    search_backend_name = None  # the ORM's icontains: 365 rows, no index to keep in step
    inspect_view_enabled = True
    copy_view_enabled = False
    ordering = ["region_id"]

    add_view_class = AuthorityCreateView
    edit_view_class = AuthorityEditView
    delete_view_class = AuthorityDeleteView
    unpublish_view_class = AuthorityUnpublishView
    revisions_unschedule_view_class = AuthorityRevisionsUnscheduleView
    revisions_compare_view_class = AuthorityRevisionsCompareView
    revisions_view_class = AuthorityPreviewRevisionView

    @property
    def revisions_revert_view_class(self):
        return AuthorityRevisionsRevertView

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
                    FieldRowPanel([FieldPanel("level"), FieldPanel("parent")]),
                    MultiFieldPanel(
                        [FieldPanel("region"), FieldPanel("additional_regions")],
                        heading=_("Jurisdiction"),
                    ),
                    FieldPanel("website"),
                ],
                heading=_("Authority"),
            ),
            ObjectList([InlinePanel("powers", label=_("Power"))], heading=_("Powers")),
            ObjectList(
                [
                    FieldPanel("organisation"),
                    FieldPanel("organisation_en"),
                    InlinePanel("departments", label=_("Department")),
                ],
                heading=_("Organisation"),
            ),
            ObjectList([InlinePanel("rules", label=_("Rule"))], heading=_("Rules")),
            ObjectList(
                [
                    FieldPanel("complaint_phone"),
                    InlinePanel("phones", label=_("Phone number")),
                    FieldRowPanel([FieldPanel("address"), FieldPanel("address_en")]),
                    InlinePanel("addresses", label=_("Address")),
                    FieldRowPanel([FieldPanel("opening_hours"), FieldPanel("opening_hours_en")]),
                    FieldPanel("languages"),
                ],
                heading=_("Contact"),
            ),
            ObjectList(
                [InlinePanel("exclusions", label=_("Matter not accepted"))],
                heading=_("Not accepted"),
            ),
        ],
        base_form_class=AuthorityForm,
    )


# Staff memberships ---------------------------------------------------------------------------
# Managed by those with Django's model permissions on StaffMembership (administrators); the
# default model permission policy applies.


class StaffMembershipCreateView(AuditedSaveMixin, snippet_views.CreateView):
    audit_prefix = "core.staffmembership"


class StaffMembershipEditView(AuditedSaveMixin, snippet_views.EditView):
    audit_prefix = "core.staffmembership"


class StaffMembershipDeleteView(AuditedDeleteMixin, snippet_views.DeleteView):
    audit_prefix = "core.staffmembership"


class StaffMembershipViewSet(SnippetViewSet):
    model = StaffMembership
    icon = "group"
    menu_label = _("Staff memberships")
    add_to_settings_menu = True
    list_display = ["user", "authority", "role", "created_at"]
    list_filter = ["role", "authority__level"]
    search_fields = ["user__username", "user__email", "authority__name"]
    search_backend_name = None
    copy_view_enabled = False
    add_view_class = StaffMembershipCreateView
    edit_view_class = StaffMembershipEditView
    delete_view_class = StaffMembershipDeleteView
    panels = [FieldPanel("user"), FieldPanel("authority"), FieldPanel("role")]


register_snippet(AuthorityViewSet)
register_snippet(StaffMembershipViewSet)


# The action menu -----------------------------------------------------------------------------
# Wagtail shows Publish and Unpublish from Django's model permissions; for authorities they
# follow the policy instead.


class AuthorityPublishMenuItem(action_menu.PublishMenuItem):
    def is_shown(self, context):
        return not context.get("locked_for_user") and _may_publish(
            context["request"].user, context.get("instance")
        )


class AuthorityUnpublishMenuItem(action_menu.UnpublishMenuItem):
    def is_shown(self, context):
        instance = context.get("instance")
        return (
            not context.get("locked_for_user")
            and context["view"] == "edit"
            and instance is not None
            and instance.live
            and _may_publish(context["request"].user, instance)
        )


@hooks.register("construct_snippet_action_menu")
def authority_action_menu(menu_items, request, context):
    if context.get("model") is not Authority:
        return
    menu_items[:] = [
        item
        for item in menu_items
        if not isinstance(item, action_menu.PublishMenuItem | action_menu.UnpublishMenuItem)
    ]
    for item in (AuthorityUnpublishMenuItem(order=20), AuthorityPublishMenuItem(order=30)):
        if item.is_shown(context):
            menu_items.append(item)


# Staff memberships and Wagtail groups ---------------------------------------------------------
# A membership's role puts its user in the role's group (portal.core.services); after every change
# made here, the groups of the users concerned are synced (on an edit, the old user's as well).


@hooks.register("before_edit_snippet")
def staff_membership_remember_user(request, instance):
    if isinstance(instance, StaffMembership):
        request._staff_membership_previous_user_id = instance.user_id


def _staff_groups_sync(*user_ids) -> None:
    from django.contrib.auth import get_user_model

    from portal.core.services import staff_groups_sync

    for user in get_user_model().objects.filter(pk__in={pk for pk in user_ids if pk}):
        staff_groups_sync(user)


@hooks.register("after_create_snippet")
def staff_membership_created(request, instance):
    if isinstance(instance, StaffMembership):
        _staff_groups_sync(instance.user_id)


@hooks.register("after_edit_snippet")
def staff_membership_changed(request, instance):
    if isinstance(instance, StaffMembership):
        _staff_groups_sync(
            instance.user_id, getattr(request, "_staff_membership_previous_user_id", None)
        )


@hooks.register("after_delete_snippet")
def staff_membership_deleted(request, instances):
    _staff_groups_sync(
        *(instance.user_id for instance in instances if isinstance(instance, StaffMembership))
    )
