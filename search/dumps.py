"""Nightly full dumps of the public credit record, as gzip-compressed CSV and JSON Lines.

Three datasets, each in both formats from one pass over the database (so the two always hold the
same rows):

- `organisations`: the public profile fields of the API and the CSV export, with former names and
  the counts of public events;
- `events`: the credit events public on the day of the run (published, inside their credit
  clock's window, not repaired), through `selectors.credit_events_public`;
- `statements`: the organisations' published statements on those events.

Nothing else is read: no foreign worker, permit or personal credit entry, no event outside its
window, no unpublished statement.

The columns are defined once, below (`DATASETS`): the writer and the data dictionary on /data/
both read these definitions, so the page can never describe a column the files do not have.

A run writes into a hidden staging directory under PUBLIC_DUMPS_DIR, then renames it to its run
id (`20260128T180000Z`, UTC) in one step: a reader sees a whole run or none. Each run has a
`manifest.json` (time, licence, rows, bytes and SHA-256 of each file); the newest
PUBLIC_DUMPS_KEEP runs are kept. Rows are streamed in primary-key order with `.iterator()`, so
memory stays flat however large the register is.
"""

import csv
import datetime
import gzip
import hashlib
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from operator import attrgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.records import credit
from portal.records.models import CreditEvent, Organisation
from portal.records.selectors import (
    credit_events_public,
    former_names_by_organisation,
    public_events_by_organisation,
    statements_public,
)
from search.api import LICENCE
from search.documents import RegionTable

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RUN_ID_FORMAT = "%Y%m%dT%H%M%SZ"
RUN_ID_PATTERN = re.compile(r"\d{8}T\d{6}Z")
STAGING_PREFIX = ".staging-"
# A staging directory this old belongs to a run that died; a live run is much quicker.
STALE_STAGING_SECONDS = 24 * 3600
BATCH = 2000
# In a CSV cell, a list (former names) is joined with this; JSON Lines has a real array.
CSV_LIST_SEPARATOR = "; "
CSV_ENCODING = "utf-8-sig"  # with a byte-order mark, as the search export: Excel reads it right
FORMATS = {"csv": "csv.gz", "jsonl": "jsonl.gz"}


class DumpsError(Exception):
    """A run that cannot be written (the message says why)."""


# ---------------------------------------------------------------------------------------------
# The columns: one definition for the files and for the data dictionary
# ---------------------------------------------------------------------------------------------

TYPES: dict[str, Promise] = {
    "text": _("text"),
    "code": _("code (one of the values listed)"),
    "integer": _("integer"),
    "date": _("date (YYYY-MM-DD)"),
    "boolean": _("true or false"),
    "list": _("list of text"),
}


@dataclass(frozen=True)
class Column:
    """One column of a dump: its name, type, meaning (translated on the page) and an example.

    `source` is the attribute path read from each row object (default: the name); `choices` lists
    a code column's values."""

    name: str
    type: str
    meaning: Promise
    example: str
    source: str = ""
    choices: Sequence[tuple[str, Promise]] = ()

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"unknown column type {self.type!r}")

    @property
    def type_label(self) -> Promise:
        return TYPES[self.type]

    @property
    def values(self) -> list[tuple[str, Promise]]:
        """A code column's values and what each means (empty for other columns)."""
        return list(self.choices)

    @cached_property
    def _getter(self) -> Callable[[Any], Any]:
        return attrgetter(self.source or self.name)

    def value(self, row: Any) -> Any:
        return self._getter(row)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: Promise
    description: Promise
    columns: tuple[Column, ...]
    rows: Callable[[datetime.date], Iterator[Any]]

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def file_name(self, file_format: str) -> str:
        return f"{self.name}.{FORMATS[file_format]}"


EVENT_KINDS = list(CreditEvent.Kind.values)
# The same words as on the record page.
RATING_MEANINGS = (
    (
        "A",
        _(
            "Good: a commendation or an inspection that found no problem is shown, and nothing "
            "negative."
        ),
    ),
    ("B", _("Neutral: nothing negative and nothing positive is shown.")),
    (
        "C",
        _(
            "Caution: an ordinary negative record is shown, or the organisation is on the "
            "warning list."
        ),
    ),
    (
        "D",
        _(
            "Serious: the organisation is on the restriction list, or a serious negative record "
            "is shown."
        ),
    ),
)

