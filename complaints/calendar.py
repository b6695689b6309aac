"""Working days under the official calendar: Monday to Friday, minus public holidays, plus the
weekend days declared working days to make up for them (调休)."""

import datetime

from complaints.models import Holiday
from portal.core.process_cache import ProcessCache

# The whole calendar (a few dozen days a year), kept per process: every complaint filed needs it.
_calendar: ProcessCache[dict[datetime.date, str]] = ProcessCache(
    "complaints.calendar", models=(Holiday,)
)


def _exceptions() -> dict[datetime.date, str]:
    return _calendar.get(None, lambda: dict(Holiday.objects.values_list("date", "kind")))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (the day of receipt does not count), e.g. a
    complaint received on Friday with a deadline of 1 working day is due on Monday."""
    exceptions = _exceptions()
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        kind = exceptions.get(day)
        if kind == Holiday.Kind.HOLIDAY:
            continue
        if kind == Holiday.Kind.WORKING_DAY or day.weekday() < 5:
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days come after `start` up to and including `end` (0 when `end` is not
    later): the inverse of `add_working_days`, whose convention it shares (the first day does
    not count). A request for information made on Friday and answered on Monday took 1."""
    exceptions = _exceptions()
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        kind = exceptions.get(day)
        if kind == Holiday.Kind.HOLIDAY:
            continue
        if kind == Holiday.Kind.WORKING_DAY or day.weekday() < 5:
            count += 1
    return count
