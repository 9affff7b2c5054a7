from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.scoring.kpi import (
    KpiLine,
    Shape,
    Status,
    Trend,
    kpi_status,
    planned_progress_at,
    planned_values,
    progress,
    readings,
    shape_fraction,
    status_of,
    value_problem,
)

START = date(2026, 1, 1)


def day(n: int) -> date:
    return START + timedelta(days=n)


#: Higher is better: 60 -> 80 over 100 days. Lower is better: 10 days -> 6 days.
UP = KpiLine(60.0, START, 80.0, day(100), at_risk=0.10, off_track=0.25)
DOWN = KpiLine(10.0, START, 6.0, day(100), at_risk=0.10, off_track=0.25)


@pytest.mark.parametrize(
    ("line", "value", "expected"),
    [
        (UP, 60, 0.0),
        (UP, 70, 0.5),
        (UP, 80, 1.0),
        (UP, 55, -0.25),
        (UP, 85, 1.25),
        (DOWN, 10, 0.0),
        (DOWN, 8, 0.5),
        (DOWN, 6, 1.0),
        (DOWN, 11, -0.25),
        (DOWN, 5, 1.25),
    ],
)
def test_progress_is_the_share_of_the_distance_in_either_direction(line, value, expected):
    assert progress(line, value) == pytest.approx(expected)


def test_progress_refuses_a_target_equal_to_the_baseline():
    flat = KpiLine(5.0, START, 5.0, day(100), 0.10, 0.25)
    with pytest.raises(ValueError, match="target equals the baseline"):
        progress(flat, 5.0)


@pytest.mark.parametrize(
    ("shape", "expected"),
    [(Shape.LINEAR, 0.5), (Shape.FRONT_LOADED, 0.75), (Shape.BACK_LOADED, 0.25)],
)
def test_shapes_at_half_time(shape, expected):
    assert shape_fraction(shape, 0.5) == pytest.approx(expected)


@pytest.mark.parametrize("shape", list(Shape))
def test_shapes_run_from_nothing_to_everything_and_clamp_time(shape):
    assert shape_fraction(shape, 0.0) == 0.0
    assert shape_fraction(shape, 1.0) == 1.0
    assert shape_fraction(shape, -0.5) == 0.0
    assert shape_fraction(shape, 1.5) == 1.0


@pytest.mark.parametrize(
    ("line", "shape", "expected"),
    [
        (UP, Shape.LINEAR, [60, 65, 70, 80]),
        (UP, Shape.FRONT_LOADED, [60, 68.75, 75, 80]),
        (UP, Shape.BACK_LOADED, [60, 61.25, 65, 80]),
        (DOWN, Shape.LINEAR, [10, 9, 8, 6]),
        (DOWN, Shape.FRONT_LOADED, [10, 8.25, 7, 6]),
    ],
)
def test_planned_values_follow_the_shape(line, shape, expected):
    dates = [day(0), day(25), day(50), day(100)]
    assert planned_values(line, dates, shape) == pytest.approx(expected)


@pytest.mark.parametrize("outside", [day(-1), day(101)])
def test_planned_values_refuse_dates_outside_the_span(outside):
    with pytest.raises(ValueError, match=outside.isoformat()):
        planned_values(UP, [day(50), outside], Shape.LINEAR)


def test_planned_values_refuse_a_target_date_not_after_the_baseline_date():
    same_day = KpiLine(60.0, START, 80.0, START, 0.10, 0.25)
    with pytest.raises(ValueError, match="must be after the baseline date"):
        planned_values(same_day, [START], Shape.LINEAR)


#: Planned 66 on day 20 (progress 0.3) and 70 on day 60 (0.5).
PLAN = [(day(20), 66.0), (day(60), 70.0)]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (day(-30), 0.0),  # before the baseline date
        (day(0), 0.0),
        (day(10), 0.15),  # baseline 60 -> 66: 63
        (day(20), 0.3),
        (day(40), 0.4),  # 66 -> 70: 68
        (day(80), 0.75),  # 70 -> target 80: 75
        (day(100), 1.0),
        (day(130), 1.0),  # after the target date
    ],
)
def test_planned_progress_interpolates_between_planned_checkpoints(on, expected):
    assert planned_progress_at(UP, on, PLAN) == pytest.approx(expected)


