"""Trend against the previous wave: Welch for scores, Newcombe's hybrid score for rates."""

import math

import pandas as pd
import pytest

from transform.scoring.trend import MIN_RESPONDENTS, rate_trend, trend

# t(0.975; 4), from a table: the Welch df of two groups of three with equal variance is 4.
T_975_4 = 2.7764451051977987


def test_trend_is_the_change_of_the_mean_with_a_welch_interval():
    # means 2 and 4, variances 1 and 1: se = sqrt(1/3 + 1/3), df = 4
    change = trend(pd.Series([1.0, 2.0, 3.0]), pd.Series([3.0, 4.0, 5.0]))
    half = T_975_4 * math.sqrt(2 / 3)
    assert change.value == pytest.approx(2.0)
    assert change.ci_low == pytest.approx(2.0 - half)
    assert change.ci_high == pytest.approx(2.0 + half)
    assert change.n == 6
    assert change.reason is None


def test_a_fall_is_negative():
    change = trend(pd.Series([60.0, 80.0, 100.0]), pd.Series([40.0, 60.0, 80.0]))
    assert change.value == pytest.approx(-20.0)
    assert change.ci_low < -20.0 < change.ci_high


def test_missing_answers_are_left_out():
    change = trend(pd.Series([1.0, 2.0, 3.0, None]), pd.Series([float("nan"), 3.0, 4.0, 5.0]))
    assert change.value == pytest.approx(2.0)
    assert change.n == 6


def test_no_previous_wave_is_missing_with_its_reason():
    change = trend(None, pd.Series([3.0, 4.0]))
    assert change.is_missing
    assert change.reason == "no previous wave"


@pytest.mark.parametrize(
    ("previous", "current"), [([], [1.0, 2.0]), ([2.0], [1.0, 2.0]), ([1.0, 2.0], [4.0])]
)
def test_too_few_respondents_is_missing_with_the_counts(previous, current):
    change = trend(pd.Series(previous, dtype="float64"), pd.Series(current))
    assert change.is_missing
    assert change.reason.startswith("too few respondents to compare")
    assert f"{len(previous)} in the previous wave and {len(current)} in this one" in change.reason
    assert change.n == len(previous) + len(current)


def test_waves_without_spread_give_an_exact_change():
    change = trend(pd.Series([3.0, 3.0]), pd.Series([4.0, 4.0, 4.0]))
    assert (change.value, change.ci_low, change.ci_high) == (1.0, 1.0, 1.0)


# Newcombe (1998), Table II, method 10 (hybrid score, no continuity correction): the
# interval for p1 - p2; here p1 is this wave and p2 the previous one.
NEWCOMBE_TABLE_II = [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (0, 10, 0, 10, -0.2775, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
    (10, 10, 0, 10, 0.6075, 1.0000),
]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "low", "high"), NEWCOMBE_TABLE_II)
def test_rate_trend_matches_newcombes_published_intervals(x1, n1, x2, n2, low, high):
    change = rate_trend(x2, n2, x1, n1)
    assert change.value == pytest.approx(100 * (x1 / n1 - x2 / n2))
    assert change.ci_low == pytest.approx(100 * low, abs=0.01)
    assert change.ci_high == pytest.approx(100 * high, abs=0.01)
    assert change.n == n1 + n2


def test_rate_trend_by_hand():
    # 3/10 then 6/10: Wilson limits (z = 1.959964) 10.78-60.32% and 31.27-83.18%
    change = rate_trend(3, 10, 6, 10)
    z = 1.959963984540054

    def wilson(x, n):
        p = x / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return p, centre - half, centre + half

    p1, l1, u1 = wilson(6, 10)
    p2, l2, u2 = wilson(3, 10)
    assert change.value == pytest.approx(30.0)
    assert change.ci_low == pytest.approx(100 * (0.3 - math.hypot(p1 - l1, u2 - p2)))
    assert change.ci_high == pytest.approx(100 * (0.3 + math.hypot(u1 - p1, p2 - l2)))


def test_rate_trend_without_a_previous_wave_is_missing():
    change = rate_trend(None, None, 4, 10)
    assert change.is_missing
    assert change.reason == "no previous wave"


def test_rate_trend_with_too_few_respondents_is_missing():
    change = rate_trend(0, 0, 4, 10)
    assert change.is_missing
    assert "0 in the previous wave" in change.reason
    assert rate_trend(1, MIN_RESPONDENTS - 1, 4, 10).is_missing


def test_rate_trend_refuses_counts_that_are_not_a_proportion():
    with pytest.raises(ValueError):
        rate_trend(11, 10, 4, 10)
