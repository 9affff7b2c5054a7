"""The themes page's data: barrier and stage counts over the last months."""

from datetime import date

from transform.feedback import queries
from transform.models import Adkar, BarrierCategory, Programme
from transform.scoring.themes import barrier_counts, month_keys, stage_counts

THEME_MONTHS = 6


def _month_label(key: str) -> str:
    """ "2026-06" as "Jun 26"."""
    return date(int(key[:4]), int(key[5:]), 1).strftime("%b %y")


def _months_before(day: date, months: int) -> date:
    """The first day of the month `months` before the month of `day`."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def themes_context(programme: Programme, filters: queries.FeedFilters, today: date) -> dict:
    """Counts per barrier and per ADKAR stage for each month of the window."""
    last = filters.date_to or today
    first = filters.date_from or _months_before(last, THEME_MONTHS - 1)
    months = month_keys(first.strftime("%Y-%m"), last.strftime("%Y-%m"))
    window = queries.FeedFilters(**{**filters.__dict__, "date_from": first, "date_to": last})
    entries = queries.themes_frame(programme, window)
    barriers = barrier_counts(entries, months)
    stages = stage_counts(entries, months, [stage.value for stage in Adkar])
    return {
        "months": [_month_label(month) for month in months],
        "barrier_rows": [
            (BarrierCategory(code).label, [int(n) for n in counts], int(counts.sum()))
            for code, counts in barriers.iterrows()
        ],
        "stage_rows": [
            (Adkar(code).label, [int(n) for n in counts], int(counts.sum()))
            for code, counts in stages.iterrows()
        ],
        "entry_count": len(entries),
        "window": (first, last),
    }
