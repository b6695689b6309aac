"""The credit rating A–D: a pure function of the events on a date, and its published rule."""

from dataclasses import dataclass
from datetime import date

import pytest

from portal.records import credit

PUBLISHED = date(2024, 3, 1)


@dataclass
class Event:
    kind: str = credit.PENALTY
    severity: str = credit.ORDINARY
    outcome: str = ""
    list_kind: str = ""
    published_on: date | None = PUBLISHED
    public_until: date | None = None
    repaired_on: date | None = None
    starts_on: date | None = None
    scheduled_end_on: date | None = None
    removed_on: date | None = None

    def __post_init__(self):
        self.public_until = credit.clock_for(
            kind=self.kind,
            severity=self.severity,
            outcome=self.outcome,
            published_on=self.published_on,
        ).public_until


def penalty(severity="ordinary", **kwargs):
    return Event(kind=credit.PENALTY, severity=severity, **kwargs)


def inspection(outcome, severity="ordinary", **kwargs):
    if outcome == "compliant":
        severity = ""
    return Event(kind=credit.INSPECTION_RESULT, severity=severity, outcome=outcome, **kwargs)


def listing(list_kind, **kwargs):
    severity = "serious" if list_kind == "restriction" else "ordinary"
    kwargs.setdefault("starts_on", PUBLISHED)
    return Event(kind=credit.LIST_ENTRY, severity=severity, list_kind=list_kind, **kwargs)


def commendation(**kwargs):
    return Event(kind=credit.COMMENDATION, severity="", **kwargs)


ON = date(2024, 6, 1)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([], "B"),
        ([commendation()], "A"),
        ([inspection("compliant")], "A"),
        ([penalty()], "C"),
        ([inspection("non_compliant")], "C"),
        ([inspection("not_located")], "C"),
        ([listing("warning")], "C"),
        ([penalty("serious")], "D"),
        ([inspection("non_compliant", severity="serious")], "D"),
        ([listing("restriction")], "D"),
        ([commendation(), penalty()], "C"),  # negative outweighs positive
        ([commendation(), penalty("serious")], "D"),
        ([penalty(), listing("restriction")], "D"),
        ([listing("warning"), penalty()], "C"),
        ([inspection("compliant"), commendation()], "A"),
    ],
)
def test_rating_from_public_events(events, expected):
    assert credit.rating_for(events, ON) == expected


def test_order_of_events_does_not_matter():
    events = [penalty(), commendation(), penalty("serious"), listing("warning")]
    assert credit.rating_for(events, ON) == credit.rating_for(list(reversed(events)), ON) == "D"


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2024, 2, 29), "B"),  # not yet published
        (date(2024, 3, 1), "C"),  # published today
        (date(2025, 2, 28), "C"),  # the last public day of an ordinary penalty
        (date(2025, 3, 1), "B"),  # left the public record
    ],
)
def test_ordinary_penalty_counts_only_inside_its_window(on, expected):
    assert credit.rating_for([penalty()], on) == expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2027, 2, 28), "D"),
        (date(2027, 3, 1), "B"),
    ],
)
def test_serious_penalty_counts_for_three_years(on, expected):
    assert credit.rating_for([penalty("serious")], on) == expected


def test_commendation_counts_for_three_years():
    assert credit.rating_for([commendation()], date(2027, 2, 28)) == "A"
    assert credit.rating_for([commendation()], date(2027, 3, 1)) == "B"


def test_expired_penalty_no_longer_hides_a_commendation():
    events = [penalty(), commendation()]
    assert credit.rating_for(events, date(2025, 2, 28)) == "C"
    assert credit.rating_for(events, date(2025, 3, 1)) == "A"


def test_repaired_penalty_stops_counting_on_the_repair_day():
    events = [penalty("serious", repaired_on=date(2024, 9, 1))]
    assert credit.rating_for(events, date(2024, 8, 31)) == "D"
    assert credit.rating_for(events, date(2024, 9, 1)) == "B"


def test_removed_list_entry_stops_counting_on_the_removal_day():
    events = [listing("restriction", removed_on=date(2024, 5, 10))]
    assert credit.rating_for(events, date(2024, 5, 9)) == "D"
    assert credit.rating_for(events, date(2024, 5, 10)) == "B"


def test_list_entry_counts_from_its_start_until_its_scheduled_end():
    events = [listing("warning", starts_on=date(2024, 4, 1), scheduled_end_on=date(2024, 9, 30))]
    assert credit.rating_for(events, date(2024, 3, 31)) == "B"
    assert credit.rating_for(events, date(2024, 4, 1)) == "C"
    assert credit.rating_for(events, date(2024, 9, 30)) == "C"
    assert credit.rating_for(events, date(2024, 10, 1)) == "B"


def test_the_rule_is_published_in_both_languages():
    assert set(credit.RATING_RULE) == {"zh-hans", "en"}
    for text in credit.RATING_RULE.values():
        for grade in "ABCD":
            assert grade in text
    assert "限制名单" in credit.RATING_RULE["zh-hans"]
    assert "restriction list" in credit.RATING_RULE["en"]
