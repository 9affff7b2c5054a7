"""The benefits chart: cumulative net value planned, forecast and actual, with the target."""

from dataclasses import dataclass

from matplotlib import rc_context
from matplotlib.figure import Figure

from transform.charts.svg import INK, MUTED, RAG_COLOURS, SVG_STYLE, date_axis, line, tidy_svg
from transform.formatting import TONES


@dataclass(frozen=True)
class ValueSeries:
    title: str
    currency: str
    #: (month, cumulative net value) per kind; months without a value are left out.
    planned: tuple
    forecast: tuple
    actual: tuple
    target: float | None = None


def cumulative_value_svg(series: ValueSeries) -> str:
    """Cumulative net value by month: plan, forecast and actual, and the target line."""
    with rc_context(SVG_STYLE):
        figure = Figure(figsize=(7.5, 3.125), layout="constrained")
        axes = figure.add_subplot()
        handles = []
        if series.planned:
            handles += line(axes, series.planned, "Planned", TONES["blue"].strong, 1.8)
        if series.forecast:
            handles += line(axes, series.forecast, "Forecast", MUTED, 1.6, linestyle=(0, (4, 3)))
        if series.actual:
            handles += line(
                axes, series.actual, "Actual", INK, 2.0, marker="o", markersize=4, zorder=5
            )
        if series.target is not None:
            axes.axhline(series.target, color=RAG_COLOURS["green"], linewidth=1, linestyle=":")
            handles += line(axes, [], "Target", RAG_COLOURS["green"], 1, linestyle=":")
        axes.axhline(0, color=MUTED, linewidth=0.6)
        axes.set_ylabel(series.currency, color=MUTED)
        axes.yaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")
        axes.margins(x=0.03, y=0.12)
        date_axis(axes)
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=max(len(handles), 1),
            frameon=False,
            fontsize=9,
            labelcolor=INK,
        )
        return tidy_svg(figure, series.title)