def test_planned_progress_interpolates_for_a_lower_is_better_kpi():
    plan = [(day(50), 9.0)]  # progress 0.25
    assert planned_progress_at(DOWN, day(25), plan) == pytest.approx(0.125)  # 9.5 days
    assert planned_progress_at(DOWN, day(75), plan) == pytest.approx(0.625)  # 7.5 days


def test_without_planned_checkpoints_the_plan_is_a_straight_line():
    assert planned_progress_at(UP, day(25), []) == pytest.approx(0.25)
    assert planned_progress_at(DOWN, day(60), []) == pytest.approx(0.6)


def test_planned_checkpoints_on_the_end_dates_replace_baseline_and_target():
    plan = [(day(0), 62.0), (day(100), 78.0)]  # progress 0.1 and 0.9
    assert planned_progress_at(UP, day(0), plan) == pytest.approx(0.1)
    assert planned_progress_at(UP, day(50), plan) == pytest.approx(0.5)
    assert planned_progress_at(UP, day(100), plan) == pytest.approx(0.9)
    assert planned_progress_at(UP, day(200), plan) == pytest.approx(0.9)


def test_planned_checkpoints_outside_the_span_are_ignored():
    plan = [(day(-10), 0.0), (day(150), 500.0)]
    assert planned_progress_at(UP, day(50), plan) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("actual", "planned", "expected"),
    [
        (0.5, 0.5, Status.ON_TRACK),
        (0.9, 0.5, Status.ON_TRACK),  # ahead of plan
        (0.4, 0.5, Status.ON_TRACK),  # gap exactly 0.10
        (0.7, 0.8, Status.ON_TRACK),  # 0.10000000000000009 in floating point
        (0.39, 0.5, Status.AT_RISK),
        (0.25, 0.5, Status.AT_RISK),  # gap exactly 0.25
        (0.55, 0.8, Status.AT_RISK),  # 0.25000000000000006 in floating point
        (0.24, 0.5, Status.OFF_TRACK),
        (-0.2, 0.5, Status.OFF_TRACK),
    ],
)
def test_status_follows_the_tolerances_with_their_boundaries_inclusive(actual, planned, expected):
    assert status_of(actual, planned, 0.10, 0.25) == expected


@pytest.mark.parametrize(("at_risk", "off_track"), [(0.3, 0.2), (-0.1, 0.2)])
def test_status_refuses_tolerances_out_of_order(at_risk, off_track):
    with pytest.raises(ValueError, match="tolerances"):
        status_of(0.5, 0.5, at_risk, off_track)


def test_status_refuses_non_finite_progress():
    with pytest.raises(ValueError, match="finite"):
        status_of(float("nan"), 0.5, 0.10, 0.25)


CHECKPOINTS = [
    (day(60), 70.0, 68.0),
    (day(20), 66.0, None),
    (day(40), None, 64.0),
    (day(80), None, 66.0),
]


def test_readings_are_one_per_actual_oldest_first_against_the_planned_checkpoints():
    found = readings(UP, CHECKPOINTS)
    assert [r.on_date for r in found] == [day(40), day(60), day(80)]
    assert [r.actual for r in found] == [64.0, 68.0, 66.0]
    assert [r.progress for r in found] == pytest.approx([0.2, 0.4, 0.3])
    assert [r.planned_progress for r in found] == pytest.approx([0.4, 0.5, 0.75])
    assert [r.gap for r in found] == pytest.approx([0.2, 0.1, 0.45])
    assert [r.status for r in found] == [Status.AT_RISK, Status.ON_TRACK, Status.OFF_TRACK]


def test_kpi_status_is_the_latest_reading_with_its_trend():
    result = kpi_status(UP, CHECKPOINTS)
    assert result.status == Status.OFF_TRACK
    assert (result.latest.on_date, result.previous.on_date) == (day(80), day(60))
    assert result.trend == Trend.WORSENING


def test_kpi_status_of_a_lower_is_better_kpi():
    # Plan: straight line 10 -> 6. Day 50: planned 8 (0.5), actual 8.4 (0.4), gap 0.1.
    # Day 75: planned 7 (0.75), actual 7.2 (0.7), gap 0.05: narrowed by 0.05.
    result = kpi_status(DOWN, [(day(75), None, 7.2), (day(50), None, 8.4)])
    assert result.latest.gap == pytest.approx(0.05)
    assert result.status == Status.ON_TRACK
    assert result.trend == Trend.IMPROVING


