"""The credit clock and the credit rating, as pure functions of dates and events.

The credit clock (信用修复与公示期限)
-----------------------------------
Every published credit event is shown to the public for a limited time, counted in calendar
months from its publication date:

- an ordinary negative event (an ordinary administrative penalty, a non-compliant inspection
  result, a warning-list entry) is public for at most 1 year, and the organisation may apply for
  credit repair after 3 months;
- a serious negative event (a serious penalty, a restriction-list entry) is public for at most
  3 years, and credit repair is possible after 6 months;
- a positive event (a commendation, a compliant inspection result) is public for 3 years; there is
  nothing to repair.

`public_until` is the **last day** the event is shown (inclusive): published 2024-03-01 with a
one-year window is public until 2025-02-28 and gone on 2025-03-01. Months that are shorter than the
start day clamp to their last day (published 2024-01-31 + 3 months → repair possible from
2024-04-30). A list entry stays public at least as long as it is in force (until its scheduled
end or removal), even past the maximum period. After `public_until`, or from the day a credit
repair is granted, the event leaves the public record but stays in the private history.

The periods follow Credit China's practice and can be changed with the `CREDIT_CLOCK` setting (a
dict shaped like `CREDIT_CLOCK_DEFAULTS`; missing keys take the defaults).

The credit rating (信用评级)
---------------------------
Computed only from what the site shows on the day (see `RATING_RULE`, published word for word in
Chinese and English):

- D: on the restriction list, or a serious penalty (or serious inspection finding) is shown;
- C: otherwise, an ordinary penalty or an inspection that found a problem is shown, or the
  organisation is on the warning list;
- A: nothing negative is shown, and a commendation or an inspection that found no problem is;
- B: nothing negative and nothing positive is shown (for example, never inspected).

A record that leaves the public record (window over, or credit repair granted) stops counting; a
list entry counts only while the organisation is on the list.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from django.conf import settings

# Event kinds and their attributes as stored on CreditEvent; repeated here as plain strings so
# this module stays free of the ORM.
PENALTY = "penalty"
INSPECTION_RESULT = "inspection_result"
COMMENDATION = "commendation"
LIST_ENTRY = "list_entry"

ORDINARY = "ordinary"
SERIOUS = "serious"

COMPLIANT = "compliant"
NEGATIVE_OUTCOMES = frozenset({"non_compliant", "not_located"})

WARNING_LIST = "warning"
RESTRICTION_LIST = "restriction"

CREDIT_CLOCK_DEFAULTS: dict[str, dict[str, int]] = {
    ORDINARY: {"min_months": 3, "max_months": 12},
    SERIOUS: {"min_months": 6, "max_months": 36},
    "positive": {"max_months": 36},
}


class EventLike(Protocol):
    """What the clock and the rating read from an event (a CreditEvent or any look-alike)."""

    kind: str
    severity: str
    outcome: str
    list_kind: str
    published_on: date | None
    public_until: date | None
    repaired_on: date | None
    starts_on: date | None
    scheduled_end_on: date | None
    removed_on: date | None


@dataclass(frozen=True, slots=True)
class Clock:
    published_on: date | None
    repair_possible_from: date | None  # None: nothing to repair (positive) or not published yet
    public_until: date | None  # the last public day, inclusive


def clock_settings() -> dict[str, dict[str, int]]:
    """The periods in force: `settings.CREDIT_CLOCK` over the defaults, key by key."""
    configured: dict[str, Any] = getattr(settings, "CREDIT_CLOCK", None) or {}
    return {
        group: {**defaults, **configured.get(group, {})}
        for group, defaults in CREDIT_CLOCK_DEFAULTS.items()
    }


def add_months(start: date, months: int) -> date:
    """`start` plus whole calendar months, clamped to the end of a shorter month."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def is_negative(*, kind: str, outcome: str = "") -> bool:
    """Penalties, list entries and inspection results that found a problem count against."""
    if kind in (PENALTY, LIST_ENTRY):
        return True
    if kind == INSPECTION_RESULT:
        return outcome in NEGATIVE_OUTCOMES
    return False


def clock_for(
    *,
    kind: str,
    severity: str = "",
    outcome: str = "",
    published_on: date | None,
    in_force_until: date | None = None,
    periods: dict[str, dict[str, int]] | None = None,
) -> Clock:
    """The publication window of an event published on `published_on` (None: not published).

    `in_force_until` is the last day a list entry is in force (its scheduled end, or the day
    before its removal): an organisation is shown on a list for at least as long as it is on it,
    even past the maximum period.
    """
    if published_on is None:
        return Clock(None, None, None)
    periods = periods or clock_settings()
    if not is_negative(kind=kind, outcome=outcome):
        end = add_months(published_on, periods["positive"]["max_months"])
        return Clock(published_on, None, end - timedelta(days=1))
    group = periods[SERIOUS if severity == SERIOUS else ORDINARY]
    public_until = add_months(published_on, group["max_months"]) - timedelta(days=1)
    if kind == LIST_ENTRY and in_force_until is not None:
        public_until = max(public_until, in_force_until)
    return Clock(published_on, add_months(published_on, group["min_months"]), public_until)