ORGANISATION_COLUMNS = (
    Column("uscc", "text", _("Unified social credit code (18 characters)."), "91440305MA5F000189"),
    Column(
        "kind",
        "code",
        _("Employer or intermediary agency."),
        "employer",
        choices=Organisation.Kind.choices,
    ),
    Column(
        "name",
        "text",
        _("Name in Chinese, as on the business licence."),
        "深圳市嘉禾信息技术有限公司",
    ),
    Column(
        "name_en",
        "text",
        _("Name in English; empty when none is registered."),
        "Shenzhen Jiahe Information Technology Co., Ltd.",
    ),
    Column(
        "former_names",
        "list",
        _("Names it was registered under before, most recent first."),
        "深圳市嘉禾电子有限公司",
        source="former_name_list",
    ),
    Column(
        "region_code",
        "text",
        _("GB/T 2260 code of the registered region."),
        "440305",
        source="region_id",
    ),
    Column(
        "region",
        "text",
        _("The region's name with its province and city."),
        "广东省深圳市南山区",
        source="region_display",
    ),
    Column("industry", "text", _("Industry, as registered."), "软件和信息技术服务业"),
    Column(
        "registration_status",
        "code",
        _("Registration status."),
        "active",
        choices=Organisation.RegistrationStatus.choices,
    ),
    Column(
        "foreign_staff_count",
        "integer",
        _("Number of foreign staff (a number only: no personal data)."),
        "12",
    ),
    Column(
        "credit_rating",
        "code",
        _("Credit rating A to D, computed from the public events (rule on every record page)."),
        "B",
        choices=RATING_MEANINGS,
    ),
    *(
        Column(
            f"public_{kind}_count",
            "integer",
            format_lazy(_("Number of public events of this kind: {kind}."), kind=label),
            "1",
            source=f"public_counts.{kind}",
        )
        for kind, label in CreditEvent.Kind.choices
    ),
    Column(
        "latest_event_on",
        "date",
        _("Publication date of its newest public event; empty when none is public."),
        "2024-05-10",
    ),
    Column(
        "latest_penalty_on",
        "date",
        _(
            "Decision date (or else publication date) of its newest public penalty; empty when "
            "none is public."
        ),
        "2024-02-20",
    ),
)

