"""Inspection items and the double-random office in the Wagtail admin: items are a snippet
with drafts, revisions and locking; the office's directories, plans and draws follow below.

Who may touch which item is `InspectionItemPermissionPolicy` (portal/inspections/permissions.py).
Wagtail's snippet views check permissions per model only, so every view of the view sets here
(`ScopedSnippetViewSet`) checks the row named by the URL; the form offers only the authorities
in the editor's scope. Publishing goes
through `services.inspection_item_publish`, which writes the public history and the audit
trail; saving a draft writes the audit trail here.
"""

from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.mixins import RevisionsRevertMixin
from wagtail.admin.widgets.button import ListingButton
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets import action_menu
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.core.audit import record
from portal.inspections import admin_views, services
from portal.inspections.models import (
    Draw,
    InspectionItem,
    InspectionPlan,
    Inspector,
    SubjectEntry,
    WorkerSubjectEntry,
)
from portal.inspections.permissions import (
    InspectionItemPermissionPolicy,
    draw_policy,
    inspector_policy,
    listing_authorities_for,
    plan_policy,
    subject_entry_policy,
    worker_entry_policy,
)

item_permission_policy = InspectionItemPermissionPolicy()
register_permission_policy(InspectionItem, item_permission_policy, exact_class=True)


# ---------------------------------------------------------------------------------------------
# The base of every view set here: views kept to the user's scope, every save audited.
# ---------------------------------------------------------------------------------------------

# Inspection items keep the action codes they were first audited with.
AUDIT_NAMES = {InspectionItem: "item"}


class AuditedSaveMixin:
    """Write the audit trail (`inspections.<model>.created` / `.changed`) on every admin save."""

    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            revision = getattr(self, "new_revision", None)
            record(
                action=(
                    f"inspections.{AUDIT_NAMES.get(self.model, instance._meta.model_name)}."
                    f"{'created' if self.view_name == 'create' else 'changed'}"
                ),
                obj=instance,
                actor=self.request.user,
                data={
                    "fields": sorted(self.form.changed_data),
                    "revision": revision.pk if revision else None,
                },
            )
        return instance


def audited_views(*mixins: type) -> tuple[type, type, type]:
    """The create, edit and revert views of a snippet, each saving with `mixins` and then
    `AuditedSaveMixin` (the revert view too: Wagtail's own puts its save before any mixin)."""
    return (
        type("AuditedCreateView", (*mixins, AuditedSaveMixin, snippet_views.CreateView), {}),
        type("AuditedEditView", (*mixins, AuditedSaveMixin, snippet_views.EditView), {}),
        type(
            "AuditedRevertView",
            (*mixins, AuditedSaveMixin, RevisionsRevertMixin, snippet_views.EditView),
            {"view_name": "revisions_revert"},
        ),
    )


class ScopedObjectMixin:
    """Keep a view to the row named by the URL as `scope_policy` allows: 404 for a row the user
    may not see (a forged address learns nothing), then the view's permission checked against
    that row, not only against the model (which is all Wagtail's snippet views check)."""

    scope_policy: BasePermissionPolicy

    def scoped_object(self):
        if not hasattr(self, "_scoped_object"):
            pk = self.kwargs.get("pk")
            self._scoped_object = (
                get_object_or_404(
                    self.scope_policy.instances_user_has_any_permission_for(
                        self.request.user, ["view"]
                    ),
                    pk=unquote(str(pk)),
                )
                if pk is not None
                else None
            )
        return self._scoped_object

    def dispatch(self, request, *args, **kwargs):
        self.scoped_object()  # before anything else, in views that check no permission too
        return super().dispatch(request, *args, **kwargs)

    def user_has_permission(self, permission):
        row = self.scoped_object()
        if row is None:
            return super().user_has_permission(permission)
        user = self.request.user
        return self.scope_policy.user_has_permission_for_instance(user, permission, row)

    def user_has_any_permission(self, permissions):
        row = self.scoped_object()
        if row is None:
            return super().user_has_any_permission(permissions)
        return self.scope_policy.user_has_any_permission_for_instance(
            self.request.user, permissions, row
        )


class ScopedChooserMixin:
    """A chooser that lists and returns only the rows the user may see."""

    scope_policy: BasePermissionPolicy

    def get_object_list(self):
        return self.scope_policy.instances_user_has_any_permission_for(self.request.user, ["view"])

    def get_object(self, pk):
        return self.get_object_list().get(pk=pk)

    def get_objects(self, pks):
        return self.get_object_list().filter(pk__in=pks)


def _scoped_class(mixin: type, view_class: type, policy) -> type:
    return type(f"Scoped{view_class.__name__}", (mixin, view_class), {"scope_policy": policy})


