"""Date arithmetic for the demo: everything is placed relative to the day it is built for."""

import calendar
import random
from datetime import date, datetime, time, timedelta

#: The demo's seed; every random stream is derived from it so a given day gives the same data.
SEED = 2026


def demo_rng(purpose: str) -> random.Random:
    """Return a seeded random stream for one purpose, independent of the other streams."""
    return random.Random(f"{SEED}:{purpose}")


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (or earlier), clamped to the month's end."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def weeks_after(day: date, weeks: float) -> date:
    """The day `weeks` weeks after `day`, rounded to whole days."""
    return day + timedelta(days=round(weeks * 7))


def month_ends_between(start: date, end: date) -> list[date]:
    """Month-end dates strictly after start and before end, then end itself."""
    days = []
    cursor = start
    while True:
        last = calendar.monthrange(cursor.year, cursor.month)[1]
        month_end = date(cursor.year, cursor.month, last)
        if month_end >= end:
            break
        if month_end > start:
            days.append(month_end)
        cursor = month_end + timedelta(days=1)
    days.append(end)
    return days


def months_between(start: date, end: date) -> float:
    """Average-length months from start to end, as a fraction."""
    return (end - start).days / 30.44


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A naive UTC timestamp on a demo day, for created/decided/submitted columns."""
    return datetime.combine(day, time(hour, minute))


def random_day(rng: random.Random, first: date, last: date) -> date:
    """A day between first and last inclusive."""
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