EVENT_COLUMNS = (
    Column(
        "event_id",
        "integer",
        _("The event's number on this portal; statements refer to it."),
        "1042",
        source="pk",
    ),
    Column(
        "uscc",
        "text",
        _("USCC of the organisation (see organisations)."),
        "91440305MA5F000189",
        source="organisation.uscc",
    ),
    Column(
        "organisation_name",
        "text",
        _("Name of the organisation."),
        "深圳市嘉禾信息技术有限公司",
        source="organisation.name",
    ),
    Column("kind", "code", _("Kind of event."), "penalty", choices=CreditEvent.Kind.choices),
    Column(
        "severity",
        "code",
        _("Severity of a negative event; empty for positive ones."),
        "ordinary",
        choices=CreditEvent.Severity.choices,
    ),
    Column("title", "text", _("One-line title."), "未按规定办理外国人工作许可"),
    Column("decision_number", "text", _("Number of the penalty decision."), "深人社罚〔2024〕12号"),
    Column(
        "authority",
        "text",
        _("The deciding authority."),
        "深圳市人力资源和社会保障局",
        source="authority_name",
    ),
    Column(
        "authority_en",
        "text",
        _("The deciding authority's name in English, when known."),
        "Shenzhen Human Resources and Social Security Bureau",
        source="authority_name_en",
    ),
    Column("decided_on", "date", _("Date of the decision."), "2024-02-20"),
    Column(
        "published_on",
        "date",
        _("Date of publication; the credit clock counts from it."),
        "2024-03-01",
    ),
    Column(
        "repair_possible_from",
        "date",
        _("Credit repair can be applied for from this date (negative events only)."),
        "2024-06-01",
    ),
    Column(
        "public_until",
        "date",
        _("Last day the event is public; after it, it leaves the record and the rating."),
        "2025-02-28",
    ),
    Column(
        "origin",
        "code",
        _("Why an inspection took place."),
        "draw",
        choices=CreditEvent.Origin.choices,
    ),
    Column(
        "outcome",
        "code",
        _("What an inspection found."),
        "compliant",
        choices=CreditEvent.Outcome.choices,
    ),
    Column(
        "list_kind",
        "code",
        _("The list of a list entry."),
        "warning",
        choices=CreditEvent.ListKind.choices,
    ),
    Column(
        "list_in_force",
        "boolean",
        _("Whether a list entry is in force on the dump's date; empty for other kinds."),
        "true",
    ),
    Column("starts_on", "date", _("On the list from."), "2024-06-01"),
    Column("scheduled_end_on", "date", _("Scheduled end of the listing."), "2025-05-31"),
    Column("removed_on", "date", _("Removed from the list on."), "2024-12-01"),
    Column("removal_reason", "text", _("Why it was removed from the list."), "已完成整改"),
    Column("legal_basis", "text", _("The legal basis."), "《外国人在中国就业管理规定》第二十八条"),
    Column("facts", "text", _("The facts found."), "聘用外国人未办理工作许可。"),
    Column("penalty", "text", _("The penalty imposed, in words."), "罚款人民币五千元"),
)

STATEMENT_COLUMNS = (
    Column(
        "statement_id", "integer", _("The statement's number on this portal."), "77", source="pk"
    ),
    Column(
        "event_id", "integer", _("The event it answers (see events)."), "1042", source="event_id"
    ),
    Column(
        "uscc",
        "text",
        _("USCC of the organisation."),
        "91440305MA5F000189",
        source="event.organisation.uscc",
    ),
    Column(
        "text",
        "text",
        _("The organisation's own words, published as received; not endorsed by the authority."),
        "我单位已于2024年3月补办全部工作许可。",
    ),
    Column("received_on", "date", _("Date the statement was received."), "2024-03-10"),
    Column("published_on", "date", _("Date it was published."), "2024-03-15"),
)


def _batched(items: Iterator[Any], size: int) -> Iterator[tuple[Any, ...]]:
    while batch := tuple(islice(items, size)):
        yield batch


# What the organisation rows read: the public profile, nothing else.
ORGANISATION_FIELDS = (
    "pk",
    "uscc",
    "kind",
    "name",
    "name_en",
    "region_id",
    "industry",
    "registration_status",
    "foreign_staff_count",
    "credit_rating",
)


def organisation_rows(on: datetime.date) -> Iterator[Organisation]:
    """Every organisation in pk order, with its former names and public event figures on `on`
    (read a batch at a time, as the index rebuild does)."""
    regions = RegionTable()  # a few thousand rows in memory instead of three joins per row
    organisations = (
        Organisation.objects.order_by("pk").only(*ORGANISATION_FIELDS).iterator(chunk_size=BATCH)
    )
    for batch in _batched(organisations, BATCH):
        ids = [organisation.pk for organisation in batch]
        events = public_events_by_organisation(ids, on=on)
        former_names = former_names_by_organisation(ids)
        for organisation in batch:
            public = events.get(organisation.pk, [])
            organisation.former_name_list = former_names.get(organisation.pk, [])
            organisation.region_display = "".join(
                name for _, name, _ in regions.chain(organisation.region_id)
            )
            counts = dict.fromkeys(EVENT_KINDS, 0)
            for event in public:
                counts[event.kind] += 1
            organisation.public_counts = SimpleNamespace(**counts)
            organisation.latest_event_on = max(
                (event.published_on for event in public), default=None
            )
            organisation.latest_penalty_on = max(
                (
                    event.decided_on or event.published_on
                    for event in public
                    if event.kind == CreditEvent.Kind.PENALTY
                ),
                default=None,
            )
            yield organisation


