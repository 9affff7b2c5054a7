"""Report charts: adoption over waves, bars, and intervals of 0-100 scores."""

from dataclasses import dataclass
from datetime import date

import matplotlib.dates as mdates
from matplotlib import rc_context
from matplotlib.figure import Figure

from transform.charts.kpi import KPI_ADOPTION, KPI_PLAN, KPI_TARGET
from transform.charts.svg import (
    INK,
    LINE,
    MUTED,
    RAG_COLOURS,
    SVG_STYLE,
    bottom_legend,
    date_axis,
    line,
    number,
    tidy_svg,
    time_bars_frame,
)
from transform.formatting import TONES
from transform.scoring.bands import CAUTION_FROM, READY_FROM, band

INDEX_COLOUR = KPI_PLAN
RATE_COLOUR = KPI_ADOPTION
TONE_COLOURS = {
    "high": RAG_COLOURS["green"],
    "mid": RAG_COLOURS["amber"],
    "low": RAG_COLOURS["red"],
    "neutral": "#5b7083",
    "muted": TONES["grey"].strong,
}
#: Background bands of a 0-100 score: red below 50, amber to 70, green above. A point's
#: own colour is the band of its number as shown (bands.band): 69.6 is green, as "70".
SCORE_BANDS = (
    (0, CAUTION_FROM, TONES["red"].soft),
    (CAUTION_FROM, READY_FROM, TONES["amber"].soft),
    (READY_FROM, 100, TONES["green"].soft),
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
            handles += line(axes, curve, "Forecast (Bass fit)", RATE_COLOUR, 1.0, linestyle=":")
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
        handles += line(
            axes, [], f"Target rate {number(target_rate)}%", KPI_TARGET, 0.9, linestyle="--"
        )
        axes.set_ylim(0, 100)
        axes.margins(x=0.08)
        date_axis(axes)
        bottom_legend(figure, handles)
        return tidy_svg(figure, title)


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
                bar.note or number(bar.value),
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
        axes.tick_params(axis="y", length=0)
        time_bars_frame(axes)
        return tidy_svg(figure, title)


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
        return tidy_svg(figure, title)
