"""Import of organisations and credit events from CSV or JSON Lines (format: docs/import-format.md).

One file carries both kinds of rows, told apart by `record_type` (`organisation` or `event`), so
a source system can export its organisations and their events in one go, in order. Each row is
applied in its own transaction through the services (so it is validated, audited and reindexed
like any other write): a rejected row leaves nothing behind, and the rows around it still count.

Idempotent: an organisation is found by its USCC, an event by (USCC, reference), a former name
by (USCC, name, end date). A row that matches what is stored changes nothing, so importing the
same file twice writes nothing the second time.
"""

import csv
import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portal.core.models import Authority, Region
from portal.records import uscc as uscc_module
from portal.records.models import CreditEvent, FormerName, Organisation
from portal.records.services import (
    credit_event_create,
    credit_event_update,
    former_name_add,
    organisation_create,
    organisation_update,
    today,
)

ORGANISATION = "organisation"
EVENT = "event"

ORGANISATION_COLUMNS = (
    "kind",
    "name",
    "name_en",
    "address",
    "industry",
    "legal_representative",
    "registration_status",
    "agency_licence_number",
    "foreign_staff_count",
)
EVENT_TEXT_COLUMNS = (
    "severity",
    "facts",
    "legal_basis",
    "decision_number",
    "penalty",
    "origin",
    "outcome",
    "list_kind",
    "removal_reason",
)
EVENT_DATE_COLUMNS = ("decided_on", "published_on", "starts_on", "scheduled_end_on", "removed_on")

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class RowRejected(ValueError):
    """A row that cannot be imported; the message says why, for the person fixing the file."""


@dataclass
class Rejection:
    line: int
    record_type: str
    uscc: str
    reference: str
    reason: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise ValueError(f"Cannot tell the format of {path.name}: use .csv or .jsonl, or --format.")


def rows_read(stream: TextIO, file_format: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, row) pairs; a row that cannot even be parsed comes as an error string."""
    if file_format == "csv":
        reader = csv.DictReader(stream)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield reader.line_num, f"unreadable CSV: {error}"
                continue
            # line_num is the last physical line of the record: the record's first line is what
            # an editor shows, so count back over line breaks inside quoted fields.
            breaks = sum(str(value).count("\n") for value in row.values() if value)
            if None in row:
                yield reader.line_num - breaks, "more values than columns"
                continue
            yield reader.line_num - breaks, row
    else:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, f"invalid JSON: {error.msg}"
                continue
            if not isinstance(row, dict):
                yield number, "each line must be a JSON object"
                continue
            yield number, row


def count_rows(path: Path) -> int:
    """Lines in the file (less the CSV header): the progress bar's total, near enough."""
    with path.open("rb") as stream:
        lines = sum(1 for _ in stream)
    return max(lines - (1 if path.suffix.lower() == ".csv" else 0), 0)


# ---------------------------------------------------------------------------------------------
# Cleaning one row
# ---------------------------------------------------------------------------------------------


