"""The phase timeline chart: user text drawn as typed, no external references."""

from datetime import date
from xml.etree import ElementTree

from transform.charts import TimelineRow, timeline_svg


def test_phase_names_with_dollar_signs_are_drawn_as_typed():
    rows = [
        TimelineRow(
            "Save $2m in $ costs", date(2026, 1, 5), date(2026, 3, 1), None, None, "green", "open"
        ),
        TimelineRow(
            'Go <live> & "train"',
            date(2026, 3, 2),
            date(2026, 6, 1),
            date(2026, 3, 2),
            None,
            "amber",
            None,
        ),
    ]
    svg = timeline_svg(rows, date(2026, 4, 1), "Timeline of $ & <programme>")
    ElementTree.fromstring(svg)
    assert "Save $2m in $ costs" in svg
    assert "&lt;live&gt;" in svg and "<live>" not in svg
    assert "<metadata" not in svg and "<script" not in svg
    assert "<title>Timeline of $ &amp; &lt;programme&gt;</title>" in svg


def test_each_bar_and_gate_says_in_words_what_its_colour_means():
    rows = [
        TimelineRow(
            "Assess",
            date(2026, 1, 5),
            date(2026, 3, 1),
            date(2026, 1, 5),
            None,
            "green",
            "approved",
        ),
        TimelineRow(
            "Redesign", date(2026, 3, 2), date(2026, 6, 1), date(2026, 3, 2), None, "red", "open"
        ),
        TimelineRow("Build", date(2026, 6, 2), date(2026, 9, 1), None, None, "green", None),
    ]
    svg = timeline_svg(rows, date(2026, 4, 1), "Timeline")
    assert "on schedule" in svg and "over 25 points behind" in svg
    assert "gate approved" in svg and "gate open" in svg
    # A phase not started has no actual bar, so nothing to explain.
    assert svg.count("on schedule") == 1
