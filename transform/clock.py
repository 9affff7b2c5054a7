"""The app's one clock: every module asks here what today and now are, and tests set it.

Nothing else in transform reads the system clock for a date or a moment (a test keeps it
so). Tests move the clock with `set_to`; it keeps ticking from there, so timestamps
taken one after another still follow each other. Durations (timeouts, cache windows)
are measured on `time.monotonic`, which this clock does not touch.
"""

from datetime import UTC, date, datetime, time, timedelta

#: How far the app's clock is from the system clock; zero unless a test moved it.
_shift = timedelta(0)


def system_now() -> datetime:
    """The system clock itself, never moved: only for comparing with stamps the operating
    system writes (file times) and for measuring how far a test moved the app's clock."""
    return datetime.now(UTC)


def now() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return system_now() + _shift


def utcnow() -> datetime:
    """Naive UTC now: every timestamp is stored as naive UTC on both databases."""
    return now().replace(tzinfo=None)


def today() -> date:
    """Today's date where the app runs (its local time zone), as `date.today()` would say."""
    return now().astimezone().date()


def set_to(moment: datetime | date) -> None:
    """Move the clock to `moment` (a date means its local noon); it ticks on from there."""
    global _shift
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(12, 0)).astimezone()
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    _shift = moment - system_now()


def reset() -> None:
    """Back to the system clock."""
    global _shift
    _shift = timedelta(0)


def end_of_day(day: date) -> datetime:
    """The first stored moment after a day: what happened "by" the day came before it.

    Timestamps are stored as naive UTC and days are compared as such.
    """
    return datetime.combine(day + timedelta(days=1), time.min)
