"""What every chart shares: the SVG style, colours of ink and lines, and the helpers
that draw lines and bars on a date axis and write a tidy, accessible SVG.

Only the object-oriented Figure API is used (no pyplot), so drawing is thread-safe and
needs no display. Text stays text in the SVG, so it takes the page's or report's font.
"""

import hashlib
import io
import math
import re
from datetime import date, timedelta

import matplotlib.dates as mdates
from markupsafe import escape
from matplotlib.figure import Figure

from transform.formatting import RAG_TONES, TONES

INK = "#1c2430"
MUTED = "#5b6270"
LINE = "#dde3ea"
PLANNED = "#c9d8e8"
RAG_COLOURS = {rag: TONES[tone].strong for rag, tone in RAG_TONES.items()}
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


def bar(axes, y: float, start: date, end: date, height: float, colour: str) -> None:
    left = mdates.date2num(start)
    width = mdates.date2num(end + timedelta(days=1)) - left
    axes.barh(y, width, left=left, height=height, color=colour, edgecolor="none")


def to_svg(figure: Figure, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    # Keep only the <svg> element, marked as an image with an accessible name.
    svg = svg[svg.index("<svg") :]
    label = escape(title)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="chart" ', 1)


def plan_points(planned, baseline, target) -> list[tuple[date, float]]:
    # As in scoring.kpi: the baseline and target are the ends unless a checkpoint is on
    # their date.
    points = dict([baseline, target])
    points.update(finite(planned))
    return sorted(points.items())


def finite(points) -> list[tuple[date, float]]:
    return sorted((on, value) for on, value in points if math.isfinite(value))


def line(axes, points, label: str, colour: str, width: float, **style) -> list:
    xs = [mdates.date2num(on) for on, _ in points]
    ys = [value for _, value in points]
    return axes.plot(xs, ys, color=colour, linewidth=width, label=label, **style)


def date_axis(axes) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.tick_params(colors=MUTED, labelsize=9)
    axes.grid(axis="y", color=LINE, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(LINE)


def bottom_legend(figure: Figure, handles: list, **style) -> None:
    """The chart's legend in one row under the plot, in the ink colour, without a frame."""
    figure.legend(
        handles=handles,
        loc="outside lower center",
        ncols=len(handles),
        frameon=False,
        fontsize=9,
        labelcolor=INK,
        **style,
    )


def time_bars_frame(axes) -> None:
    """Bars along a time axis: a vertical grid behind them, only the bottom spine kept."""
    axes.tick_params(axis="x", colors=MUTED, labelsize=9)
    axes.grid(axis="x", color=LINE, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(LINE)


def tidy_svg(figure: Figure, title: str) -> str:
    """The SVG with a <title>, without matplotlib's metadata or ids nothing refers to."""
    svg = to_svg(figure, title)
    # The metadata names external vocabularies and matplotlib's site by URL.
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.DOTALL)
    # Group ids such as "figure_1" would repeat on a page with several charts.
    referenced = set(re.findall(r"#([\w.-]+)", svg))
    svg = re.sub(r' id="([^"]*)"', lambda m: m.group(0) if m.group(1) in referenced else "", svg)
    # matplotlib names a marker by its shape and a clip path by its box: two charts on one
    # page would define the same id twice, so each chart's ids get a prefix of their own.
    prefix = "t" + hashlib.sha1(title.encode()).hexdigest()[:6]
    svg = re.sub(r'(id="|#)([mp][0-9a-f]{8,})', rf"\g<1>{prefix}-\g<2>", svg)
    opening = svg.index(">") + 1
    return f"{svg[:opening]}\n <title>{escape(title)}</title>{svg[opening:]}"


def quantity(value: float, unit: str) -> str:
    return f"{number(value)} {unit}".strip()


def number(value: float) -> str:
    """A value rounded for a label: 1,234,567 · 85.5 · 3.33 · 0.052."""
    size = abs(value)
    decimals = 0 if size >= 1000 else 1 if size >= 10 else 2 if size >= 1 else 3
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
