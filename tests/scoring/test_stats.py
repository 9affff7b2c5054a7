import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from transform.scoring.adkar import mean_ci_by
from transform.scoring.estimate import Estimate
from transform.scoring.stats import (
    bounded_mean_ci,
    difference_ci,
    proportion_ci,
    rwg,
    rwg_j,
    t_quantiles,
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


def test_a_bounded_mean_is_a_share_with_a_wilson_interval_on_its_effective_n():
    # Progress 40, 60, 60, 80 on 0-100: p = 0.6, s^2 = 0.08 / 3 = 0.026667 on 0-1;
    # n* = 0.24 / (0.026667 / 4) x (1.95996 / 3.18245)^2 = 36 x 0.379289 = 13.654;
    # Wilson of 0.6 over 13.654: centre 0.57805, half 0.23060 -> 34.74 to 80.86.
    estimate = bounded_mean_ci([40, 60, 60, 80], 0, 100)
    assert (estimate.value, estimate.n) == (60.0, 4)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((34.744, 80.865), abs=1e-3)


def test_a_bounded_mean_on_a_1_to_5_scale_maps_its_interval_back():
    on_scale = bounded_mean_ci([4, 4, 5, 5], 1, 5)
    on_100 = bounded_mean_ci([75, 75, 100, 100], 0, 100)
    assert on_scale.value == 4.5
    assert on_scale.ci_low == pytest.approx(1 + on_100.ci_low / 25)
    assert on_scale.ci_high == pytest.approx(1 + on_100.ci_high / 25)


def test_answers_all_at_one_end_get_the_interval_of_a_share_not_a_point():
    """8 respondents all at 100 read 100 (68-100), as 8 adopters of 8 do: never 100-100."""
    top = bounded_mean_ci([100] * 8, 0, 100)
    assert top.value == 100.0 and top.ci_high == 100.0
    assert top.ci_low == pytest.approx(67.559, abs=1e-3)
    assert (top.ci_low, top.ci_high) == pytest.approx(
        (proportion_ci(8, 8).ci_low, proportion_ci(8, 8).ci_high)
    )
    bottom = bounded_mean_ci([1] * 8, 1, 5)
    assert (bottom.value, bottom.ci_low) == (1.0, 1.0)
    assert bottom.ci_high == pytest.approx(1 + 4 * 0.32441, abs=1e-4)


def test_equal_answers_inside_the_scale_take_the_widest_spread_their_mean_allows():
    # No spread seen says nothing about the spread there is: n* = n, Wilson of 0.6 over 8.
    estimate = bounded_mean_ci([60] * 8, 0, 100)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((28.665, 84.847), abs=1e-3)


@pytest.mark.parametrize("n", [2, 3, 5, 8, 20])
def test_the_interval_at_a_bound_narrows_as_n_grows_but_never_to_a_point(n):
    width = 100 - bounded_mean_ci([100] * n).ci_low
    wider = 100 - bounded_mean_ci([100] * (n - 1)).ci_low if n > 2 else 100
    assert 0 < width < wider


def test_bounded_mean_leaves_dont_know_out_and_needs_values():
    assert bounded_mean_ci(pd.Series([20, NAN, 40, 60, NAN])) == bounded_mean_ci([20, 40, 60])
    assert bounded_mean_ci([NAN, NAN]) == Estimate.missing("no responses")
    one = bounded_mean_ci([NAN, 40])
    assert (one.value, one.ci_low, one.ci_high, one.n) == (40, None, None, 1)
    assert one.reason == "one respondent: no interval"


def test_scores_outside_their_bounds_are_refused():
    with pytest.raises(ValueError, match="within 1 and 5"):
        bounded_mean_ci([0, 3], 1, 5)


def test_near_a_bound_the_interval_keeps_its_95_percent_coverage():
    """Teams of 8 where nearly everyone has adopted (the t interval covered 57% here)."""
    rng = np.random.default_rng(15)
    levels = np.array([0, 20, 40, 60, 80, 100], dtype="float64")
    chances = np.array([0.0, 0.0, 0.02, 0.03, 0.05, 0.90])
    truth = float(levels @ chances)
    teams, size = 4000, 8
    values = pd.Series(rng.choice(levels, size=teams * size, p=chances))
    groups = pd.Series(np.repeat(np.arange(teams), size))
    estimates = mean_ci_by(values, groups, pd.Index(range(teams)))
    covered = np.mean([e.ci_low <= truth <= e.ci_high for e in estimates])
    assert covered >= 0.95


@given(st.lists(st.floats(0, 100) | st.just(NAN), max_size=30))
def test_a_bounded_mean_interval_contains_the_mean_and_stays_in_range(values):
    estimate = bounded_mean_ci(values)
    assert_defined(estimate)
    if estimate.ci_low is not None:
        assert 0 <= estimate.ci_low <= estimate.value <= estimate.ci_high <= 100
        assert estimate.ci_low < estimate.ci_high


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
    bounded_mean_ci(values, 1, 5)
    rwg(values, 5)
    rwg_j(matrix, 5)
    assert values.isna().tolist() == [False, True, False]
    assert np.isnan(matrix.loc[2, "a"])


def test_t_quantiles_are_scipys_at_each_degree_of_freedom():
    df = np.array([5, 1, 19, 5, 300, 1, 2])
    assert np.array_equal(t_quantiles(df), stats.t.ppf(0.975, df))
    assert t_quantiles(np.array([], dtype=np.int64)).shape == (0,)
