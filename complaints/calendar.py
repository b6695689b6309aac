"""Working days under the official calendar: Monday to Friday, minus public holidays, plus the
weekend days declared working days to make up for them (调休)."""

import datetime

from complaints.models import Holiday


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (the day of receipt does not count), e.g. a
    complaint received on Friday with a deadline of 1 working day is due on Monday."""
    # A year of calendar covers any deadline we set; one query, then pure arithmetic.
    horizon = start + datetime.timedelta(days=days * 3 + 60)
    exceptions = dict(
        Holiday.objects.filter(date__gt=start, date__lte=horizon).values_list("date", "kind")
    )
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
