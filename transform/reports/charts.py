"""Charts as SVG, drawn by matplotlib from plain data; the pages and the PDFs share them.

Only the object-oriented Figure API is used (no pyplot), so drawing is thread-safe and
needs no display. Text stays text in the SVG, so it takes the page's or report's font.
A KPI's chart and sparkline are drawn once per distinct series and kept (a page that is
re-shown after a refused edit draws nothing new); matplotlib takes tens of milliseconds.
"""

import io
import math
import re
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta

import matplotlib.dates as mdates
from cachetools import LRUCache, cached
from markupsafe import escape
from matplotlib import rc_context
from matplotlib.figure import Figure

from transform.scoring.bands import CAUTION_FROM, READY_FROM, band
from transform.scoring.kpi import Status

INK = "#1c2430"
MUTED = "#6b7280"
LINE = "#dde3ea"
PLANNED = "#c9d8e8"
RAG_COLOURS = {"green": "#1e7b4c", "amber": "#d08a00", "red": "#b42318"}
GATE_COLOURS = {
    "open": "#9aa4b2",
    "submitted": "#175cd3",
    "approved": "#1e7b4c",
    "deferred": "#d08a00",
    "rejected": "#b42318",
}
# User text (phase names, KPI titles, units such as "$") is drawn as typed, never parsed
# as mathtext. A fixed hash salt makes the same chart the same SVG (matplotlib salts its
# element ids with a random uuid otherwise), so a report's fingerprint tells real change.
SVG_STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "transform",
    "font.family": "sans-serif",
    "font.size": 10,
    "text.parse_math": False,
}


@dataclass(frozen=True)
class TimelineRow:
    label: str
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    rag: str
    gate_status: str | None


def timeline_svg(rows: list[TimelineRow], today: date, title: str) -> str:
    """A Gantt chart: planned bars, actual bars coloured by RAG, gates, a today line."""
    with rc_context(SVG_STYLE):
        figure = Figure(figsize=(10, 0.7 * len(rows) + 1.4), layout="constrained")
        axes = figure.add_subplot()
        for index, row in enumerate(rows):
            y = len(rows) - 1 - index
            _bar(axes, y, row.planned_start, row.planned_end, 0.55, PLANNED)
            if row.actual_start:
                actual_end = row.actual_end or max(today, row.actual_start)
                _bar(axes, y, row.actual_start, actual_end, 0.25, RAG_COLOURS[row.rag])
            if row.gate_status:
                axes.plot(
                    mdates.date2num(row.planned_end + timedelta(days=1)),
                    y,
                    marker="D",
                    markersize=9,
                    color=GATE_COLOURS[row.gate_status],
                    markeredgecolor="white",
                    zorder=3,
                )
        axes.axvline(mdates.date2num(today), color=INK, linewidth=1.2, linestyle="--")
        axes.annotate(
            "today", (mdates.date2num(today), len(rows) - 0.45), color=INK, ha="center", fontsize=9
        )
        axes.set_yticks(range(len(rows)), [r.label for r in reversed(rows)], color=INK)
        axes.set_ylim(-0.7, len(rows) - 0.2)
        locator = mdates.AutoDateLocator(minticks=4, maxticks=14)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        axes.tick_params(axis="x", colors=MUTED, labelsize=9)
        axes.grid(axis="x", color=LINE, linewidth=0.8)
        axes.set_axisbelow(True)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.spines["bottom"].set_color(LINE)
        return _tidy_svg(figure, title)


def _bar(axes, y: float, start: date, end: date, height: float, colour: str) -> None:
    left = mdates.date2num(start)
    width = mdates.date2num(end + timedelta(days=1)) - left
    axes.barh(y, width, left=left, height=height, color=colour, edgecolor="none")


