"""Showing a field in the page's language: `{{ authority|bilingual:"name" }}` gives `name_en` on
English pages, and the Chinese text, marked `lang="zh-Hans"`, when the English is empty."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


def is_english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def bilingual(obj, field: str):
    chinese = getattr(obj, field, "") or ""
    if not is_english():
        return chinese
    english = getattr(obj, f"{field}_en", "") or ""
    if english:
        return english
    if not chinese:
        return ""
    return format_html('<span lang="zh-Hans">{}</span>', chinese)


@register.filter
def lacks_english(obj, fields: str) -> bool:
    """Whether any of the comma-separated `fields` has Chinese text but no English."""
    return any(
        (getattr(obj, name, "") or "") and not (getattr(obj, f"{name}_en", "") or "")
        for name in fields.split(",")
    )