def list_entry_in_force_until(
    *, scheduled_end_on: date | None, removed_on: date | None
) -> date | None:
    """The last day a list entry is in force, if it is known."""
    if removed_on is not None:
        last = removed_on - timedelta(days=1)
        return min(last, scheduled_end_on) if scheduled_end_on else last
    return scheduled_end_on


def is_public(event: EventLike, on: date) -> bool:
    """Shown to the public on `on`: published, inside its window, and not repaired by then."""
    if event.published_on is None or event.public_until is None:
        return False
    if event.repaired_on is not None and event.repaired_on <= on:
        return False
    return event.published_on <= on <= event.public_until


def list_entry_in_force(event: EventLike, on: date) -> bool:
    """A list entry puts the organisation on the list from its start until removal or its end."""
    if event.kind != LIST_ENTRY:
        return False
    starts_on = event.starts_on or event.published_on
    if starts_on is None or on < starts_on:
        return False
    if event.removed_on is not None and event.removed_on <= on:
        return False
    return not (event.scheduled_end_on is not None and event.scheduled_end_on < on)


# ---------------------------------------------------------------------------------------------
# The rating
# ---------------------------------------------------------------------------------------------

RATING_A, RATING_B, RATING_C, RATING_D = "A", "B", "C", "D"

RATING_RULE = {
    "zh-hans": (
        "信用等级只根据本平台当日公示中的信用记录计算，每晚及记录变更时重新计算。"
        "D级：在严重失信主体名单（限制名单）上，或有一项严重行政处罚（或严重违规检查结果）处于公示期。"
        "C级：不属于D级，但有一项一般行政处罚或检查发现问题处于公示期，或在警示名单上。"
        "A级：没有任何处于公示期的负面记录，且有表彰或“未发现问题”的检查结果处于公示期。"
        "B级：其余情形，即没有处于公示期的负面记录，也没有处于公示期的正面记录（例如从未被抽查）。"
        "负面记录公示期满或经信用修复后不再公示，也不再影响等级。"
    ),
    "en": (
        "The rating is computed only from the credit records this site shows on the day, every "
        "night and whenever a record changes. "
        "D: on the restriction list, or a serious administrative penalty (or a serious inspection "
        "finding) is currently shown. "
        "C: not D, but an ordinary penalty or an inspection that found a problem is currently "
        "shown, or the organisation is on the warning list. "
        "A: no negative record is shown, and a commendation or an inspection that found no "
        "problem is shown. "
        "B: everything else: nothing negative and nothing positive is shown (for example, never "
        "inspected). "
        "A negative record stops counting once its publication period ends or its credit repair "
        "is granted."
    ),
}


def rating_for(events: Iterable[EventLike], on: date) -> str:
    """The rating A–D on `on`, from an organisation's events (all of them: non-public ones are
    ignored here, so callers may pass the full history). See `RATING_RULE`."""
    rating = RATING_B
    has_positive = False
    for event in events:
        if not is_public(event, on):
            continue
        if event.kind == LIST_ENTRY:
            if not list_entry_in_force(event, on):
                continue  # shown with its removal, but no longer a listing
            if event.list_kind == RESTRICTION_LIST:
                return RATING_D
            rating = RATING_C
        elif is_negative(kind=event.kind, outcome=event.outcome):
            if event.severity == SERIOUS:
                return RATING_D
            rating = RATING_C
        else:
            has_positive = True
    if rating == RATING_B and has_positive:
        return RATING_A
    return rating


def clock_apply(event: Any, periods: dict[str, dict[str, int]] | None = None) -> None:
    """Set a credit event's stored clock fields (`repair_possible_from`, `public_until`) from
    its kind, severity, outcome, publication and list dates. Services and bulk loaders both use
    this, so stored clocks never disagree with `clock_for`."""
    clock = clock_for(
        kind=event.kind,
        severity=event.severity,
        outcome=event.outcome,
        published_on=event.published_on,
        in_force_until=list_entry_in_force_until(
            scheduled_end_on=event.scheduled_end_on, removed_on=event.removed_on
        ),
        periods=periods,
    )
    event.repair_possible_from = clock.repair_possible_from
    event.public_until = clock.public_until
