"""What every KPI page shows: each KPI with its line, status and latest reading.

The arithmetic is the scoring core's (`transform.scoring.kpi`); this module only loads
the rows it needs, in a fixed number of queries however many KPIs a programme has.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from transform.charts import sparkline_svg
from transform.extensions import db
from transform.indices.history import team_history
from transform.indices.service import adkar_waves, wave_total
from transform.models import Checkpoint, Kpi, Perspective, Programme
from transform.scoring.anonymity import CellState
from transform.scoring.kpi import KpiLine, KpiStatus, Status, kpi_status

#: Kaplan and Norton's order: the outcome first, the drivers after.
PERSPECTIVE_ORDER = {perspective: index for index, perspective in enumerate(Perspective)}


@dataclass(frozen=True)
class KpiView:
    kpi: Kpi
    line: KpiLine
    status: KpiStatus
    latest_actual: float | None
    latest_on: date | None
    #: Progress of the latest actual from baseline to target, as a fraction.
    progress: float | None
    #: Progress the plan expected by the latest actual's date, as a fraction.
    planned_progress: float | None
    #: Every measured value, oldest first (for the sparkline).
    actual_values: list[float]


@dataclass(frozen=True)
class PerspectiveGroup:
    perspective: Perspective
    views: list[KpiView]


@dataclass(frozen=True)
class Scorecard:
    #: Perspectives with at least one KPI, in Kaplan and Norton's order.
    groups: list[PerspectiveGroup]
    #: KPIs per status, every status present (zero when none).
    counts: dict[Status, int]
    #: The sparkline SVG of each KPI's actuals, by KPI id.
    sparklines: dict[int, str]

    @property
    def is_empty(self) -> bool:
        return not self.groups


def kpi_line(kpi: Kpi, programme: Programme) -> KpiLine:
    """The KPI's baseline, target and tolerances (its own, else the programme's)."""
    return KpiLine(
        baseline=kpi.baseline_value,
        baseline_on=kpi.baseline_on,
        target=kpi.target_value,
        target_on=kpi.target_on,
        at_risk=_first_set(kpi.at_risk_tolerance, programme.kpi_at_risk_tolerance),
        off_track=_first_set(kpi.off_track_tolerance, programme.kpi_off_track_tolerance),
    )


def kpi_views(programme: Programme, as_of: date | None = None) -> list[KpiView]:
    """Every KPI of the programme by perspective, then name: two queries in all.

    With `as_of`, only the checkpoints on or before that date count, as a report for
    that date saw them.
    """
    conditions = [Kpi.programme_id == programme.id]
    if as_of is not None:
        conditions.append(Checkpoint.on_date <= as_of)
    kpis = db.session.scalars(
        select(Kpi)
        .where(Kpi.programme_id == programme.id)
        .options(joinedload(Kpi.team), joinedload(Kpi.owner))
    ).all()
    rows: dict[int, list[tuple[date, float | None, float | None]]] = defaultdict(list)
    for kpi_id, on_date, planned, actual in db.session.execute(
        select(
            Checkpoint.kpi_id,
            Checkpoint.on_date,
            Checkpoint.planned_value,
            Checkpoint.actual_value,
        )
        .join(Kpi, Kpi.id == Checkpoint.kpi_id)
        .where(*conditions)
        .order_by(Checkpoint.kpi_id, Checkpoint.on_date)
    ):
        rows[kpi_id].append((on_date, planned, actual))
    ordered = sorted(
        kpis, key=lambda k: (PERSPECTIVE_ORDER[k.perspective], k.name.casefold(), k.id)
    )
    return [_view(kpi, programme, rows[kpi.id]) for kpi in ordered]


def scorecard(programme: Programme) -> Scorecard:
    """The programme's KPIs grouped by perspective, with status counts and sparklines."""
    views = kpi_views(programme)
    groups = [
        PerspectiveGroup(perspective, members)
        for perspective in Perspective
        if (members := [v for v in views if v.kpi.perspective == perspective])
    ]
    counts = {status: 0 for status in Status}
    for view in views:
        counts[view.status.status] += 1
    sparklines = {
        view.kpi.id: sparkline_svg(view.actual_values, view.status.status.value) for view in views
    }
    return Scorecard(groups, counts, sparklines)


def kpi_view(kpi: Kpi) -> KpiView:
    """One KPI's view, from its own checkpoints."""
    checkpoints = [(c.on_date, c.planned_value, c.actual_value) for c in kpi.checkpoints]
    return _view(kpi, kpi.programme, sorted(checkpoints, key=lambda c: c[0]))


def adoption_series(
    programme: Programme, team_id: int | None, as_of: date
) -> list[tuple[date, float]]:
    """The adoption index of each ADKAR wave opened by `as_of`, at its close (as of then
    while it is open), oldest first: the team's pooled subtree, or the whole programme for
    None. Only responses submitted by `as_of` count; a suppressed or missing figure is left
    out."""
    if team_id is not None:
        return [
            (min(point.wave.closes_on, as_of), point.adoption_index.value)
            for point in team_history(programme, team_id, as_of).points
            if _shown(point.state, point.adoption_index)
        ]
    series = []
    for wave in reversed(adkar_waves(programme, opened_by=as_of)):
        total = wave_total(programme, wave, min(wave.closes_on, as_of))
        if _shown(total.state, total.adoption_index):
            series.append((min(wave.closes_on, as_of), total.adoption_index.value))
    return series


def _shown(state, estimate) -> bool:
    return state == CellState.SHOWN and estimate is not None and estimate.value is not None


def _view(
    kpi: Kpi, programme: Programme, checkpoints: list[tuple[date, float | None, float | None]]
) -> KpiView:
    line = kpi_line(kpi, programme)
    status = kpi_status(line, checkpoints)
    latest = status.latest
    return KpiView(
        kpi=kpi,
        line=line,
        status=status,
        latest_actual=latest.actual if latest else None,
        latest_on=latest.on_date if latest else None,
        progress=latest.progress if latest else None,
        planned_progress=latest.planned_progress if latest else None,
        actual_values=[actual for _, _, actual in checkpoints if actual is not None],
    )


def _first_set(own: float | None, default: float) -> float:
    return default if own is None else own


__all__ = [
    "KpiView",
    "PerspectiveGroup",
    "Scorecard",
    "adoption_series",
    "kpi_line",
    "kpi_view",
    "kpi_views",
    "scorecard",
]
