"""When a KPI is checked: month or quarter ends from its baseline to its target date."""

import calendar
from datetime import date, timedelta

EVERY_MONTHS = {"monthly": 1, "quarterly": 3}


def checkpoint_dates(start: date, end: date, every: str = "monthly") -> list[date]:
    """Month ends (or quarter ends: March, June, September, December) strictly after
    `start` and before `end`, then `end` itself: the target date is always checked."""
    if every not in EVERY_MONTHS:
        raise ValueError(f"checkpoints come monthly or quarterly, not {every!r}")
    if end <= start:
        raise ValueError("the end must come after the start")
    step = EVERY_MONTHS[every]
    days = []
    cursor = date(start.year, start.month, 1)
    while True:
        month_end = date(
            cursor.year, cursor.month, calendar.monthrange(cursor.year, cursor.month)[1]
        )
        if month_end >= end:
            break
        if month_end > start and cursor.month % step == 0:
            days.append(month_end)
        cursor = month_end + timedelta(days=1)
    days.append(end)
    return days