def _text(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    return str(value).strip()


def _required(row: dict[str, Any], name: str) -> str:
    value = _text(row, name)
    if not value:
        raise RowRejected(f"missing field: {name}")
    return value


def _date(row: dict[str, Any], name: str) -> datetime.date | None:
    value = _text(row, name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise RowRejected(f"bad date in {name}: {value!r} (use YYYY-MM-DD)") from error


def _choice(row: dict[str, Any], name: str, choices: type, *, required: bool = False) -> str:
    value = _required(row, name) if required else _text(row, name)
    if value and value not in choices.values:
        raise RowRejected(f"unknown {name}: {value!r} (one of {', '.join(choices.values)})")
    return value


def _uscc(row: dict[str, Any]) -> str:
    try:
        return uscc_module.validate(_required(row, "uscc"))
    except uscc_module.InvalidUSCC as error:
        raise RowRejected(f"bad USCC {_text(row, 'uscc')!r}: {error}") from error


def _organisation_values(row: dict[str, Any], code: str) -> dict[str, Any]:
    region_code = _text(row, "region_code") or uscc_module.region_code(code)
    # Retired codes are in the table too (inactive): old registrations keep their region.
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise RowRejected(f"unknown region code: {region_code!r}")
    values: dict[str, Any] = {"region": region}
    for name in ORGANISATION_COLUMNS:
        if name in row:
            values[name] = _text(row, name)
    values["kind"] = _choice(row, "kind", Organisation.Kind, required=True)
    values["name"] = _required(row, "name")
    if "registration_status" in row:
        values["registration_status"] = (
            _choice(row, "registration_status", Organisation.RegistrationStatus)
            or Organisation.RegistrationStatus.ACTIVE
        )
    if "foreign_staff_count" in row:
        raw = _text(row, "foreign_staff_count") or "0"
        if not raw.isdigit():
            raise RowRejected(f"foreign_staff_count is not a whole number: {raw!r}")
        values["foreign_staff_count"] = int(raw)
    return values


def _event_values(row: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": _choice(row, "kind", CreditEvent.Kind, required=True),
        "title": _required(row, "title"),
    }
    for name in EVENT_TEXT_COLUMNS:
        values[name] = _text(row, name)
    for name, choices in (
        ("severity", CreditEvent.Severity),
        ("origin", CreditEvent.Origin),
        ("outcome", CreditEvent.Outcome),
        ("list_kind", CreditEvent.ListKind),
    ):
        values[name] = _choice(row, name, choices)
    for name in EVENT_DATE_COLUMNS:
        values[name] = _date(row, name)
    if values["published_on"] is None:
        raise RowRejected("missing field: published_on")
    authority_name = _text(row, "authority")
    values["authority"] = None
    if authority_name:
        values["authority"] = Authority.objects.filter(name=authority_name).first()
        if values["authority"] is None:
            raise RowRejected(f"unknown authority: {authority_name!r}")
    if values["kind"] == CreditEvent.Kind.LIST_ENTRY and not values["severity"]:
        values["severity"] = (
            CreditEvent.Severity.SERIOUS
            if values["list_kind"] == CreditEvent.ListKind.RESTRICTION
            else CreditEvent.Severity.ORDINARY
        )
    return values


# Former names: `旧名称A@2015-03-01..2019-06-30; 旧名称B@..2015-02-28` in CSV, or the same string or
# a list of {"name", "used_from", "used_until"} objects in JSON Lines. Full-width ；and ＠, as a
# Chinese input method types them, count as their ASCII forms.
_FORMER_NAME_SEPARATOR = re.compile(r"[;；]")
_FORMER_NAME_KEYS = frozenset({"name", "used_from", "used_until"})
FORMER_NAME_SYNTAX = "NAME@FROM..UNTIL or NAME@..UNTIL (dates YYYY-MM-DD)"


@dataclass(frozen=True)
class FormerNameEntry:
    name: str
    used_from: datetime.date | None
    used_until: datetime.date


def _former_name_date(value: Any, position: int, what: str) -> datetime.date | None:
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise RowRejected(
            f"former_names entry {position}: bad {what} date {text!r} (use YYYY-MM-DD)"
        ) from error


def _former_name_entry(
    position: int, name: Any, used_from: Any, used_until: Any
) -> FormerNameEntry:
    name = "" if name is None else str(name).strip()
    if not name:
        raise RowRejected(f"former_names entry {position}: the name is empty")
    start = _former_name_date(used_from, position, "start")
    end = _former_name_date(used_until, position, "end")
    if end is None:
        raise RowRejected(
            f"former_names entry {position} ({name}): the end date is required, "
            f"as in {FORMER_NAME_SYNTAX}"
        )
    if start is not None and start > end:
        raise RowRejected(f"former_names entry {position} ({name}): starts after it ends")
    if end > today():
        raise RowRejected(f"former_names entry {position} ({name}): ends in the future ({end})")
    return FormerNameEntry(name, start, end)


def _former_names_from_text(text: str) -> list[FormerNameEntry]:
    entries = []
    parts = [part.strip() for part in _FORMER_NAME_SEPARATOR.split(text)]
    for position, part in enumerate((part for part in parts if part), start=1):
        name, at, period = part.replace("＠", "@").rpartition("@")
        start, dots, end = period.partition("..")
        if not at or not dots:
            raise RowRejected(f"former_names entry {position} {part!r}: write {FORMER_NAME_SYNTAX}")
        entries.append(_former_name_entry(position, name, start, end))
    return entries


def _former_names_from_list(items: list[Any]) -> list[FormerNameEntry]:
    entries = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise RowRejected(
                f"former_names entry {position}: expected an object with name, used_from "
                "and used_until"
            )
        unknown = set(item) - _FORMER_NAME_KEYS
        if unknown:
            raise RowRejected(
                f"former_names entry {position}: unknown key(s) {', '.join(sorted(unknown))} "
                "(name, used_from, used_until)"
            )
        entries.append(
            _former_name_entry(
                position, item.get("name"), item.get("used_from"), item.get("used_until")
            )
        )
    return entries


def _former_names(row: dict[str, Any]) -> list[FormerNameEntry]:
    """The former names a row lists (none when the column is absent or empty)."""
    value = row.get("former_names")
    if value is None:
        entries = []
    elif isinstance(value, str):
        entries = _former_names_from_text(value)
    elif isinstance(value, list):
        entries = _former_names_from_list(value)
    else:
        raise RowRejected(
            f"former_names must be text ({FORMER_NAME_SYNTAX}, separated by ;) or a list of objects"
        )
    seen: set[tuple[str, datetime.date]] = set()
    for entry in entries:
        key = (entry.name, entry.used_until)
        if key in seen:
            raise RowRejected(f"former_names lists {entry.name!r} until {entry.used_until} twice")
        seen.add(key)
    return entries


def _former_names_apply(organisation: Organisation, entries: list[FormerNameEntry]) -> int:
    """Add the entries the organisation does not have yet; return how many were added.

    A former name is known by its name and end date: a name can be used twice (A, then B, then A
    again), each time with its own end. Recorded former names are never changed or removed by an
    import (there is no service for that): a start date that contradicts the recorded one
    rejects the row rather than being dropped without a word.
    """
    recorded = {
        (former.name, former.used_until): former
        for former in FormerName.objects.filter(organisation=organisation)
    }
    added = 0
    for entry in entries:
        if entry.name == organisation.name:
            raise RowRejected(
                f"former_names lists {entry.name!r}, which is the organisation's current name"
            )
        former = recorded.get((entry.name, entry.used_until))
        if former is None:
            former_name_add(
                organisation=organisation,
                name=entry.name,
                used_from=entry.used_from,
                used_until=entry.used_until,
            )
            added += 1
        elif entry.used_from is not None and entry.used_from != former.used_from:
            recorded_from = former.used_from.isoformat() if former.used_from else "no start date"
            raise RowRejected(
                f"former name {entry.name!r} until {entry.used_until} is recorded with "
                f"{recorded_from}, not {entry.used_from}; an import does not change a recorded "
                "former name"
            )
    return added


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(str(message) for message in messages)}"
            for name, messages in error.message_dict.items()
        )
    return " ".join(str(message) for message in error.messages)


