"""The sponsor report's small trend charts (transform/charts/trend.py)."""

import re
from datetime import date

from transform.charts.trend import small_trend_svg


def _tick_labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_a_first_reports_single_point_sits_among_months_not_years():
    svg = small_trend_svg([(date(2026, 11, 22), 56.3)], "Adoption index, first", "#1f4e79", 100.0)

    labels = _tick_labels(svg)
    assert "Dec 2026" in labels
    assert not any(re.fullmatch(r"20\d\d", label) for label in labels), labels
    assert "56.3" in labels


def test_a_long_history_keeps_the_axis_to_its_dates():
    points = [(date(2025, 3, 1), 41.0), (date(2026, 3, 1), 48.5), (date(2026, 11, 22), 56.3)]
    svg = small_trend_svg(points, "Adoption index, history", "#1f4e79", 100.0)

    labels = _tick_labels(svg)
    assert "2026" in labels
    assert "41" in labels and "48.5" in labels and "56.3" in labels
