"""Charts as SVG, drawn by matplotlib from plain data; the pages and the PDFs share them.

Only the object-oriented Figure API is used (no pyplot), so drawing is thread-safe and
needs no display. Text stays text in the SVG, so it takes the page's or report's font.
"""

import io
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib.dates as mdates
from markupsafe import escape
from matplotlib import rc_context
from matplotlib.figure import Figure

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
SVG_STYLE = {"svg.fonttype": "none", "font.family": "sans-serif", "font.size": 10}


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
        return _to_svg(figure, title)


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
