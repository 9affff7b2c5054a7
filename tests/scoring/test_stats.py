import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from transform.scoring.estimate import Estimate
from transform.scoring.stats import (
    difference_ci,
    mean_ci,
    proportion_ci,
    rwg,
    rwg_j,
    uniform_variance,
)

NAN = math.nan


def assert_defined(estimate: Estimate):
    """No NaN anywhere in an estimate: a number, or None with a reason."""
    for field in (estimate.value, estimate.ci_low, estimate.ci_high):
        assert field is None or math.isfinite(field)
    if estimate.value is None:
        assert estimate.reason


# Means ------------------------------------------------------------------------------------


def test_mean_ci_is_t_based():
    # Mean 3; sd = sqrt(10 / 4) = 1.5811; se = 1.5811 / sqrt(5) = 0.70711;
    # t(0.975; 4) = 2.7764 (tables), half-width 2.7764 x 0.70711 = 1.9632.
    estimate = mean_ci([1, 2, 3, 4, 5])
    assert estimate.value == 3.0
    assert estimate.n == 5
    assert estimate.ci_low == pytest.approx(3 - 1.9632, abs=1e-4)
    assert estimate.ci_high == pytest.approx(3 + 1.9632, abs=1e-4)
    assert estimate.reason is None


def test_mean_ci_leaves_dont_know_out():
    assert mean_ci(pd.Series([1, 2, NAN, 3, 4, 5, NAN])) == mean_ci([1, 2, 3, 4, 5])


@pytest.mark.parametrize("values", [[], [NAN, NAN], pd.Series([], dtype="float64")])
def test_mean_ci_of_nothing_is_missing(values):
    assert mean_ci(values) == Estimate.missing("no responses")


def test_one_respondent_has_a_mean_but_no_interval():
    estimate = mean_ci([NAN, 4])
    assert (estimate.value, estimate.ci_low, estimate.ci_high, estimate.n) == (4, None, None, 1)
    assert estimate.reason == "one respondent: no interval"


def test_a_constant_pattern_has_a_zero_width_interval():
    assert mean_ci([4, 4, 4]) == Estimate(4.0, 4.0, 4.0, 3)


@given(st.lists(st.floats(-1e6, 1e6) | st.just(NAN), max_size=30))
def test_mean_ci_contains_the_mean(values):
    estimate = mean_ci(values)
    assert_defined(estimate)
    if estimate.ci_low is not None:
        assert estimate.ci_low <= estimate.value <= estimate.ci_high


# Proportions ------------------------------------------------------------------------------


def test_wilson_interval_of_3_in_10():
    # z = 1.95996, z^2 = 3.84146, p = 0.3; denominator 1 + z^2 / 10 = 1.384146;
    # centre (0.3 + 3.84146 / 20) / 1.384146 = 0.355507;
    # half z / 1.384146 x sqrt(0.3 x 0.7 / 10 + 3.84146 / 400) = 1.41600 x 0.174939 = 0.247714;
    # interval 0.107793 to 0.603221.
    estimate = proportion_ci(3, 10)
    assert estimate.value == pytest.approx(30.0)
    assert estimate.ci_low == pytest.approx(10.7793, abs=1e-3)
    assert estimate.ci_high == pytest.approx(60.3221, abs=1e-3)
    assert estimate.n == 10


def test_wilson_interval_at_the_ends_stays_inside_0_to_100():
    # With no successes the upper bound is z^2 / (n + z^2) = 3.84146 / 13.84146 = 27.753 %.
    none = proportion_ci(0, 10)
    assert (none.value, none.ci_low) == (0, 0)
    assert none.ci_high == pytest.approx(27.753, abs=1e-3)
    every = proportion_ci(10, 10)
    assert every.ci_low == pytest.approx(100 - 27.753, abs=1e-3)
    assert every.ci_high == 100


def test_a_proportion_of_nobody_is_missing():
    assert proportion_ci(0, 0) == Estimate.missing("no responses")


@pytest.mark.parametrize(("successes", "n"), [(4, 3), (-1, 3), (0, -1)])
def test_impossible_proportions_are_refused(successes, n):
    with pytest.raises(ValueError):
        proportion_ci(successes, n)


# Differences ------------------------------------------------------------------------------


def test_difference_ci_is_welchs():
    # a: mean 2, variance 1; b: mean 5.5, variance 5 / 3. Difference 3.5.
    # se^2 = 1 / 3 + (5 / 3) / 4 = 0.75; df = 0.75^2 / ((1/3)^2 / 2 + (5/12)^2 / 3) = 4.9592.
    a, b = [1, 2, 3], [4, 5, 6, 7]
    estimate = difference_ci(a, b)
    df = 0.75**2 / ((1 / 3) ** 2 / 2 + (5 / 12) ** 2 / 3)
    assert df == pytest.approx(4.9592, abs=1e-4)
    half = stats.t.ppf(0.975, df) * math.sqrt(0.75)
    assert estimate.value == 3.5
    assert estimate.ci_low == pytest.approx(3.5 - half)
    assert estimate.ci_high == pytest.approx(3.5 + half)
    assert estimate.n == 7
    # The same as scipy's own Welch test.
    reference = stats.ttest_ind(b, a, equal_var=False).confidence_interval()
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx(tuple(reference))


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ([], [1, 2], "fewer than 2 respondents in the first group"),
        ([1, NAN], [1, 2], "fewer than 2 respondents in the first group"),
        ([1, 2], [3], "fewer than 2 respondents in the second group"),
    ],
)
def test_a_difference_needs_two_values_on_each_side(a, b, reason):
    estimate = difference_ci(a, b)
    assert estimate.is_missing
    assert estimate.reason == reason