class ScopedChooserViewSet(SnippetChooserViewSet):
    scope_policy: BasePermissionPolicy

    def construct_view(self, view_class, **kwargs):
        view_class = _scoped_class(ScopedChooserMixin, view_class, self.scope_policy)
        return super().construct_view(view_class, **kwargs)


class ScopedSnippetViewSet(SnippetViewSet):
    """A snippet view set kept to the user's scope under `policy`: every view (edit, inspect,
    history, usage, revisions, delete…) through `ScopedObjectMixin`, the listing and its export
    through `get_queryset`, the chooser through `ScopedChooserMixin`."""

    policy: BasePermissionPolicy
    chooser_viewset_class = ScopedChooserViewSet
    add_view_class, edit_view_class, revert_view_class = audited_views()

    def construct_view(self, view_class, **kwargs):
        view_class = _scoped_class(ScopedObjectMixin, view_class, self.policy)
        return super().construct_view(view_class, **kwargs)

    def get_queryset(self, request):
        return self.policy.instances_user_has_any_permission_for(request.user, ["view"])

    @property
    def revisions_revert_view_class(self):
        return self.revert_view_class

    @property
    def chooser_viewset(self):
        viewset = super().chooser_viewset
        viewset.scope_policy = self.policy
        return viewset


class InspectionItemForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "authority" in self.fields and self.for_user is not None:
            allowed = listing_authorities_for(self.for_user, "change").select_related("region")
            self.fields["authority"].queryset = allowed.order_by("level", "region_id")

    def _post_clean(self):
        # The instance holds the cleaned values only from here on: check it as the service will.
        super()._post_clean()
        if self.instance.authority_id is not None:
            try:
                services.inspection_item_validate(self.instance)
            except ValidationError as error:
                self._update_errors(error)


def _may(user, action: str, item: InspectionItem | None) -> bool:
    if item is None or item.pk is None:
        return item_permission_policy.user_has_permission(user, action)
    return item_permission_policy.user_has_permission_for_instance(user, action, item)


class PublishingMixin:
    """Offer "publish" only to those who may publish this item; publish through the service."""

    def get_available_actions(self):
        actions = list(super().get_available_actions())
        item = self.scoped_object()
        if "publish" in actions and not _may(self.request.user, "publish", item):
            actions.remove("publish")
        return actions

    def publish_action(self):
        hook_response = self.run_hook("before_publish", self.request, self.object)
        if hook_response is not None:
            return hook_response
        services.inspection_item_publish(
            item=self.object, revision=self.new_revision, actor=self.request.user
        )
        return self.run_hook("after_publish", self.request, self.object)


class InspectionItemDeleteView(snippet_views.DeleteView):
    def delete_action(self):
        with transaction.atomic():
            record(
                action="inspections.item.deleted",
                obj=self.object,
                actor=self.request.user,
                data={"str": str(self.object)},
            )
            super().delete_action()


class InspectionItemUnpublishView(snippet_views.UnpublishView):
    def unpublish(self):
        with transaction.atomic():
            response = super().unpublish()
            services.inspection_item_unpublished(item=self.object, actor=self.request.user)
        return response


class InspectionItemViewSet(ScopedSnippetViewSet):
    model = InspectionItem
    policy = item_permission_policy
    icon = "list-ol"
    menu_label = _("Inspection items")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["code", "name", "authority", "subject_type", "in_force_from", "withdrawn_on"]
    list_filter = ["subject_type", "method", "authority__level", "live"]
    list_per_page = 50
    search_fields = ["code", "name", "name_en", "department"]
    search_backend_name = None  # the ORM's icontains: a few hundred rows
    inspect_view_enabled = True
    copy_view_enabled = False
    ordering = ["authority__region_id", "sort_order", "code"]

    add_view_class, edit_view_class, revert_view_class = audited_views(PublishingMixin)
    delete_view_class = InspectionItemDeleteView
    unpublish_view_class = InspectionItemUnpublishView

    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("code"), FieldPanel("authority")]),
            FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
            FieldRowPanel([FieldPanel("subject_type"), FieldPanel("method")]),
            FieldRowPanel([FieldPanel("legal_basis"), FieldPanel("legal_basis_en")]),
            FieldRowPanel([FieldPanel("frequency"), FieldPanel("frequency_en")]),
            FieldRowPanel([FieldPanel("department"), FieldPanel("department_en")]),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("in_force_from"), FieldPanel("withdrawn_on")]),
                    FieldPanel("sort_order"),
                ],
                heading=_("In force"),
            ),
        ],
        base_form_class=InspectionItemForm,
    )


register_snippet(InspectionItemViewSet)


# The action menu: Publish and Unpublish follow the policy, not Django's model permissions.


