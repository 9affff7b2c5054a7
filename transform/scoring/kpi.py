"""KPI progress against plan, and the status and trend it gives.

Progress is the share of the distance from baseline to target covered by a value:
(value - baseline) / (target - baseline). A KPI where lower is better has its target
below its baseline, so the same formula serves both directions: 0 at the baseline, 1 at
the target, below 0 when the KPI moved the wrong way, above 1 past the target.

Planned progress at a date comes from the planned checkpoints, interpolated linearly in
time between neighbours, with the baseline and the target as the first and last points;
without planned checkpoints it is a straight line from baseline to target. A plan can be
drafted along a shape (straight line, front-loaded, back-loaded) with planned_values.

The gap is planned minus actual progress (positive = behind plan). A reading is on track
while the gap is at most the at-risk tolerance, at risk up to the off-track tolerance,
and off track beyond it. Being ahead of plan is on track. The trend compares the gap of
the latest reading with the one before.
"""

import bisect
import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

#: Programme default tolerances, in progress fractions behind plan.
DEFAULT_AT_RISK = 0.10
DEFAULT_OFF_TRACK = 0.25
#: Change in the gap, as a progress fraction, beyond which a KPI improves or worsens.
TREND_STEP = 0.02
# A gap exactly at a tolerance counts as the better status; progress fractions computed
# from decimal values land a hair either side of it (0.8 - 0.7 = 0.10000000000000009).
_EPSILON = 1e-9


class Status(enum.StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.OFF_TRACK: "Off track",
    Status.NO_DATA: "No actuals yet",
}


class Shape(enum.StrEnum):
    LINEAR = "linear"
    FRONT_LOADED = "front_loaded"
    BACK_LOADED = "back_loaded"

    @property
    def label(self) -> str:
        return _SHAPE_LABELS[self]


_SHAPE_LABELS = {
    Shape.LINEAR: "Straight line",
    Shape.FRONT_LOADED: "Front-loaded",
    Shape.BACK_LOADED: "Back-loaded",
}


