"""A KPI's chart (plan, plan at lock, actuals, baseline and target, adoption beside) and
its sparkline. Each is drawn once per distinct series and kept: a page re-shown after a
refused edit draws nothing new, and matplotlib takes tens of milliseconds."""

import math
import threading
from dataclasses import dataclass, field
from datetime import date

from cachetools import LRUCache, cached
from matplotlib import rc_context
from matplotlib.figure import Figure

from transform.charts.svg import (
    INK,
    MUTED,
    RAG_COLOURS,
    SVG_STYLE,
    bottom_legend,
    date_axis,
    finite,
    line,
    number,
    plan_points,
    quantity,
    tidy_svg,
)
from transform.formatting import STATUS_TONES, TONES
from transform.scoring.kpi import Status

KPI_PLAN = TONES["blue"].strong
KPI_TARGET = RAG_COLOURS["green"]
KPI_ADOPTION = "#8a63d2"
STATUS_COLOURS = {status: TONES[tone].strong for status, tone in STATUS_TONES.items()}


@dataclass(frozen=True)
class KpiSeries:
    title: str
    unit: str
    baseline: tuple[date, float]
    target: tuple[date, float]
    #: The current plan.
    planned: list[tuple[date, float]]
    actual: list[tuple[date, float]]
    #: The plan when it was locked, drawn dashed when it differs from the current plan.
    locked_planned: list[tuple[date, float]] = field(default_factory=list)
    #: Adoption index (0-100) over time, drawn on a secondary axis when given.
    adoption: list[tuple[date, float]] = field(default_factory=list)


#: Distinct KPI series drawn per process; a programme has tens of KPIs.
DRAWN_KPI_CHARTS = 512


@cached(LRUCache(maxsize=DRAWN_KPI_CHARTS), key=repr, lock=threading.Lock())
def kpi_chart_svg(series: KpiSeries) -> str:
    """Plan, plan at lock and actuals of a KPI with baseline and target; adoption beside."""
    plan = plan_points(series.planned, series.baseline, series.target)
    locked = plan_points(series.locked_planned, series.baseline, series.target)
    actual = finite(series.actual)
    with rc_context(SVG_STYLE):
        figure = Figure(figsize=(7.5, 3.125), layout="constrained")
        axes = figure.add_subplot()
        handles = []
        if series.locked_planned and locked != plan:
            handles += line(axes, locked, "Plan at lock", MUTED, 1.3, linestyle=(0, (4, 3)))
        handles += line(axes, plan, "Plan", KPI_PLAN, 1.8, alpha=0.85)
        target_on, target = series.target
        axes.axhline(target, color=KPI_TARGET, linewidth=0.9, linestyle=":", zorder=1)
        handles += line(
            axes,
            [series.target],
            f"Target {quantity(target, series.unit)}",
            KPI_TARGET,
            0,
            marker="*",
            markersize=13,
            markeredgecolor="white",
            zorder=4,
        )
        if actual:
            # The actual line starts from the baseline, a measured value too.
            joined = [series.baseline, *actual] if actual[0][0] > series.baseline[0] else actual
            handles += line(
                axes,
                joined,
                "Actual",
                INK,
                2.0,
                marker="o",
                markersize=5,
                markevery=list(range(len(joined) - len(actual), len(joined))),
                zorder=5,
            )
        handles += line(
            axes,
            [series.baseline],
            f"Baseline {quantity(series.baseline[1], series.unit)}",
            INK,
            0,
            marker="o",
            markersize=7,
            markerfacecolor="white",
            markeredgewidth=1.6,
            zorder=6,
        )
        axes.set_ylabel(series.unit, color=MUTED)
        axes.margins(x=0.03, y=0.12)
        date_axis(axes)
        adoption = finite(series.adoption)
        if adoption:
            right = axes.twinx()
            handles += line(
                right,
                adoption,
                "Adoption index",
                KPI_ADOPTION,
                1.2,
                marker="s",
                markersize=3.5,
                alpha=0.8,
                zorder=2,
            )
            right.set_ylim(0, 100)
            right.set_ylabel("Adoption index", color=KPI_ADOPTION)
            right.tick_params(axis="y", colors=KPI_ADOPTION, labelsize=9)
            for side in ("top", "left", "bottom", "right"):
                right.spines[side].set_visible(False)
            # Keep the KPI lines drawn above the adoption line.
            axes.set_zorder(right.get_zorder() + 1)
            axes.patch.set_visible(False)
        bottom_legend(figure, handles, handlelength=2.2, columnspacing=1.4)
        return tidy_svg(figure, series.title)


@cached(
    LRUCache(maxsize=DRAWN_KPI_CHARTS),
    key=lambda values, status: (tuple(values), status),
    lock=threading.Lock(),
)
def sparkline_svg(values: list[float], status: str) -> str:
    """A tiny line of actual values, its last point coloured by status; no axes."""
    colour = STATUS_COLOURS[status]
    points = [value for value in values if math.isfinite(value)]
    with rc_context(SVG_STYLE):
        figure = Figure(figsize=(1.25, 0.3))
        # Margins inside the figure leave room for the last point's marker.
        axes = figure.add_axes((0.04, 0.14, 0.9, 0.72))
        axes.set_axis_off()
        if points:
            xs = list(range(len(points)))
            axes.plot(xs, points, color=MUTED, linewidth=1.3, clip_on=False)
            axes.plot(
                xs[-1],
                points[-1],
                marker="o",
                markersize=5.5,
                color=colour,
                markeredgecolor="white",
                markeredgewidth=0.6,
                clip_on=False,
            )
            low, high = min(points), max(points)
            if low == high:
                low, high = low - 1, high + 1
            axes.set_ylim(low, high)
            axes.set_xlim(min(0, len(points) - 2), len(points) - 1)
            label = f"Latest {number(points[-1])}, {Status(status).label.lower()}"
        else:
            axes.plot([0, 1], [0, 0], color=STATUS_COLOURS["no_data"], linewidth=1.2)
            axes.set_ylim(-1, 1)
            label = "No actuals yet"
        svg = tidy_svg(figure, label)
    return svg.replace('class="chart"', 'class="sparkline"', 1)