def test_two_constant_groups_differ_with_a_zero_width_interval():
    assert difference_ci([2, 2], [3, 3, 3]) == Estimate(1.0, 1.0, 1.0, 5)


def test_one_constant_group_takes_the_others_degrees_of_freedom():
    # se^2 = 0 + 1 / 3; df = n_b - 1 = 2.
    estimate = difference_ci([2, 2], [2, 3, 4])
    half = stats.t.ppf(0.975, 2) * math.sqrt(1 / 3)
    assert estimate.ci_high - estimate.value == pytest.approx(half)


@given(
    st.lists(st.integers(1, 7) | st.just(NAN), max_size=15),
    st.lists(st.integers(1, 7) | st.just(NAN), max_size=15),
)
def test_difference_ci_contains_the_difference(a, b):
    estimate = difference_ci(a, b)
    assert_defined(estimate)
    if not estimate.is_missing:
        assert estimate.ci_low <= estimate.value <= estimate.ci_high


# Agreement --------------------------------------------------------------------------------


@pytest.mark.parametrize(("points", "variance"), [(5, 2.0), (7, 4.0)])
def test_the_uniform_null_variance_is_a_squared_less_1_over_12(points, variance):
    # (25 - 1) / 12 = 2; (49 - 1) / 12 = 4.
    assert uniform_variance(points) == variance


def test_rwg_of_a_five_point_item():
    # 3, 3, 4, 4: mean 3.5, s^2 = 4 x 0.25 / 3 = 1 / 3; rwg = 1 - (1 / 3) / 2 = 0.8333.
    estimate = rwg([3, 3, 4, 4, NAN], 5)
    assert estimate.value == pytest.approx(5 / 6)
    assert (estimate.ci_low, estimate.ci_high, estimate.n) == (None, None, 4)
    assert estimate.reason is None


def test_rwg_on_seven_points_uses_its_own_null():
    # 2, 4, 6: s^2 = 4 = the 7-point null: rwg = 0 without truncation.
    assert rwg([2, 4, 6], 7) == Estimate(0.0, n=3)


def test_perfect_agreement_is_1():
    assert rwg([4, 4, 4], 5).value == 1.0


def test_rwg_below_zero_is_truncated_and_says_so():
    # 1, 5, 1, 5: s^2 = 16 / 3 = 5.33 > 2: 1 - 2.67 < 0 -> 0.
    estimate = rwg([1, 5, 1, 5], 5)
    assert estimate.value == 0.0
    assert "truncated to 0" in estimate.reason


@pytest.mark.parametrize("values", [[], [3], [NAN, NAN, 2]])
def test_rwg_needs_two_respondents(values):
    estimate = rwg(values, 5)
    assert estimate.is_missing
    assert estimate.reason == "fewer than 2 respondents: agreement undefined"


def test_rwg_j_of_a_two_item_scale():
    # Item variances 1/3 (3, 3, 4, 4) and 2/3 (2, 3, 4, 3): mean 0.5; ratio 0.5 / 2 = 0.25;
    # rwg(j) = 2 x 0.75 / (2 x 0.75 + 0.25) = 1.5 / 1.75 = 0.857143.
    matrix = pd.DataFrame({"a": [3, 3, 4, 4], "b": [2, 3, 4, 3]})
    estimate = rwg_j(matrix, 5)
    assert estimate.value == pytest.approx(1.5 / 1.75)
    assert estimate.n == 4


def test_rwg_j_leaves_out_items_answered_by_fewer_than_two():
    matrix = pd.DataFrame({"a": [3, 3, 4, 4], "b": [2, 3, 4, 3], "c": [NAN, NAN, 5, NAN]})
    assert rwg_j(matrix, 5).value == pytest.approx(1.5 / 1.75)


def test_rwg_j_past_the_null_is_truncated_to_0_not_blown_up():
    # Both items 1, 5, 1, 5: mean variance 16 / 3 > 2. The raw formula would give
    # 2 x (1 - 8/3) / (2 x (1 - 8/3) + 8/3) = -3.33 / -0.67 = 5.
    matrix = pd.DataFrame({"a": [1, 5, 1, 5], "b": [5, 1, 5, 1]})
    estimate = rwg_j(matrix, 5)
    assert estimate.value == 0.0
    assert "truncated to 0" in estimate.reason


@pytest.mark.parametrize(
    "matrix",
    [
        pd.DataFrame({"a": [], "b": []}),
        pd.DataFrame({"a": [3.0], "b": [4.0]}),
        pd.DataFrame({"a": [NAN, NAN], "b": [NAN, NAN]}),
    ],
)
def test_rwg_j_needs_two_respondents(matrix):
    estimate = rwg_j(matrix, 5)
    assert estimate.is_missing
    assert estimate.reason == "fewer than 2 respondents: agreement undefined"


@given(st.lists(st.lists(st.integers(1, 5) | st.just(NAN), min_size=3, max_size=3), max_size=12))
def test_agreement_stays_within_0_and_1(rows):
    matrix = pd.DataFrame(rows, columns=["a", "b", "c"], dtype="float64")
    for estimate in (rwg(matrix["a"], 5), rwg_j(matrix, 5)):
        assert_defined(estimate)
        if not estimate.is_missing:
            assert 0 <= estimate.value <= 1


def test_inputs_are_left_alone():
    values = pd.Series([1.0, NAN, 3.0])
    matrix = pd.DataFrame({"a": [1.0, 2.0, NAN], "b": [3.0, 3.0, 4.0]})
    mean_ci(values)
    rwg(values, 5)
    rwg_j(matrix, 5)
    assert values.isna().tolist() == [False, True, False]
    assert np.isnan(matrix.loc[2, "a"])
