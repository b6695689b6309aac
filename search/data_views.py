"""The open data page (/data/): the nightly dumps, their data dictionary, and the downloads."""

import datetime
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from search.api import LICENCE
from search.dumps import DATASETS, FORMATS, MANIFEST, dump_file_path, dumps_runs, manifest_read

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
CONTENT_TYPES = {".gz": "application/gzip", ".json": "application/json"}


def _files(manifest: dict[str, Any], run: str) -> list[dict[str, Any]]:
    """The manifest's files in the order of DATASETS and FORMATS, with their download links."""
    by_name = {item["name"]: item for item in manifest.get("files", [])}
    files = []
    for dataset in DATASETS:
        for file_format in FORMATS:
            item = by_name.get(dataset.file_name(file_format))
            if item is not None:
                url = reverse("dump_file", kwargs={"run": run, "name": item["name"]})
                files.append({**item, "title": dataset.title, "url": url})
    return files


def _generated_at(manifest: dict[str, Any]) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(manifest["generated_at"])
    except (KeyError, TypeError, ValueError):
        return None


def open_data(request: HttpRequest) -> HttpResponse:
    """Downloads of the latest dump (with rows, size and SHA-256), earlier runs, the licence,
    the API and the CSV export, and the data dictionary of every column."""
    runs = dumps_runs()
    latest = runs[0] if runs else None
    context = {
        "latest": latest,
        "latest_files": _files(latest, "latest") if latest else [],
        "latest_generated_at": _generated_at(latest) if latest else None,
        "latest_manifest_url": reverse("dump_file", kwargs={"run": "latest", "name": MANIFEST}),
        "earlier_runs": [
            {
                "run": manifest["run"],
                "generated_at": _generated_at(manifest),
                "files": _files(manifest, manifest["run"]),
                "manifest_url": reverse(
                    "dump_file", kwargs={"run": manifest["run"], "name": MANIFEST}
                ),
            }
            for manifest in runs[1:]
        ],
        "keep": settings.PUBLIC_DUMPS_KEEP,
        "datasets": DATASETS,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "export_limit": settings.SEARCH_EXPORT_LIMIT,
    }
    return render(request, "data/open_data.html", context)


def dump_file(request: HttpRequest, run: str, name: str) -> FileResponse:
    """One file of a run ("latest" or a run id such as 20260128T180000Z), streamed from
    PUBLIC_DUMPS_DIR. Unknown runs and names are 404; nothing outside the runs can be reached."""
    path = dump_file_path(run, name)
    if path is None:
        raise Http404("No such dump file.")
    try:
        stream = path.open("rb")
    except OSError as error:  # removed by a rotation a moment ago
        raise Http404("No such dump file.") from error
    run_id = path.parent.name
    stem, _, suffix = name.partition(".")
    response = FileResponse(
        stream,
        content_type=CONTENT_TYPES[path.suffix],
        as_attachment=name != MANIFEST,
        filename=f"{stem}-{run_id}.{suffix}",
    )
    # A run never changes once published; "latest" moves every night.
    response["Cache-Control"] = (
        "public, max-age=300" if run == "latest" else "public, max-age=86400, immutable"
    )
    response["X-Dump-Run"] = run_id
    manifest = manifest_read(path.parent) or {}
    for item in manifest.get("files", []):
        if item.get("name") == name:
            response["X-Content-SHA256"] = item["sha256"]
    return response