def _to_svg(figure: Figure, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    # Keep only the <svg> element, marked as an image with an accessible name.
    svg = svg[svg.index("<svg") :]
    label = escape(title)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="chart" ', 1)


# KPI charts ----------------------------------------------------------------------------

KPI_PLAN = "#175cd3"
KPI_TARGET = RAG_COLOURS["green"]
KPI_ADOPTION = "#8a63d2"
STATUS_COLOURS = {
    "on_track": RAG_COLOURS["green"],
    "at_risk": RAG_COLOURS["amber"],
    "off_track": RAG_COLOURS["red"],
    "no_data": "#9aa4b2",
}


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
    plan = _plan_points(series.planned, series.baseline, series.target)
    locked = _plan_points(series.locked_planned, series.baseline, series.target)
    actual = _finite(series.actual)
    with rc_context(SVG_STYLE):
        figure = Figure(figsize=(7.5, 3.125), layout="constrained")
        axes = figure.add_subplot()
        handles = []
        if series.locked_planned and locked != plan:
            handles += _line(axes, locked, "Plan at lock", MUTED, 1.3, linestyle=(0, (4, 3)))
        handles += _line(axes, plan, "Plan", KPI_PLAN, 1.8, alpha=0.85)
        target_on, target = series.target
        axes.axhline(target, color=KPI_TARGET, linewidth=0.9, linestyle=":", zorder=1)
        handles += _line(
            axes,
            [series.target],
            f"Target {_quantity(target, series.unit)}",
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
            handles += _line(
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
        handles += _line(
            axes,
            [series.baseline],
            f"Baseline {_quantity(series.baseline[1], series.unit)}",
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
        _date_axis(axes)
        adoption = _finite(series.adoption)
        if adoption:
            right = axes.twinx()
            handles += _line(
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
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=len(handles),
            frameon=False,
            fontsize=9,
            handlelength=2.2,
            columnspacing=1.4,
            labelcolor=INK,
        )
        return _tidy_svg(figure, series.title)


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
            label = f"Latest {_number(points[-1])}, {Status(status).label.lower()}"
        else:
            axes.plot([0, 1], [0, 0], color=STATUS_COLOURS["no_data"], linewidth=1.2)
            axes.set_ylim(-1, 1)
            label = "No actuals yet"
        svg = _tidy_svg(figure, label)
    return svg.replace('class="chart"', 'class="sparkline"', 1)


def _plan_points(planned, baseline, target) -> list[tuple[date, float]]:
    # As in scoring.kpi: the baseline and target are the ends unless a checkpoint is on
    # their date.
    points = dict([baseline, target])
    points.update(_finite(planned))
    return sorted(points.items())


def _finite(points) -> list[tuple[date, float]]:
    return sorted((on, value) for on, value in points if math.isfinite(value))


def _line(axes, points, label: str, colour: str, width: float, **style) -> list:
    xs = [mdates.date2num(on) for on, _ in points]
    ys = [value for _, value in points]
    return axes.plot(xs, ys, color=colour, linewidth=width, label=label, **style)


def _date_axis(axes) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.tick_params(colors=MUTED, labelsize=9)
    axes.grid(axis="y", color=LINE, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(LINE)


def _tidy_svg(figure: Figure, title: str) -> str:
    """The SVG with a <title>, without matplotlib's metadata or ids nothing refers to."""
    svg = _to_svg(figure, title)
    # The metadata names external vocabularies and matplotlib's site by URL.
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.DOTALL)
    # Group ids such as "figure_1" would repeat on a page with several charts.
    referenced = set(re.findall(r"#([\w.-]+)", svg))
    svg = re.sub(r' id="([^"]*)"', lambda m: m.group(0) if m.group(1) in referenced else "", svg)
    opening = svg.index(">") + 1
    return f"{svg[:opening]}\n <title>{escape(title)}</title>{svg[opening:]}"


def _quantity(value: float, unit: str) -> str:
    return f"{_number(value)} {unit}".strip()


def _number(value: float) -> str:
    """A value rounded for a label: 1,234,567 · 85.5 · 3.33 · 0.052."""
    size = abs(value)
    decimals = 0 if size >= 1000 else 1 if size >= 10 else 2 if size >= 1 else 3
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# Report charts: adoption over waves, bars, intervals -------------------------------------

INDEX_COLOUR = KPI_PLAN
RATE_COLOUR = KPI_ADOPTION
TONE_COLOURS = {
    "high": RAG_COLOURS["green"],
    "mid": RAG_COLOURS["amber"],
    "low": RAG_COLOURS["red"],
    "neutral": "#5b7083",
    "muted": "#9aa4b2",
}
#: Background bands of a 0-100 score: red below 50, amber to 70, green above. A point's
#: own colour is the band of its number as shown (bands.band): 69.6 is green, as "70".
SCORE_BANDS = (
    (0, CAUTION_FROM, "#fbe9e7"),
    (CAUTION_FROM, READY_FROM, "#fdf3dc"),
    (READY_FROM, 100, "#e6f4ec"),
)

ValueWithCi = tuple[float, float | None, float | None]


@dataclass(frozen=True)
class WaveFigure:
    on: date
    #: (value, ci_low, ci_high) on 0-100; None where the figure is withheld or missing.
    index: ValueWithCi | None
    rate: ValueWithCi | None


def adoption_history_svg(
    points: list[WaveFigure],
    target_rate: float,
    title: str,
    curve: list[tuple[date, float]] | None = None,
) -> str:
    """Adoption index and rate at each wave with their 95% intervals, the target rate,
    and the fitted diffusion curve when there is one."""
    with rc_context(SVG_STYLE):
        figure = Figure(figsize=(7.5, 3.0), layout="constrained")
        axes = figure.add_subplot()
        handles = []
        if curve:
            handles += _line(axes, curve, "Forecast (Bass fit)", RATE_COLOUR, 1.0, linestyle=":")
        for name, colour, pick in (
            ("Adoption index", INDEX_COLOUR, lambda p: p.index),
            ("Adoption rate %", RATE_COLOUR, lambda p: p.rate),
        ):
            shown = [(p.on, pick(p)) for p in points if pick(p) is not None]
            if not shown:
                continue
            xs = [mdates.date2num(on) for on, _ in shown]
            ys = [value for _, (value, _, _) in shown]
            # Clipped intervals can sit a rounding error inside their value.
            below = [0 if low is None else max(0, value - low) for _, (value, low, _) in shown]
            above = [0 if high is None else max(0, high - value) for _, (value, _, high) in shown]
            axes.errorbar(
                xs, ys, yerr=[below, above], color=colour, elinewidth=1, capsize=3, linewidth=0
            )
            handles += axes.plot(xs, ys, color=colour, linewidth=2, marker="o", label=name)
        axes.axhline(target_rate, color=KPI_TARGET, linewidth=0.9, linestyle="--", zorder=1)
        handles += _line(
            axes, [], f"Target rate {_number(target_rate)}%", KPI_TARGET, 0.9, linestyle="--"
        )
        axes.set_ylim(0, 100)
        axes.margins(x=0.08)
        _date_axis(axes)
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=len(handles),
            frameon=False,
            fontsize=9,
            labelcolor=INK,
        )
        return _tidy_svg(figure, title)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    #: A key of TONE_COLOURS.
    tone: str = "neutral"
    #: Printed at the bar's end; the value when empty.
    note: str = ""


def bars_svg(bars: list[Bar], title: str, maximum: float | None = None) -> str:
    """Horizontal bars, first at the top, each labelled with its value or note."""
    with rc_context(SVG_STYLE):
        figure = Figure(figsize=(7.5, 0.32 * len(bars) + 0.5), layout="constrained")
        axes = figure.add_subplot()
        ys = list(range(len(bars)))[::-1]
        axes.barh(
            ys,
            [bar.value for bar in bars],
            height=0.62,
            color=[TONE_COLOURS[bar.tone] for bar in bars],
        )
        top = maximum or max([bar.value for bar in bars] + [1])
        for y, bar in zip(ys, bars, strict=True):
            axes.annotate(
                bar.note or _number(bar.value),
                (bar.value, y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color=INK,
            )
        axes.set_yticks(ys, [bar.label for bar in bars], color=INK)
        axes.set_xlim(0, top * 1.15)
        axes.set_ylim(-0.6, len(bars) - 0.4)
        axes.tick_params(axis="x", colors=MUTED, labelsize=9)
        axes.tick_params(axis="y", length=0)
        axes.grid(axis="x", color=LINE, linewidth=0.8)
        axes.set_axisbelow(True)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.spines["bottom"].set_color(LINE)
        return _tidy_svg(figure, title)


@dataclass(frozen=True)
class IntervalRow:
    label: str
    value: float
    low: float | None
    high: float | None


def intervals_svg(rows: list[IntervalRow], title: str) -> str:
    """Means on 0-100 with their 95% intervals, over the red, amber and green bands."""
    with rc_context(SVG_STYLE):
        figure = Figure(figsize=(7.5, 0.34 * len(rows) + 0.7), layout="constrained")
        axes = figure.add_subplot()
        for start, end, colour in SCORE_BANDS:
            axes.axvspan(start, end, color=colour, zorder=0)
        for y, row in zip(range(len(rows) - 1, -1, -1), rows, strict=True):
            tone = band(row.value).tone
            if row.low is not None and row.high is not None:
                axes.plot([row.low, row.high], [y, y], color=INK, linewidth=1.2, zorder=2)
            axes.plot(
                row.value,
                y,
                marker="o",
                markersize=6.5,
                color=TONE_COLOURS[tone],
                markeredgecolor="white",
                zorder=3,
            )
        axes.set_yticks(range(len(rows) - 1, -1, -1), [row.label for row in rows], color=INK)
        axes.set_xlim(0, 100)
        axes.set_ylim(-0.6, len(rows) - 0.4)
        axes.tick_params(axis="x", colors=MUTED, labelsize=9)
        axes.tick_params(axis="y", length=0)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.spines["bottom"].set_color(LINE)
        return _tidy_svg(figure, title)