def event_rows(on: datetime.date) -> Iterator[CreditEvent]:
    """The events public on `on`, in pk order."""
    events = (
        credit_events_public(on=on)
        .select_related("organisation", "authority")
        .order_by("pk")
        .iterator(chunk_size=BATCH)
    )
    for event in events:
        event.authority_name = event.authority.name if event.authority else ""
        event.authority_name_en = event.authority.name_en if event.authority else ""
        event.list_in_force = (
            credit.list_entry_in_force(event, on)
            if event.kind == CreditEvent.Kind.LIST_ENTRY
            else None
        )
        yield event


def statement_rows(on: datetime.date) -> Iterator[Any]:
    """Published statements on events public on `on`, in pk order."""
    return (
        statements_public(on=on)
        .select_related("event__organisation")
        .order_by("pk")
        .iterator(chunk_size=BATCH)
    )


DATASETS = (
    Dataset(
        "organisations",
        _("Organisations"),
        _("One row per employer or intermediary agency: its public profile and rating."),
        ORGANISATION_COLUMNS,
        organisation_rows,
    ),
    Dataset(
        "events",
        _("Public credit events"),
        _(
            "One row per credit event public on the dump's date: inspection results, penalties, "
            "commendations and list entries inside their publication period."
        ),
        EVENT_COLUMNS,
        event_rows,
    ),
    Dataset(
        "statements",
        _("Statements"),
        _("One row per published statement of an organisation on one of its public events."),
        STATEMENT_COLUMNS,
        statement_rows,
    ),
)

FILE_NAMES = frozenset(
    [MANIFEST, *(dataset.file_name(fmt) for dataset in DATASETS for fmt in FORMATS)]
)


