"""What a KPI's page shows: status, chart, checkpoints, people and value, re-baselines."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from transform.charts import kpi_chart_svg
from transform.extensions import db
from transform.kpis.chart import kpi_series
from transform.kpis.queries import KpiView, adoption_series, kpi_view
from transform.models import Kpi, KpiRebaseline, Programme, User
from transform.scoring.kpi import Reading, progress, readings


@dataclass(frozen=True)
class CheckpointRow:
    on_date: date
    checkpoint_id: int
    planned: float | None
    #: The planned value when the baseline locked; None before the lock or if added since.
    planned_at_lock: float | None
    actual: float | None
    #: The reading of the actual against the plan; None without an actual.
    reading: Reading | None


@dataclass(frozen=True)
class AdoptionBeside:
    """The adoption index at a wave's close beside the KPI's latest actual by then."""

    on_date: date
    adoption_index: float
    actual: float | None
    actual_on: date | None
    progress: float | None


@dataclass(frozen=True)
class KpiPage:
    view: KpiView
    chart_svg: str
    rows: list[CheckpointRow]
    #: Whose adoption sits beside the KPI: the KPI's team, or the whole programme.
    adoption_of: str
    adoption: list[AdoptionBeside]
    rebaselines: list[KpiRebaseline]
    #: The names of the people who re-baselined, by user id.
    authors: dict[int, str]
    #: True once the current plan differs from the plan at lock somewhere.
    is_replanned: bool


def kpi_page(programme: Programme, kpi: Kpi, today: date) -> KpiPage:
    view = kpi_view(kpi)
    checkpoints = sorted(kpi.checkpoints, key=lambda c: c.on_date)
    by_date = {
        reading.on_date: reading
        for reading in readings(
            view.line, [(c.on_date, c.planned_value, c.actual_value) for c in checkpoints]
        )
    }
    rows = [
        CheckpointRow(
            c.on_date,
            c.id,
            c.planned_value,
            c.locked_planned_value,
            c.actual_value,
            by_date.get(c.on_date),
        )
        for c in checkpoints
    ]
    series = adoption_series(programme, kpi.team_id, today)
    measured = [(c.on_date, c.actual_value) for c in checkpoints if c.actual_value is not None]
    adoption = [_beside(view, day, index, measured) for day, index in series]
    is_replanned = kpi.locked_at is not None and any(
        c.locked_planned_value != c.planned_value for c in checkpoints
    )
    chart = kpi_chart_svg(kpi_series(kpi, adoption=series, locked_planned=is_replanned))
    return KpiPage(
        view=view,
        chart_svg=chart,
        rows=rows,
        adoption_of=kpi.team.name if kpi.team else "the whole programme",
        adoption=adoption,
        rebaselines=sorted(kpi.rebaselines, key=lambda r: r.changed_at, reverse=True),
        authors=_authors(kpi.rebaselines),
        is_replanned=is_replanned,
    )


def _beside(
    view: KpiView, day: date, index: float, measured: list[tuple[date, float]]
) -> AdoptionBeside:
    before = [(on, value) for on, value in measured if on <= day]
    if not before:
        return AdoptionBeside(day, index, None, None, None)
    on, value = before[-1]
    return AdoptionBeside(day, index, value, on, progress(view.line, value))


def _authors(rebaselines: list[KpiRebaseline]) -> dict[int, str]:
    ids = {r.changed_by_id for r in rebaselines if r.changed_by_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
