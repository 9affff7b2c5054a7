from datetime import date

import pytest

from transform.scoring import Rag, schedule_variance
from transform.scoring.schedule import planned_percent

START, END = date(2026, 1, 1), date(2026, 1, 10)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 12, 31), 0.0),
        (START, 10.0),
        (date(2026, 1, 5), 50.0),
        (END, 100.0),
        (date(2026, 3, 1), 100.0),
    ],
)
def test_planned_percent_is_a_straight_line_over_the_planned_span(today, expected):
    assert planned_percent(START, END, today) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("done", "rag", "variance"),
    [(5, Rag.GREEN, 0.0), (4, Rag.GREEN, -10.0), (3, Rag.AMBER, -20.0), (2, Rag.RED, -30.0)],
)
def test_rag_follows_the_documented_thresholds(done, rag, variance):
    result = schedule_variance(START, END, 10, done, False, date(2026, 1, 5))
    assert result.planned_percent == pytest.approx(50.0)
    assert result.actual_percent == pytest.approx(done * 10)
    assert result.variance == pytest.approx(variance)
    assert result.rag == rag


def test_a_complete_phase_is_green_and_fully_done():
    result = schedule_variance(START, END, 10, 2, True, date(2026, 6, 1))
    assert (result.actual_percent, result.rag) == (100.0, Rag.GREEN)


def test_a_phase_with_no_activities_counts_as_not_started():
    result = schedule_variance(START, END, 0, 0, False, date(2026, 1, 10))
    assert result.actual_percent == 0.0
    assert result.rag == Rag.RED


def test_a_phase_not_yet_due_is_green():
    assert schedule_variance(START, END, 10, 0, False, date(2025, 11, 1)).rag == Rag.GREEN