# ---------------------------------------------------------------------------------------------
# Writing a run
# ---------------------------------------------------------------------------------------------


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return CSV_LIST_SEPARATOR.join(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _dataset_write(
    dataset: Dataset,
    directory: Path,
    on: datetime.date,
    progress: Callable[[int], None] | None,
) -> tuple[int, list[dict[str, Any]]]:
    """Write one dataset as CSV and JSON Lines in one pass; (rows, file entries)."""
    csv_path = directory / dataset.file_name("csv")
    jsonl_path = directory / dataset.file_name("jsonl")
    names = dataset.column_names
    rows = 0
    # compresslevel 6: nearly the size of 9 at a fraction of the time.
    with (
        gzip.open(csv_path, "wt", encoding=CSV_ENCODING, newline="", compresslevel=6) as csv_file,
        gzip.open(jsonl_path, "wt", encoding="utf-8", newline="\n", compresslevel=6) as jsonl_file,
    ):
        writer = csv.writer(csv_file)
        writer.writerow(names)
        for row in dataset.rows(on):
            values = [column.value(row) for column in dataset.columns]
            writer.writerow([_csv_value(value) for value in values])
            record = {name: _json_value(value) for name, value in zip(names, values, strict=True)}
            jsonl_file.write(json.dumps(record, ensure_ascii=False) + "\n")
            rows += 1
            if progress is not None:
                progress(1)
    files = [
        {
            "name": path.name,
            "dataset": dataset.name,
            "format": file_format,
            "rows": rows,
            "bytes": path.stat().st_size,
            "sha256": _sha256(path),
        }
        for file_format, path in (("csv", csv_path), ("jsonl", jsonl_path))
    ]
    return rows, files


def dumps_directory() -> Path:
    return Path(settings.PUBLIC_DUMPS_DIR)


def dumps_publish(
    *,
    now: datetime.datetime | None = None,
    keep: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write a full dump of the public record as it stands at `now` (default: now) into
    PUBLIC_DUMPS_DIR, publish it in one rename, keep the newest `keep` (PUBLIC_DUMPS_KEEP) runs
    and return its manifest. Public data only (see the module docstring).

    Raises DumpsError when a run with the same id (the same second) already exists.
    """
    now = now or timezone.now()
    keep = settings.PUBLIC_DUMPS_KEEP if keep is None else keep
    if keep < 1:
        raise DumpsError("At least one run must be kept.")
    on = timezone.localdate(now)
    run_id = now.astimezone(datetime.UTC).strftime(RUN_ID_FORMAT)
    directory = dumps_directory()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / run_id
    if target.exists():
        raise DumpsError(f"A dump run {run_id} already exists in {directory}.")
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=directory))
    try:
        files: list[dict[str, Any]] = []
        datasets: dict[str, Any] = {}
        for dataset in DATASETS:
            rows, written = _dataset_write(dataset, staging, on, progress)
            files += written
            datasets[dataset.name] = {
                "rows": rows,
                "columns": [{"name": c.name, "type": c.type} for c in dataset.columns],
            }
        manifest = {
            "format_version": FORMAT_VERSION,
            "run": run_id,
            "generated_at": now.astimezone(datetime.UTC).isoformat(),
            "public_on": on.isoformat(),
            "licence": LICENCE,
            "files": files,
            "datasets": datasets,
        }
        (staging / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        # mkdtemp makes a private directory; the web server may run as another user.
        staging.chmod(0o755)
        staging.rename(target)  # atomic on one file system: a whole run appears, or none
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    dumps_rotate(keep=keep)
    return manifest


def _run_directories(directory: Path) -> list[Path]:
    """Published runs, oldest first (run ids sort by time)."""
    try:
        paths = list(directory.iterdir())
    except OSError:  # not created yet (nothing published), or not readable
        return []
    return sorted(
        path
        for path in paths
        if RUN_ID_PATTERN.fullmatch(path.name) and path.is_dir() and (path / MANIFEST).is_file()
    )


def dumps_rotate(*, keep: int) -> list[str]:
    """Delete all but the newest `keep` runs, and staging directories of runs that died;
    return the run ids deleted."""
    directory = dumps_directory()
    runs = _run_directories(directory)
    deleted = []
    for path in runs[: max(len(runs) - keep, 0)]:
        shutil.rmtree(path, ignore_errors=True)
        deleted.append(path.name)
    for path in directory.glob(f"{STAGING_PREFIX}*"):
        if path.is_dir() and time.time() - path.stat().st_mtime > STALE_STAGING_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
    return deleted


# ---------------------------------------------------------------------------------------------
# Reading what was published (for the /data/ page and the file downloads)
# ---------------------------------------------------------------------------------------------


def manifest_read(path: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # removed by a rotation meanwhile, or damaged: not a run to offer
    if not isinstance(manifest, dict) or manifest.get("run") != path.name:
        return None
    return manifest


def dumps_runs() -> list[dict[str, Any]]:
    """The manifests of the published runs, newest first."""
    manifests = (manifest_read(path) for path in reversed(_run_directories(dumps_directory())))
    return [manifest for manifest in manifests if manifest is not None]


def dumps_latest() -> dict[str, Any] | None:
    """The newest run's manifest, or None when nothing has been published yet."""
    runs = dumps_runs()
    return runs[0] if runs else None


def dump_file_path(run_id: str, name: str) -> Path | None:
    """The file `name` of run `run_id` ("latest": the newest run), or None when there is no such
    file. Only the known file names and well-formed run ids are looked up, so no request can
    reach anything else in the directory or outside it."""
    if name not in FILE_NAMES:
        return None
    if run_id == "latest":
        latest = dumps_latest()
        if latest is None:
            return None
        run_id = latest["run"]
    if not RUN_ID_PATTERN.fullmatch(run_id):
        return None
    directory = dumps_directory().resolve()
    path = (directory / run_id / name).resolve()
    if path.parent.parent != directory or not path.is_file():
        return None
    return path


def iter_dump_rows(path: Path) -> Iterable[dict[str, Any]]:
    """Read a dump file back (CSV rows as dicts of text, JSON Lines as objects): for tests and
    for anyone checking a download with Python."""
    if path.name.endswith(".csv.gz"):
        with gzip.open(path, "rt", encoding=CSV_ENCODING, newline="") as stream:
            yield from csv.DictReader(stream)
    else:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for line in stream:
                yield json.loads(line)
