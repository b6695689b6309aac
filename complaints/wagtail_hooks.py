"""Complaints in the Wagtail admin: the staff's queue, complaint pages and overview (menu
"Complaints", complaints/admin_views.py), and the complaint categories and the holiday calendar,
maintained by editors as snippets."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from complaints import admin_views, selectors
from complaints.models import ComplaintCategory, Holiday

admin_urlpatterns = [
    path("", admin_views.complaint_queue, name="queue"),
    path("overview/", admin_views.complaint_overview, name="overview"),
    path("<int:pk>/", admin_views.complaint_detail, name="detail"),
    path("<int:pk>/action/<slug:action>/", admin_views.complaint_action, name="action"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        admin_views.attachment_download,
        name="attachment",
    ),
]


@hooks.register("register_admin_urls")
def register_complaint_admin_urls():
    return [path("complaints/", include((admin_urlpatterns, "complaints_admin")))]


class ComplaintsMenuItem(MenuItem):
    """Shown to officers and supervisors (and superusers)."""

    def is_shown(self, request):
        user = request.user
        return user.is_superuser or selectors.may_handle_complaints(user)


@hooks.register("register_admin_menu_item")
def register_complaints_menu_item():
    return ComplaintsMenuItem(
        _("Complaints"), reverse("complaints_admin:queue"), icon_name="mail", order=250
    )


class ComplaintCategoryViewSet(SnippetViewSet):
    model = ComplaintCategory
    icon = "list-ul"
    menu_label = _("Complaint categories")
    add_to_settings_menu = True
    list_display = [
        "name",
        "code",
        "parent",
        "acceptance_days",
        "conclusion_days",
        "anonymous_allowed",
    ]
    list_filter = ["anonymous_allowed", "is_active"]
    search_fields = ["name", "name_en", "code"]
    search_backend_name = None
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
        FieldRowPanel([FieldPanel("code"), FieldPanel("parent")]),
        FieldPanel("notice"),
        FieldPanel("notice_en"),
        FieldRowPanel([FieldPanel("acceptance_days"), FieldPanel("conclusion_days")]),
        FieldRowPanel([FieldPanel("anonymous_allowed"), FieldPanel("is_active")]),
        FieldPanel("sort_order"),
    ]


class HolidayViewSet(SnippetViewSet):
    model = Holiday
    icon = "date"
    menu_label = _("Holiday calendar")
    add_to_settings_menu = True
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_backend_name = None
    panels = [FieldPanel("date"), FieldPanel("kind"), FieldPanel("name")]


register_snippet(ComplaintCategoryViewSet)
register_snippet(HolidayViewSet)
