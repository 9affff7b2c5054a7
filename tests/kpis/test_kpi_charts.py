import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from transform.charts import KpiSeries, kpi_chart_svg, sparkline_svg
from transform.charts.kpi import KPI_ADOPTION, KPI_PLAN, STATUS_COLOURS
from transform.charts.svg import INK, MUTED

SVG = "{http://www.w3.org/2000/svg}"
START = date(2026, 1, 5)


def day(n: int) -> date:
    return START + timedelta(days=n)


def series(**changes) -> KpiSeries:
    fields = {
        "title": "Client satisfaction",
        "unit": "%",
        "baseline": (START, 62.0),
        "target": (day(270), 85.0),
        "planned": [(day(90), 70.0), (day(180), 78.0)],
        "actual": [(day(30), 63.5), (day(90), 66.2)],
        "locked_planned": [(day(90), 72.0), (day(180), 80.0)],
        "adoption": [(day(40), 22.0), (day(80), 38.0)],
    }
    return KpiSeries(**(fields | changes))


def stroked_paths(svg: str, colour: str) -> list[ET.Element]:
    return [
        path
        for path in ET.fromstring(svg).iter(f"{SVG}path")
        if f"stroke: {colour}" in path.get("style", "")
    ]


def texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def assert_self_contained(svg: str) -> None:
    assert "<script" not in svg.lower()
    assert "<image" not in svg
    assert "<foreignObject" not in svg
    # The only URLs left are the two XML namespace names, which nothing fetches.
    without_namespaces = re.sub(r' xmlns(:xlink)?="[^"]*"', "", svg)
    assert "http" not in without_namespaces
    assert all(ref.startswith("#") for ref in re.findall(r'href="([^"]*)"', svg))


def test_the_kpi_chart_is_an_accessible_self_contained_svg():
    svg = kpi_chart_svg(series())
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Client satisfaction"
    assert root.find(f"{SVG}title").text == "Client satisfaction"
    assert_self_contained(svg)


def test_the_kpi_chart_draws_a_path_per_series_and_labels_the_unit():
    svg = kpi_chart_svg(series())
    assert stroked_paths(svg, KPI_PLAN)
    assert stroked_paths(svg, INK)  # the actual line and baseline marker
    assert stroked_paths(svg, KPI_ADOPTION)
    assert any("stroke-dasharray" in p.get("style") for p in stroked_paths(svg, MUTED))
    labels = texts(svg)
    assert "%" in labels
    assert "Adoption index" in labels
    assert {"Plan", "Plan at lock", "Actual", "Target 85 %", "Baseline 62 %"} <= set(labels)


def test_a_locked_plan_equal_to_the_current_plan_is_not_drawn_twice():
    same = [(day(90), 70.0), (day(180), 78.0)]
    svg = kpi_chart_svg(series(locked_planned=same, adoption=[]))
    assert "Plan at lock" not in texts(svg)
    assert "Adoption index" not in texts(svg)


def test_a_lower_is_better_kpi_with_no_data_yet_still_draws_its_plan():
    svg = kpi_chart_svg(
        series(
            unit="days",
            baseline=(START, 12.5),
            target=(day(180), 7.0),
            planned=[],
            actual=[],
            locked_planned=[],
            adoption=[],
        )
    )
    assert stroked_paths(svg, KPI_PLAN)
    assert {"days", "Target 7 days", "Baseline 12.5 days"} <= set(texts(svg))
    assert "Actual" not in texts(svg)


def test_user_text_is_escaped_and_never_read_as_mathtext():
    title = '<script>alert("x")</script> $x$ & co'
    svg = kpi_chart_svg(series(title=title, unit="$ per $"))
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == title
    assert "$ per $" in texts(svg)
    assert_self_contained(svg)


def test_non_finite_values_are_left_out():
    svg = kpi_chart_svg(series(actual=[(day(30), float("nan")), (day(60), 64.0)]))
    assert "nan" not in svg.lower()


@pytest.mark.parametrize("status", list(STATUS_COLOURS))
def test_the_sparkline_marks_its_last_point_in_the_status_colour(status):
    svg = sparkline_svg([3.0, 4.5, 4.0, 5.0], status)
    root = ET.fromstring(svg)
    assert root.get("class") == "sparkline"
    assert STATUS_COLOURS[status] in svg
    others = set(STATUS_COLOURS.values()) - {STATUS_COLOURS[status]}
    assert not any(colour in svg for colour in others)
    assert root.find(f"{SVG}title").text.startswith("Latest 5, ")
    assert not list(root.iter(f"{SVG}text"))  # no axes, no labels
    assert_self_contained(svg)


@pytest.mark.parametrize("values", [[], [7.0], [3.0, 3.0, 3.0], [float("nan"), 2.0]])
def test_the_sparkline_copes_with_little_or_flat_data(values):
    svg = sparkline_svg(values, "no_data" if not values else "on_track")
    ET.fromstring(svg)
    assert_self_contained(svg)


def test_an_empty_sparkline_says_there_are_no_actuals():
    svg = sparkline_svg([], "no_data")
    assert ET.fromstring(svg).find(f"{SVG}title").text == "No actuals yet"


def test_two_kpi_charts_on_one_page_define_no_id_twice():
    # A report page holds several charts; a repeated id makes PDF anchors ambiguous.
    first = kpi_chart_svg(series())
    second = kpi_chart_svg(series(title="Invoices paid on time"))
    ids = [set(re.findall(r' id="([^"]+)"', svg)) for svg in (first, second)]
    assert ids[0] and ids[1]
    assert not ids[0] & ids[1]
    for svg, own in zip((first, second), ids, strict=True):
        assert set(re.findall(r'href="#([^"]+)"', svg)) <= own