class ItemPublishMenuItem(action_menu.PublishMenuItem):
    def is_shown(self, context):
        return not context.get("locked_for_user") and _may(
            context["request"].user, "publish", context.get("instance")
        )


class ItemUnpublishMenuItem(action_menu.UnpublishMenuItem):
    def is_shown(self, context):
        instance = context.get("instance")
        return (
            not context.get("locked_for_user")
            and context["view"] == "edit"
            and instance is not None
            and instance.live
            and _may(context["request"].user, "publish", instance)
        )


@hooks.register("construct_snippet_action_menu")
def inspection_item_action_menu(menu_items, request, context):
    if context.get("model") is not InspectionItem:
        return
    menu_items[:] = [
        item
        for item in menu_items
        if not isinstance(item, action_menu.PublishMenuItem | action_menu.UnpublishMenuItem)
    ]
    for item in (ItemUnpublishMenuItem(order=20), ItemPublishMenuItem(order=30)):
        if item.is_shown(context):
            menu_items.append(item)


# ---------------------------------------------------------------------------------------------
# The double-random office: directories, plans and draws in the admin (menu "Double random").
# Rights follow the staff scope (portal/inspections/permissions.py): every view, the listings,
# the exports and the choosers keep to the rows of the authorities in the user's scope. Every
# save is audited here, plans keep revisions.
# ---------------------------------------------------------------------------------------------

for _model, _policy in (
    (Inspector, inspector_policy),
    (InspectionPlan, plan_policy),
    (Draw, draw_policy),
    (SubjectEntry, subject_entry_policy),
    (WorkerSubjectEntry, worker_entry_policy),
):
    register_permission_policy(_model, _policy, exact_class=True)


class InspectorForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is None:
            return
        # Only the authorities in the editor's scope, and their staff.
        authorities = inspector_policy.authorities_for(self.for_user, "change")
        if "authority" in self.fields:
            self.fields["authority"].queryset = authorities.order_by("level", "region_id")
        if "user" in self.fields:
            self.fields["user"].queryset = (
                get_user_model()
                .objects.filter(staff_memberships__authority__in=authorities)
                .distinct()
                .order_by("username")
            )

    def _post_clean(self):
        super()._post_clean()
        try:
            services.inspector_validate(self.instance)
        except ValidationError as error:
            self._update_errors(error)


class InspectorViewSet(ScopedSnippetViewSet):
    model = Inspector
    policy = inspector_policy
    icon = "user"
    menu_label = _("Inspector directory")
    menu_order = 100
    list_display = ["__str__", "authority", "entered_on", "exited_on"]
    list_filter = ["authority__level", "exited_on"]
    list_export = [
        "certificate_number",
        "full_name",
        "province_code",
        "authority_name",
        "speciality_codes",
        "availability_periods",
        "entered_on",
        "exited_on",
        "exit_reason",
    ]
    export_headings = {
        "certificate_number": _("enforcement certificate number"),
        "full_name": _("name"),
        "province_code": _("province"),
        "authority_name": _("authority"),
        "speciality_codes": _("specialities"),
        "availability_periods": _("availability periods"),
        "entered_on": _("entered on"),
        "exited_on": _("exited on"),
        "exit_reason": _("exit reason"),
    }
    export_filename = "inspector-directory"
    search_fields = ["certificate_number", "user__username", "user__last_name"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("user"), FieldPanel("certificate_number")]),
            FieldPanel("authority"),
            FieldPanel("specialities", widget=forms.CheckboxSelectMultiple),
            FieldRowPanel(
                [FieldPanel("entered_on"), FieldPanel("exited_on"), FieldPanel("exit_reason")]
            ),
            InlinePanel("availability", heading=_("Availability periods")),
            InlinePanel("conflicts", heading=_("Declared conflicts")),
        ],
        base_form_class=InspectorForm,
    )