@pytest.mark.parametrize(
    ("actual_on_day_60", "expected"),
    [
        (70.8, Trend.IMPROVING),  # gap 0.10 -> 0.06
        (70.4, Trend.STEADY),  # gap 0.10 -> 0.08: exactly 0.02 narrower
        (69.6, Trend.STEADY),  # gap 0.10 -> 0.12: exactly 0.02 wider
        (69.4, Trend.WORSENING),  # gap 0.10 -> 0.13
    ],
)
def test_trend_needs_the_gap_to_move_by_more_than_two_points(actual_on_day_60, expected):
    # Straight-line plan: 0.5 on day 50, 0.6 on day 60; actual 68 on day 50 is 0.4.
    result = kpi_status(UP, [(day(50), None, 68.0), (day(60), None, actual_on_day_60)])
    assert result.trend == expected


def test_without_actuals_there_is_no_data():
    result = kpi_status(UP, [(day(20), 66.0, None)])
    assert (result.status, result.latest, result.previous, result.trend) == (
        Status.NO_DATA,
        None,
        None,
        None,
    )


def test_one_reading_has_a_status_but_no_trend():
    result = kpi_status(UP, [(day(50), None, 70.0)])
    assert (result.status, result.previous, result.trend) == (Status.ON_TRACK, None, None)


def test_labels_read_as_words():
    assert [s.label for s in Status] == ["On track", "At risk", "Off track", "No actuals yet"]
    assert [s.label for s in Shape] == ["Straight line", "Front-loaded", "Back-loaded"]
    assert Trend.IMPROVING.label == "Improving"


@pytest.mark.parametrize(
    ("value", "low", "high", "unit", "expected"),
    [
        (50.0, 0.0, 100.0, "%", None),
        (100.0, 0.0, 100.0, "%", None),
        (101.0, 0.0, 100.0, "%", "must be at most 100 %"),
        (-1.0, 0.0, None, "days", "must be at least 0 days"),
        (0.5, 1.5, None, "h", "must be at least 1.5 h"),
        (2e6, None, 1e6, "", "must be at most 1,000,000"),
        (1e12, None, None, "£", None),
        (float("nan"), 0.0, 100.0, "%", "must be a finite number"),
        (float("inf"), None, None, "%", "must be a finite number"),
    ],
)
def test_value_problem_names_what_is_wrong(value, low, high, unit, expected):
    assert value_problem(value, low, high, unit) == expected


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(baseline=finite, target=finite)
def test_progress_of_baseline_is_zero_and_of_target_is_one(baseline, target):
    if baseline == target:
        return
    line = KpiLine(baseline, START, target, day(100), 0.10, 0.25)
    assert progress(line, baseline) == 0.0
    assert progress(line, target) == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(
    baseline=finite,
    target=finite,
    span=st.integers(min_value=1, max_value=2000),
    offsets=st.lists(st.floats(min_value=0, max_value=1), max_size=20),
    shape=st.sampled_from(Shape),
)
def test_planned_values_are_monotone_from_baseline_to_target(
    baseline, target, span, offsets, shape
):
    line = KpiLine(baseline, START, target, day(span), 0.10, 0.25)
    dates = sorted({day(0), day(span), *(day(round(o * span)) for o in offsets)})
    values = planned_values(line, dates, shape)
    assert values[0] == baseline
    # Exact up to rounding on the scale of the distance covered.
    assert values[-1] == pytest.approx(target, abs=1e-12 * abs(target - baseline))
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    if target >= baseline:
        assert all(step >= 0 for step in steps)
    else:
        assert all(step <= 0 for step in steps)


RANK = {Status.ON_TRACK: 0, Status.AT_RISK: 1, Status.OFF_TRACK: 2}
fraction = st.floats(min_value=-2, max_value=2, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(
    planned=fraction,
    actuals=st.tuples(fraction, fraction),
    tolerances=st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
def test_status_never_improves_as_actual_progress_falls_behind(planned, actuals, tolerances):
    at_risk, off_track = sorted(tolerances)
    ahead, behind = sorted(actuals, reverse=True)
    assert (
        RANK[status_of(ahead, planned, at_risk, off_track)]
        <= RANK[status_of(behind, planned, at_risk, off_track)]
    )
