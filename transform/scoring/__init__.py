"""The scoring core: pure functions over plain values and pandas frames.

No Flask, no SQLAlchemy, no I/O, no clock: callers pass `today` and data in.
"""

from transform.scoring.estimate import CONFIDENCE, Estimate
from transform.scoring.schedule import (
    AMBER_VARIANCE,
    RED_VARIANCE,
    Rag,
    ScheduleVariance,
    schedule_variance,
)

__all__ = [
    "AMBER_VARIANCE",
    "CONFIDENCE",
    "Estimate",
    "RED_VARIANCE",
    "Rag",
    "ScheduleVariance",
    "schedule_variance",
]
