"""Dates as the portal sees them, read when a test asks for them.

A module constant such as `TODAY = timezone.localdate()` is taken when pytest imports the module.
A suite that runs across midnight in the portal's time zone (Asia/Shanghai: 16:00 UTC) would
then compare yesterday's date with the code's today, and fail for no fault of the code."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    """Today in the portal's time zone (TIME_ZONE), now."""
    return timezone.localdate()
