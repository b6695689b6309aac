"""The complaint categories and the holiday calendar, maintained by editors as snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from complaints.models import ComplaintCategory, Holiday


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
