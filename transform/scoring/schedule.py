"""Schedule variance of a phase: planned percent complete by a date against actual.

Planned percent complete is the share of the phase's planned span elapsed by `today`
(a straight line from 0% on the planned start to 100% on the planned end). Actual
percent complete is the share of the phase's activities done. The variance is actual
minus planned, in percentage points; negative means behind plan.

RAG: a complete phase is green; otherwise red when the variance is below
RED_VARIANCE, amber below AMBER_VARIANCE, else green. A phase not yet due to start is
green whatever its activities say.
"""

import enum
from dataclasses import dataclass
from datetime import date

#: Points behind plan at which a phase turns amber, and red.
AMBER_VARIANCE = -10.0
RED_VARIANCE = -25.0


class Rag(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class ScheduleVariance:
    planned_percent: float
    actual_percent: float
    variance: float
    rag: Rag


def planned_percent(planned_start: date, planned_end: date, today: date) -> float:
    """Share of the planned span elapsed by the end of `today`, 0-100."""
    span_days = (planned_end - planned_start).days + 1
    elapsed_days = (today - planned_start).days + 1
    return max(0.0, min(100.0, 100.0 * elapsed_days / span_days))


def schedule_variance(
    planned_start: date,
    planned_end: date,
    activities_total: int,
    activities_done: int,
    is_complete: bool,
    today: date,
) -> ScheduleVariance:
    """Planned against actual percent complete for one phase, with its RAG status."""
    planned = planned_percent(planned_start, planned_end, today)
    if is_complete:
        actual = 100.0
    elif activities_total:
        actual = 100.0 * activities_done / activities_total
    else:
        actual = 0.0
    variance = actual - planned
    if is_complete or variance >= AMBER_VARIANCE:
        rag = Rag.GREEN
    elif variance >= RED_VARIANCE:
        rag = Rag.AMBER
    else:
        rag = Rag.RED
    return ScheduleVariance(planned, actual, variance, rag)
