"""A small trend chart: one figure at each published report date, and now."""

import threading
from datetime import date

import matplotlib.dates as mdates
from cachetools import LRUCache, cached
from matplotlib import rc_context
from matplotlib.figure import Figure

from transform.charts.svg import SVG_STYLE, date_axis, number, tidy_svg

#: Trend charts kept drawn: a report re-rendered with the same history draws none.
DRAWN_TRENDS = 128
#: The narrowest span of days a trend's axis shows: a first report's single point sits
#: in a quarter of months, not in the middle of years.
NARROWEST_SPAN_DAYS = 90


@cached(
    LRUCache(maxsize=DRAWN_TRENDS),
    key=lambda *args, **kwargs: repr((args, sorted(kwargs.items()))),
    lock=threading.Lock(),
)
def small_trend_svg(
    points: list[tuple[date, float | None]],
    title: str,
    colour: str,
    maximum: float | None = None,
) -> str:
    """A small line of values by date with each value printed; missing values leave a
    gap. A single point still draws, labelled, so a first report shows where it starts."""
    with rc_context(SVG_STYLE):
        # Fixed margins: a constrained layout costs more than the drawing at this size.
        figure = Figure(figsize=(3.4, 1.25))
        axes = figure.add_axes((0.1, 0.24, 0.86, 0.7))
        shown = [(day, value) for day, value in points if value is not None]
        if shown:
            xs = [mdates.date2num(day) for day, _ in shown]
            ys = [value for _, value in shown]
            axes.plot(xs, ys, color=colour, linewidth=1.8, marker="o", markersize=4)
            for x, y in zip(xs, ys, strict=True):
                axes.annotate(
                    number(y),
                    (x, y),
                    textcoords="offset points",
                    xytext=(0, 5),
                    ha="center",
                    fontsize=7,
                )
        axes.set_ylim(0, maximum if maximum else max([1.0, *(v for _, v in shown)]) * 1.25)
        date_axis(axes)
        days = [mdates.date2num(day) for day, _ in points]
        if days and max(days) - min(days) < NARROWEST_SPAN_DAYS:
            middle = (max(days) + min(days)) / 2
            axes.set_xlim(middle - NARROWEST_SPAN_DAYS / 2, middle + NARROWEST_SPAN_DAYS / 2)
            axes.xaxis.set_major_locator(mdates.MonthLocator())
            axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        else:
            axes.margins(x=0.15)
        axes.tick_params(labelsize=7)
        return tidy_svg(figure, title)