class SubjectEntryViewSet(ScopedSnippetViewSet):
    """The subject directory is computed (`services.subject_directory_refresh`): read only."""

    model = SubjectEntry
    policy = subject_entry_policy
    icon = "group"
    menu_label = _("Subject directory")
    menu_order = 110
    list_display = [
        "organisation",
        "province",
        "risk_class",
        "last_inspected_on",
        "entered_on",
        "exited_on",
    ]
    list_filter = ["province", "risk_class", "exited_on"]
    search_fields = ["organisation__uscc", "organisation__name"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 50


class WorkerSubjectEntryViewSet(ScopedSnippetViewSet):
    """STAFF ONLY: the foreign workers of the directory, computed by
    `services.subject_directory_refresh`: read only, kept to the case roles of the user's scope
    (`worker_entry_policy`), no export. A worker shows by their personal code, never by name or
    passport number."""

    model = WorkerSubjectEntry
    policy = worker_entry_policy
    icon = "user"
    menu_label = _("Worker directory")
    menu_order = 115
    list_display = [
        Column("personal_code", label=_("personal code"), accessor="worker.personal_code"),
        "employer",
        "province",
        "risk_class",
        "last_inspected_on",
        "entered_on",
        "exited_on",
    ]
    list_filter = ["province", "risk_class", "exited_on"]
    search_fields = ["worker__personal_code", "employer__uscc", "employer__name"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_fields = [
        "worker",
        "employer",
        "province",
        "risk_class",
        "risk_reasons",
        "last_inspected_on",
        "entered_on",
        "exited_on",
        "exit_reason",
    ]
    copy_view_enabled = False
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("worker", "employer", "province")


class PlanForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "authority" in self.fields and self.for_user is not None:
            self.fields["authority"].queryset = plan_policy.authorities_for(
                self.for_user, "change"
            ).order_by("region_id")

    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            return False
        strata = self.formsets.get("strata")
        ratios: dict[str, object] = {}
        for form in strata.forms if strata is not None else []:
            data = getattr(form, "cleaned_data", None) or {}
            if data and not data.get("DELETE") and data.get("risk_class"):
                if data["risk_class"] in ratios:
                    self.add_error(None, _("Each risk class appears once."))
                    return False
                ratios[data["risk_class"]] = data["ratio"]
        if not ratios:
            self.add_error(None, _("Give a sampling ratio for at least one risk class."))
            return False
        try:
            services.inspection_plan_validate(
                authority=self.cleaned_data["authority"],
                year=self.cleaned_data["year"],
                items=list(self.cleaned_data["items"].select_related("authority")),
                ratios=ratios,
                inspectors_per_inspection=self.cleaned_data["inspectors_per_inspection"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
            return False
        return True


class InspectionPlanViewSet(ScopedSnippetViewSet):
    model = InspectionPlan
    policy = plan_policy
    icon = "date"
    menu_label = _("Inspection plans")
    menu_order = 120
    list_display = ["title", "authority", "year", "frequency"]
    list_filter = ["year"]
    copy_view_enabled = False
    inspect_view_enabled = True
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("authority"), FieldPanel("year")]),
            FieldPanel("title"),
            FieldPanel("items", widget=forms.CheckboxSelectMultiple),
            FieldRowPanel(
                [
                    FieldPanel("frequency"),
                    FieldPanel("exclusion_months"),
                    FieldPanel("inspectors_per_inspection"),
                ]
            ),
            InlinePanel("strata", heading=_("Strata: sampling ratio per risk class"), min_num=1),
        ],
        base_form_class=PlanForm,
    )


class DrawViewSet(ScopedSnippetViewSet):
    """Draws are made by `services.draw_commit` and `draw_reveal` (commands `draw_commit`,
    `draw_reveal`); the admin lists them."""

    model = Draw
    policy = draw_policy
    icon = "resubmit"
    menu_label = _("Draws")
    menu_order = 130
    list_display = ["__str__", "status", "on", "committed_at", "drawn_at"]
    list_filter = ["status"]
    inspect_view_enabled = True
    copy_view_enabled = False


class DoubleRandomGroup(SnippetViewSetGroup):
    items = (
        InspectorViewSet,
        SubjectEntryViewSet,
        WorkerSubjectEntryViewSet,
        InspectionPlanViewSet,
        DrawViewSet,
    )
    menu_icon = "resubmit"
    menu_label = _("Double random")
    menu_order = 230


register_snippet(DoubleRandomGroup)


@hooks.register("register_admin_urls")
def draw_admin_urls():
    return [
        path(
            "inspections/plans/<int:plan_pk>/commit-draw/",
            admin_views.draw_commit_view,
            name="inspection_draw_commit",
        ),
        path(
            "inspections/draws/<int:pk>/reveal/",
            admin_views.draw_reveal_view,
            name="inspection_draw_reveal",
        ),
    ]


@hooks.register("register_snippet_listing_buttons")
def draw_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, InspectionPlan) and plan_policy.user_has_permission_for_instance(
        user, "draw", snippet
    ):
        yield ListingButton(
            _("Commit a draw"), reverse("inspection_draw_commit", args=[snippet.pk]), priority=50
        )
    elif (
        isinstance(snippet, Draw)
        and snippet.status == Draw.Status.COMMITTED
        and draw_policy.user_has_permission_for_instance(user, "reveal", snippet)
    ):
        yield ListingButton(
            _("Make the draw"), reverse("inspection_draw_reveal", args=[snippet.pk]), priority=50
        )
    if isinstance(snippet, Draw):
        yield ListingButton(_("Public page"), snippet.get_absolute_url(), priority=60)


# The inspection result pages (tasks, on-site records, review, enforcement): their own module.
from portal.inspections import result_hooks  # noqa: E402, F401