class Trend(enum.StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    STEADY = "steady"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class KpiLine:
    baseline: float
    baseline_on: date
    target: float
    target_on: date
    #: Tolerances in progress fractions (0.10 = 10 points of progress behind plan).
    at_risk: float
    off_track: float


@dataclass(frozen=True)
class Reading:
    on_date: date
    actual: float
    progress: float
    planned_progress: float
    #: Planned minus actual progress: positive is behind plan.
    gap: float
    status: Status


@dataclass(frozen=True)
class KpiStatus:
    #: Status of the latest reading; NO_DATA without actuals.
    status: Status
    latest: Reading | None
    previous: Reading | None
    #: Gap narrowing by more than TREND_STEP = improving, widening by more = worsening,
    #: else steady; None with fewer than two readings.
    trend: Trend | None


Checkpoint = tuple[date, float | None, float | None]


def progress(line: KpiLine, value: float) -> float:
    """Share of the baseline-to-target distance covered by `value`, unclamped."""
    if line.target == line.baseline:
        raise ValueError(f"the target equals the baseline ({line.target:g}): no distance")
    return (value - line.baseline) / (line.target - line.baseline)


def shape_fraction(shape: Shape, t: float) -> float:
    """Share of the distance planned by time fraction `t` (clamped to 0-1) for a shape."""
    t = min(1.0, max(0.0, t))
    if shape == Shape.FRONT_LOADED:
        return 1.0 - (1.0 - t) ** 2
    if shape == Shape.BACK_LOADED:
        return t**2
    return t


def planned_values(line: KpiLine, dates: Sequence[date], shape: Shape) -> list[float]:
    """Planned values on `dates` along `shape`, from the baseline to the target."""
    span = _span_days(line)
    values = []
    for day in dates:
        if not line.baseline_on <= day <= line.target_on:
            raise ValueError(
                f"{day.isoformat()} is outside the KPI's span "
                f"{line.baseline_on.isoformat()} to {line.target_on.isoformat()}"
            )
        fraction = shape_fraction(shape, (day - line.baseline_on).days / span)
        values.append(line.baseline + (line.target - line.baseline) * fraction)
    return values


def planned_progress_at(line: KpiLine, day: date, planned: Sequence[tuple[date, float]]) -> float:
    """Planned progress on `day`, interpolated between the planned checkpoints."""
    _span_days(line)
    day = min(line.target_on, max(line.baseline_on, day))
    # Checkpoints outside the span cannot be reached once `day` is clamped into it; a
    # checkpoint on the baseline or target date replaces that end (the last one given
    # wins on a date given twice).
    points = {line.baseline_on: line.baseline, line.target_on: line.target}
    points.update((on, value) for on, value in planned if _within(line, on))
    dates = sorted(points)
    index = bisect.bisect_left(dates, day)
    after = dates[index]
    if after == day:
        return progress(line, points[day])
    before = dates[index - 1]
    share = (day - before).days / (after - before).days
    return progress(line, points[before] + (points[after] - points[before]) * share)


def status_of(
    actual_progress: float, planned_progress: float, at_risk: float, off_track: float
) -> Status:
    """On track, at risk or off track by how far actual progress is behind plan."""
    if not 0 <= at_risk <= off_track:
        raise ValueError(
            f"tolerances must satisfy 0 <= at risk <= off track, got {at_risk} and {off_track}"
        )
    if not (math.isfinite(actual_progress) and math.isfinite(planned_progress)):
        raise ValueError(f"progress must be finite, got {actual_progress}, {planned_progress}")
    gap = planned_progress - actual_progress
    if gap <= at_risk + _EPSILON:
        return Status.ON_TRACK
    if gap <= off_track + _EPSILON:
        return Status.AT_RISK
    return Status.OFF_TRACK


def readings(line: KpiLine, checkpoints: Sequence[Checkpoint]) -> list[Reading]:
    """One reading per checkpoint with an actual value, oldest first."""
    planned = [(on, value) for on, value, _ in checkpoints if value is not None]
    result = []
    for on, _, actual in sorted(checkpoints, key=lambda checkpoint: checkpoint[0]):
        if actual is None:
            continue
        done = progress(line, actual)
        plan = planned_progress_at(line, on, planned)
        status = status_of(done, plan, line.at_risk, line.off_track)
        result.append(Reading(on, actual, done, plan, plan - done, status))
    return result


def kpi_status(line: KpiLine, checkpoints: Sequence[Checkpoint]) -> KpiStatus:
    """The KPI's status from its latest reading, and its trend since the one before."""
    found = readings(line, checkpoints)
    if not found:
        return KpiStatus(Status.NO_DATA, None, None, None)
    latest = found[-1]
    if len(found) == 1:
        return KpiStatus(latest.status, latest, None, None)
    previous = found[-2]
    change = latest.gap - previous.gap
    if change < -TREND_STEP - _EPSILON:
        trend = Trend.IMPROVING
    elif change > TREND_STEP + _EPSILON:
        trend = Trend.WORSENING
    else:
        trend = Trend.STEADY
    return KpiStatus(latest.status, latest, previous, trend)


def value_problem(
    value: float, min_value: float | None, max_value: float | None, unit: str
) -> str | None:
    """What is wrong with a KPI value for its field, or None when nothing is."""
    if not math.isfinite(value):
        return "must be a finite number"
    if min_value is not None and value < min_value:
        return f"must be at least {_amount(min_value, unit)}"
    if max_value is not None and value > max_value:
        return f"must be at most {_amount(max_value, unit)}"
    return None


def _span_days(line: KpiLine) -> int:
    span = (line.target_on - line.baseline_on).days
    if span <= 0:
        raise ValueError(
            f"the target date {line.target_on.isoformat()} must be after "
            f"the baseline date {line.baseline_on.isoformat()}"
        )
    return span


def _within(line: KpiLine, on: date) -> bool:
    return line.baseline_on <= on <= line.target_on


def _amount(number: float, unit: str) -> str:
    text = f"{number:,.12g}"
    return f"{text} {unit}".strip()
