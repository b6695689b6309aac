"""The credit clock: publication windows, dates around every boundary, configuration."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from portal.records import credit


@dataclass
class Event:
    kind: str = credit.PENALTY
    severity: str = credit.ORDINARY
    outcome: str = ""
    list_kind: str = ""
    published_on: date | None = date(2024, 3, 1)
    public_until: date | None = None
    repaired_on: date | None = None
    starts_on: date | None = None
    scheduled_end_on: date | None = None
    removed_on: date | None = None
    repair_possible_from: date | None = None

    def __post_init__(self):
        clock = credit.clock_for(
            kind=self.kind,
            severity=self.severity,
            outcome=self.outcome,
            published_on=self.published_on,
        )
        self.public_until = clock.public_until
        self.repair_possible_from = clock.repair_possible_from


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 3, 1), 3, date(2024, 6, 1)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year clamps to the 29th
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 3, date(2024, 4, 30)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),  # over the year end
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 12, 31), 12, date(2025, 12, 31)),
        (date(2024, 3, 1), 0, date(2024, 3, 1)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert credit.add_months(start, months) == expected


@pytest.mark.parametrize(
    ("kind", "severity", "outcome", "repair_from", "public_until"),
    [
        (credit.PENALTY, "ordinary", "", date(2024, 6, 1), date(2025, 2, 28)),
        (credit.PENALTY, "serious", "", date(2024, 9, 1), date(2027, 2, 28)),
        (
            credit.INSPECTION_RESULT,
            "ordinary",
            "non_compliant",
            date(2024, 6, 1),
            date(2025, 2, 28),
        ),
        (credit.INSPECTION_RESULT, "serious", "not_located", date(2024, 9, 1), date(2027, 2, 28)),
        (credit.LIST_ENTRY, "ordinary", "", date(2024, 6, 1), date(2025, 2, 28)),
        (credit.LIST_ENTRY, "serious", "", date(2024, 9, 1), date(2027, 2, 28)),
        (credit.COMMENDATION, "", "", None, date(2027, 2, 28)),
        (credit.INSPECTION_RESULT, "", "compliant", None, date(2027, 2, 28)),
    ],
)
def test_default_windows(kind, severity, outcome, repair_from, public_until):
    clock = credit.clock_for(
        kind=kind, severity=severity, outcome=outcome, published_on=date(2024, 3, 1)
    )
    assert clock == credit.Clock(date(2024, 3, 1), repair_from, public_until)


def test_public_until_is_the_last_public_day_inclusive():
    event = Event(published_on=date(2024, 3, 1))
    assert event.public_until == date(2025, 2, 28)
    assert not credit.is_public(event, date(2024, 2, 29))  # the day before publication
    assert credit.is_public(event, date(2024, 3, 1))  # the day of publication
    assert credit.is_public(event, date(2025, 2, 28))  # the last day
    assert not credit.is_public(event, date(2025, 3, 1))  # gone the next day


@pytest.mark.parametrize(
    ("severity", "last_day"), [("ordinary", date(2025, 1, 30)), ("serious", date(2027, 1, 30))]
)
def test_window_from_month_end(severity, last_day):
    event = Event(severity=severity, published_on=date(2024, 1, 31))
    assert event.public_until == last_day
    assert credit.is_public(event, last_day)
    assert not credit.is_public(event, last_day + timedelta(days=1))


def test_repair_ends_public_display_from_its_day():
    event = Event(repaired_on=date(2024, 7, 1))
    assert credit.is_public(event, date(2024, 6, 30))
    assert not credit.is_public(event, date(2024, 7, 1))
    assert not credit.is_public(event, date(2024, 12, 1))


def test_unpublished_event_is_never_public():
    event = Event(published_on=None)
    assert event.public_until is None and event.repair_possible_from is None
    assert not credit.is_public(event, date(2024, 3, 1))


def test_negative_and_positive_kinds():
    assert credit.is_negative(kind=credit.PENALTY)
    assert credit.is_negative(kind=credit.LIST_ENTRY)
    assert credit.is_negative(kind=credit.INSPECTION_RESULT, outcome="non_compliant")
    assert credit.is_negative(kind=credit.INSPECTION_RESULT, outcome="not_located")
    assert not credit.is_negative(kind=credit.INSPECTION_RESULT, outcome="compliant")
    assert not credit.is_negative(kind=credit.COMMENDATION)


def test_periods_come_from_the_setting_key_by_key(settings):
    settings.CREDIT_CLOCK = {"ordinary": {"max_months": 6}}
    assert credit.clock_settings()["ordinary"] == {"min_months": 3, "max_months": 6}
    assert credit.clock_settings()["serious"] == {"min_months": 6, "max_months": 36}
    clock = credit.clock_for(
        kind=credit.PENALTY, severity="ordinary", published_on=date(2024, 3, 1)
    )
    assert clock.repair_possible_from == date(2024, 6, 1)
    assert clock.public_until == date(2024, 8, 31)


def test_without_the_setting_defaults_apply(settings):
    del settings.CREDIT_CLOCK
    assert credit.clock_settings() == credit.CREDIT_CLOCK_DEFAULTS


@pytest.mark.parametrize(
    ("on", "in_force"),
    [
        (date(2024, 2, 29), False),  # before the start
        (date(2024, 3, 5), True),  # the start day
        (date(2024, 8, 31), True),  # the scheduled end day
        (date(2024, 9, 1), False),  # after the scheduled end
    ],
)
def test_list_entry_in_force_until_its_scheduled_end(on, in_force):
    event = Event(
        kind=credit.LIST_ENTRY,
        list_kind="warning",
        starts_on=date(2024, 3, 5),
        scheduled_end_on=date(2024, 8, 31),
    )
    assert credit.list_entry_in_force(event, on) is in_force


def test_list_entry_in_force_until_removed():
    event = Event(
        kind=credit.LIST_ENTRY,
        list_kind="warning",
        starts_on=date(2024, 3, 1),
        removed_on=date(2024, 5, 10),
    )
    assert credit.list_entry_in_force(event, date(2024, 5, 9))
    assert not credit.list_entry_in_force(event, date(2024, 5, 10))
    assert credit.is_public(event, date(2024, 5, 10))  # still shown, with its removal


def test_only_list_entries_are_in_force():
    assert not credit.list_entry_in_force(Event(), date(2024, 5, 1))


def test_a_list_entry_is_public_for_as_long_as_it_is_in_force():
    long_listing = credit.clock_for(
        kind=credit.LIST_ENTRY,
        severity="serious",
        published_on=date(2024, 3, 1),
        in_force_until=date(2028, 6, 30),
    )
    assert long_listing.public_until == date(2028, 6, 30)
    short_listing = credit.clock_for(
        kind=credit.LIST_ENTRY,
        severity="ordinary",
        published_on=date(2024, 3, 1),
        in_force_until=date(2024, 8, 31),
    )
    assert short_listing.public_until == date(2025, 2, 28)  # the window still applies
    penalty = credit.clock_for(
        kind=credit.PENALTY,
        severity="ordinary",
        published_on=date(2024, 3, 1),
        in_force_until=date(2030, 1, 1),
    )
    assert penalty.public_until == date(2025, 2, 28)  # only list entries are extended


@pytest.mark.parametrize(
    ("scheduled_end_on", "removed_on", "expected"),
    [
        (None, None, None),
        (date(2026, 6, 30), None, date(2026, 6, 30)),
        (None, date(2025, 1, 10), date(2025, 1, 9)),
        (date(2026, 6, 30), date(2025, 1, 10), date(2025, 1, 9)),
        (date(2024, 12, 31), date(2025, 1, 10), date(2024, 12, 31)),
    ],
)
def test_list_entry_in_force_until(scheduled_end_on, removed_on, expected):
    assert (
        credit.list_entry_in_force_until(scheduled_end_on=scheduled_end_on, removed_on=removed_on)
        == expected
    )
