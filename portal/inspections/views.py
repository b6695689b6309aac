"""Public pages of the inspection item list: the items in force (HTML, JSON, CSV of the same
filtered list) and the history of published changes."""

import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.templatetags.bilingual import is_english
from portal.inspections import selectors
from portal.inspections.forms import HistoryFilterForm, ItemFilterForm
from portal.inspections.models import InspectionItem, InspectionItemChange, SubjectType

HISTORY_PAGE_SIZE = 50


def _filtered(request: HttpRequest):
    """(form, items): the form bound to the query string, and the items in force it selects
    (None when a value is bad)."""
    form = ItemFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, selectors.inspection_items_in_force(filters=form.filters())


def _text(item, field: str) -> str:
    if is_english():
        return getattr(item, f"{field}_en") or getattr(item, field)
    return getattr(item, field)


def inspection_item_list(request: HttpRequest) -> HttpResponse:
    form, items = _filtered(request)
    province = form.cleaned_data.get("province", "") if items is not None else ""
    context = {
        "form": form,
        "provinces": form.provinces,
        "departments": selectors.inspection_item_departments(province=province),
        "subject_types": SubjectType.choices,
        "filtered": any(request.GET.get(name) for name in form.fields),
        "query": request.GET.urlencode(),
        "today": timezone.localdate(),
    }
    if items is None:
        return render(request, "inspections/inspection_item_list.html", context, status=400)
    items = list(items)
    selected = next((p for p in form.provinces if p.region_id == province), None)
    counts = {
        "total": len(items),
        "national": sum(item.is_national for item in items),
        "by_subject": [
            (label, sum(item.subject_type == value for item in items))
            for value, label in SubjectType.choices
        ],
    }
    counts["provincial"] = counts["total"] - counts["national"]
    context.update(
        items=items,
        national_items=[item for item in items if item.is_national],
        provincial_items=[item for item in items if not item.is_national],
        selected_province=selected,
        counts=counts,
    )
    return render(request, "inspections/inspection_item_list.html", context)


def _item_row(item: InspectionItem) -> dict:
    authority = item.authority
    return {
        "code": item.code,
        "name": item.name,
        "name_en": item.name_en,
        "list": "national" if item.is_national else "provincial",
        "province": authority.region_id,
        "authority": authority.name,
        "subject_type": item.subject_type,
        "method": item.method,
        "legal_basis": item.legal_basis,
        "legal_basis_en": item.legal_basis_en,
        "frequency": item.frequency,
        "frequency_en": item.frequency_en,
        "department": item.department,
        "department_en": item.department_en,
        "in_force_from": item.in_force_from.isoformat(),
        "withdrawn_on": item.withdrawn_on.isoformat() if item.withdrawn_on else None,
    }


def inspection_item_json(request: HttpRequest) -> HttpResponse:
    form, items = _filtered(request)
    if items is None:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    rows = [_item_row(item) for item in items]
    return JsonResponse(
        {
            "_meta": {
                "title": "随机抽查事项清单",
                "filters": form.cleaned_data,
                "count": len(rows),
                "on": timezone.localdate().isoformat(),
                "generated_at": timezone.now().isoformat(),
            },
            "results": rows,
        },
        json_dumps_params={"ensure_ascii": False},
    )


CSV_COLUMNS = [
    "code",
    "name",
    "name_en",
    "list",
    "province",
    "authority",
    "subject_type",
    "method",
    "legal_basis",
    "legal_basis_en",
    "frequency",
    "frequency_en",
    "department",
    "department_en",
    "in_force_from",
    "withdrawn_on",
]


def inspection_item_csv(request: HttpRequest) -> HttpResponse:
    form, items = _filtered(request)
    if items is None:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="inspection-items.csv"'
    response.write("\ufeff")  # the byte order mark, so spreadsheet programs read UTF-8
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for item in items:
        writer.writerow({key: value or "" for key, value in _item_row(item).items()})
    return response


def _field_label(name: str) -> str:
    return str(InspectionItem._meta.get_field(name).verbose_name)


def _value_display(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    field = InspectionItem._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if name == "authority":
        from portal.core.models import Authority

        authority = Authority.objects.filter(pk=value).first()
        return str(authority) if authority else str(value)
    return str(value)


def inspection_item_history(request: HttpRequest) -> HttpResponse:
    form = HistoryFilterForm(request.GET)
    context = {"form": form, "provinces": form.provinces, "filtered": bool(request.GET)}
    if not form.is_valid():
        return render(request, "inspections/inspection_item_history.html", context, status=400)
    changes = selectors.inspection_item_changes_public(province=form.cleaned_data["province"])
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    for change in page.object_list:
        change.field_rows = [
            {
                "label": _field_label(row["field"]),
                "before": _value_display(row["field"], row["before"]),
                "after": _value_display(row["field"], row["after"]),
            }
            for row in change.fields
        ]
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        changes=page,
        kinds=InspectionItemChange.Kind,
        query_without_page=query.urlencode(),
        title=_("History of the inspection item list"),
    )
    return render(request, "inspections/inspection_item_history.html", context)
