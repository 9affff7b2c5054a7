"""A KPI's chart series from its checkpoints, as the KPI page and the reports draw it."""

from collections.abc import Sequence
from datetime import date

from transform.charts import KpiSeries, kpi_chart_svg
from transform.models import Kpi


def kpi_series(
    kpi: Kpi,
    as_of: date | None = None,
    adoption: Sequence[tuple[date, float]] = (),
    locked_planned: bool = False,
) -> KpiSeries:
    """The current plan, the actuals (up to `as_of` when given) and, if asked, the plan
    at lock and the adoption index beside it."""
    checkpoints = sorted(kpi.checkpoints, key=lambda c: c.on_date)
    return KpiSeries(
        title=kpi.name,
        unit=kpi.unit,
        baseline=(kpi.baseline_on, kpi.baseline_value),
        target=(kpi.target_on, kpi.target_value),
        planned=[(c.on_date, c.planned_value) for c in checkpoints if c.planned_value is not None],
        actual=[
            (c.on_date, c.actual_value)
            for c in checkpoints
            if c.actual_value is not None and (as_of is None or c.on_date <= as_of)
        ],
        locked_planned=[
            (c.on_date, c.locked_planned_value)
            for c in checkpoints
            if locked_planned and c.locked_planned_value is not None
        ],
        adoption=list(adoption),
    )


def kpi_chart(kpi: Kpi, as_of: date | None = None) -> str:
    """The KPI's chart as a report prints it: plan, actuals by the date, target."""
    return kpi_chart_svg(kpi_series(kpi, as_of))
