"""The inspection result pages in the Wagtail admin: their URLs under
/admin/inspections/results/ and the menu item "Inspection results" (staff with a role, and
superusers). Imported by portal/inspections/wagtail_hooks.py."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.inspections import result_views

admin_urlpatterns = [
    path("", result_views.result_list, name="list"),
    path("<int:pk>/", result_views.result_detail, name="detail"),
    path("<int:pk>/record/", result_views.result_edit, name="edit"),
    path("<int:pk>/action/<slug:action>/", result_views.result_action, name="action"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        result_views.evidence_download,
        name="evidence",
    ),
    path("<int:pk>/notice/", result_views.notice_download, name="notice"),
    path(
        "<int:pk>/enforcement/<int:action_pk>/notice/",
        result_views.notice_download,
        name="enforcement_notice",
    ),
]


@hooks.register("register_admin_urls")
def register_inspection_result_urls():
    return [
        path(
            "inspections/results/",
            include((admin_urlpatterns, "inspection_results_admin")),
        )
    ]


class InspectionResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return result_views.may_use_results(request.user)


@hooks.register("register_admin_menu_item")
def register_inspection_results_menu_item():
    return InspectionResultsMenuItem(
        _("Inspection results"),
        reverse("inspection_results_admin:list"),
        icon_name="tasks",
        order=240,
    )
