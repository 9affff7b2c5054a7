"""Charts as SVG, drawn by matplotlib from plain data; the pages and the PDFs share them.

A shared module below the features: it imports no feature. Colours come from
transform.formatting, so a chart, a page and a PDF colour a status alike.
"""

from transform.charts.adoption import (
    Bar,
    IntervalRow,
    WaveFigure,
    adoption_history_svg,
    bars_svg,
    intervals_svg,
)
from transform.charts.benefits import ValueSeries, cumulative_value_svg
from transform.charts.kpi import KpiSeries, kpi_chart_svg, sparkline_svg
from transform.charts.timeline import TimelineRow, timeline_svg
from transform.charts.trend import small_trend_svg

__all__ = [
    "Bar",
    "IntervalRow",
    "KpiSeries",
    "TimelineRow",
    "ValueSeries",
    "WaveFigure",
    "adoption_history_svg",
    "bars_svg",
    "cumulative_value_svg",
    "intervals_svg",
    "kpi_chart_svg",
    "small_trend_svg",
    "sparkline_svg",
    "timeline_svg",
]
