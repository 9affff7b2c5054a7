"""The programme timeline: planned and actual phase bars, gates, a today line."""

from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib.dates as mdates
from matplotlib import rc_context
from matplotlib.figure import Figure

from transform.charts.svg import (
    INK,
    MUTED,
    PLANNED,
    RAG_COLOURS,
    SVG_STYLE,
    bar,
    tidy_svg,
    time_bars_frame,
)
from transform.formatting import GATE_TONES, TONES

GATE_COLOURS = {status: TONES[tone].strong for status, tone in GATE_TONES.items()}
#: What each actual bar's colour means, written under the phase's name: colour is never
#: the only signal (WCAG 1.4.1), and a printed report may be read in black and white.
RAG_WORDS = {
    "green": "on schedule",
    "amber": "10–25 points behind",
    "red": "over 25 points behind",
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
            bar(axes, y, row.planned_start, row.planned_end, 0.55, PLANNED)
            if row.actual_start:
                actual_end = row.actual_end or max(today, row.actual_start)
                bar(axes, y, row.actual_start, actual_end, 0.25, RAG_COLOURS[row.rag])
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
                axes.annotate(
                    f"gate {row.gate_status}",
                    (mdates.date2num(row.planned_end + timedelta(days=1)), y),
                    xytext=(9, -3),
                    textcoords="offset points",
                    color=MUTED,
                    fontsize=8,
                )
        axes.axvline(mdates.date2num(today), color=INK, linewidth=1.2, linestyle="--")
        axes.annotate(
            "today", (mdates.date2num(today), len(rows) - 0.45), color=INK, ha="center", fontsize=9
        )
        axes.set_yticks(range(len(rows)), [_row_label(r) for r in reversed(rows)], color=INK)
        axes.set_ylim(-0.7, len(rows) - 0.2)
        locator = mdates.AutoDateLocator(minticks=4, maxticks=14)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        time_bars_frame(axes)
        return tidy_svg(figure, title)


def _row_label(row: TimelineRow) -> str:
    """The phase's name, and under it how its actual bar stands, once it has one."""
    if row.actual_start is None:
        return row.label
    return f"{row.label}\n{RAG_WORDS.get(row.rag, row.rag)}"
