"""Public pages of the draws: the list, one draw with its commitment, its files to download and
how to re-run it (the verification procedure), and the files themselves.

What is public: the USCCs of the subjects (already public on the credit record), risk classes,
item codes and per-draw inspector codes. Never an inspector's name, certificate or user: the
code is drawn at random for each draw, and only staff can tell whom it stands for
(`DrawInspectorCode`), so a published draw cannot be tied to a person, and declared conflicts
published as codes reveal nothing about anyone.
"""

import json

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from portal.inspections import draw, selectors
from portal.inspections.models import Draw

PAGE_SIZE = 50
INSPECTIONS_SHOWN = 200
# The files in the order the procedure reads them; seed and result exist once drawn.
FILE_NAMES = ("commitment.json", "snapshot.json", "parameters.json", "seed.txt", "result.json")


def draw_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.draws_public(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/draw_list.html", {"draws": page})


def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw_row = selectors.draw_public_get(pk)
    if draw_row is None:
        raise Http404
    files = {f.name: f for f in draw_row.files.defer("content")}
    context = {
        "draw": draw_row,
        "files": [files[name] for name in FILE_NAMES if name in files],
        "algorithm_version": draw.ALGORITHM_VERSION,
        "drawn": draw_row.status == Draw.Status.DRAWN,
    }
    if draw_row.status == Draw.Status.DRAWN and "result.json" in files:
        result = json.loads(bytes(selectors.draw_file_public(draw_row, "result.json").content))
        context["counts"] = [
            {"risk": risk, "candidates": pair[0], "selected": pair[1]}
            for risk, pair in sorted(result["counts"].items())
        ]
        context["recusals"] = result["recusals"]
        context["inspection_total"] = len(result["inspections"])
        context["inspections"] = result["inspections"][:INSPECTIONS_SHOWN]
    return render(request, "inspections/draw_detail.html", context)


def draw_file(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in FILE_NAMES:
        raise Http404
    draw_row = selectors.draw_public_get(pk)
    stored = selectors.draw_file_public(draw_row, name) if draw_row is not None else None
    if stored is None:
        raise Http404
    content_type = "application/json" if name.endswith(".json") else "text/plain; charset=utf-8"
    response = HttpResponse(bytes(stored.content), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="draw-{draw_row.pk}-{name}"'
    response["X-Content-SHA256"] = stored.sha256
    return response