# ---------------------------------------------------------------------------------------------
# Applying one row
# ---------------------------------------------------------------------------------------------


def organisation_row_apply(row: dict[str, Any], *, source: str) -> str:
    code = _uscc(row)
    values = _organisation_values(row, code)
    former_names = _former_names(row)
    audit_data = {"source": source}
    organisation = Organisation.objects.filter(uscc=code).first()
    if organisation is None:
        organisation = organisation_create(uscc=code, audit_data=audit_data, **values)
        _former_names_apply(organisation, former_names)
        return CREATED
    changes = organisation_update(organisation=organisation, audit_data=audit_data, **values)
    added = _former_names_apply(organisation, former_names)
    return UPDATED if changes or added else UNCHANGED


def event_row_apply(row: dict[str, Any], *, source: str) -> str:
    code = _uscc(row)
    reference = _required(row, "reference")
    values = _event_values(row)
    organisation = Organisation.objects.filter(uscc=code).first()
    if organisation is None:
        raise RowRejected(f"no organisation with USCC {code} (import it first, or earlier)")
    audit_data = {"source": source}
    event = CreditEvent.objects.filter(organisation=organisation, reference=reference).first()
    if event is None:
        credit_event_create(
            organisation=organisation, reference=reference, audit_data=audit_data, **values
        )
        return CREATED
    changes = credit_event_update(event=event, audit_data=audit_data, **values)
    return UPDATED if changes else UNCHANGED


def row_apply(row: dict[str, Any], *, source: str) -> str:
    """Apply one row in its own transaction: all of it, or (raising RowRejected) none of it."""
    record_type = _text(row, "record_type")
    try:
        with transaction.atomic():
            if record_type == ORGANISATION:
                return organisation_row_apply(row, source=source)
            if record_type == EVENT:
                return event_row_apply(row, source=source)
            raise RowRejected(
                f"unknown record_type: {record_type!r} (organisation or event)"
                if record_type
                else "missing field: record_type"
            )
    except ValidationError as error:
        raise RowRejected(_validation_message(error)) from error
    except IntegrityError as error:  # e.g. a duplicate that a concurrent writer just added
        raise RowRejected(f"database refused the row: {error}") from error


def records_import(
    stream: TextIO,
    *,
    file_format: str,
    source: str = "import",
    progress: Any = None,
) -> ImportResult:
    """Import every row of `stream`; never raises for a bad row, reports it instead.

    `progress`, if given, is called once per row (the command passes a tqdm bar's `update`).
    """
    result = ImportResult()
    for line, row in rows_read(stream, file_format):
        if progress is not None:
            progress()
        if isinstance(row, str):
            result.rejections.append(Rejection(line, "", "", "", row))
            continue
        try:
            outcome = row_apply(row, source=source)
        except RowRejected as error:
            result.rejections.append(
                Rejection(
                    line,
                    _text(row, "record_type"),
                    _text(row, "uscc"),
                    _text(row, "reference"),
                    str(error),
                )
            )
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def rejections_write(rejections: list[Rejection], stream: TextIO) -> None:
    """The rejected rows as CSV: line, record_type, uscc, reference, reason."""
    writer = csv.writer(stream)
    writer.writerow(["line", "record_type", "uscc", "reference", "reason"])
    for item in rejections:
        writer.writerow([item.line, item.record_type, item.uscc, item.reference, item.reason])
