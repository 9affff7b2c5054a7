import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import transform.scoring
from transform.scoring.estimate import Estimate
from transform.scoring.reliability import (
    ALPHA_FLAG,
    alpha_by_dimension,
    cronbach_alpha,
    feldt_interval,
    is_flagged,
)

NAN = math.nan

# Four respondents, three items.
#   item variances: (1, 2, 3, 4) 5/3; (2, 3, 3, 5) 4.75/3; (2, 3, 4, 5) 5/3; sum 59/12
#   totals 5, 8, 10, 14: mean 9.25, variance 42.75 / 3 = 14.25
#   alpha = 3/2 x (1 - (59/12) / 14.25) = 3/2 x (1 - 59/171) = 168/171 = 56/57 = 0.982456
WORKED = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 3, 3, 5], "q3": [2, 3, 4, 5]})


def test_alpha_of_the_worked_example():
    estimate = cronbach_alpha(WORKED)
    assert estimate.value == pytest.approx(56 / 57)
    assert estimate.n == 4
    assert estimate.reason is None


def test_feldt_interval_of_the_worked_example():
    # n = 4, k = 3: df1 = 3, df2 = 6. From F tables F(0.975; 3, 6) = 6.599 and
    # F(0.025; 3, 6) = 1 / F(0.975; 6, 3) = 1 / 14.735 = 0.06787, so
    # lower = 1 - (1/57) x 6.599 = 0.88423, upper = 1 - (1/57) x 0.06787 = 0.99881.
    estimate = cronbach_alpha(WORKED)
    assert estimate.ci_low == pytest.approx(0.88423, abs=1e-4)
    assert estimate.ci_high == pytest.approx(0.99881, abs=1e-4)


def test_feldt_interval_against_a_direct_computation():
    # n = 50, k = 6: df1 = 49, df2 = 245; the bounds are 1 - (1 - alpha) x F quantiles, so
    # (1 - bound) / (1 - alpha) must sit at the 97.5th and 2.5th percentiles of F(49, 245).
    alpha, n, k = 0.8, 50, 6
    low, high = feldt_interval(alpha, n, k)
    df1, df2 = 49, 245
    assert low == pytest.approx(1 - 0.2 * stats.f.ppf(0.975, df1, df2))
    assert high == pytest.approx(1 - 0.2 * stats.f.ppf(0.025, df1, df2))
    assert stats.f.cdf((1 - low) / (1 - alpha), df1, df2) == pytest.approx(0.975)
    assert stats.f.cdf((1 - high) / (1 - alpha), df1, df2) == pytest.approx(0.025)
    assert low < alpha < high


def test_alpha_leaves_out_respondents_with_a_gap():
    with_gaps = pd.concat(
        [WORKED, pd.DataFrame({"q1": [5, NAN], "q2": [NAN, 1], "q3": [1, 1]})],
        ignore_index=True,
    )
    assert cronbach_alpha(with_gaps) == cronbach_alpha(WORKED)


def test_a_negative_alpha_is_reported_as_it_is():
    # q1 1, 5, 3 (variance 4); q2 4, 2, 3 (variance 1); totals 5, 7, 6 (variance 1):
    # alpha = 2 x (1 - 5 / 1) = -8.
    estimate = cronbach_alpha(pd.DataFrame({"q1": [1, 5, 3], "q2": [4, 2, 3]}))
    assert estimate.value == pytest.approx(-8.0)
    assert estimate.ci_low < estimate.value < estimate.ci_high


@pytest.mark.parametrize(
    ("matrix", "reason", "n"),
    [
        (WORKED[["q1"]], "a single item: alpha undefined", 0),
        (WORKED.iloc[:0], "no responses", 0),
        (WORKED.iloc[:1], "fewer than 2 respondents answered every item", 1),
        (
            pd.DataFrame({"q1": [1, 2, NAN], "q2": [NAN, 3, 4]}),
            "fewer than 2 respondents answered every item",
            1,
        ),
        (WORKED.assign(q2=NAN), "nobody answered item q2", 0),
        (pd.DataFrame({"q1": [NAN, NAN], "q2": [NAN, NAN]}), "nobody answered items q1, q2", 0),
        (pd.DataFrame({"q1": [3, 3, 3], "q2": [4, 4, 4]}), "no variance in the answers", 3),
    ],
)
def test_alpha_that_cannot_be_estimated_says_why(matrix, reason, n):
    assert cronbach_alpha(matrix) == Estimate.missing(reason, n=n)


def test_the_flag_is_below_0_7():
    assert ALPHA_FLAG == 0.7
    assert is_flagged(Estimate(0.69))
    assert not is_flagged(Estimate(0.7))
    assert not is_flagged(Estimate.missing("a single item: alpha undefined"))


def test_alpha_of_each_dimension_from_answers():
    items = pd.DataFrame(
        {
            "item_id": [1, 2, 3, 4],
            "dimension": ["desire", "desire", "desire", "ability"],
            "scale_points": [5, 5, 5, 5],
            "is_reverse": [False, False, True, False],
        }
    )
    # Item 3 is reverse-coded, so raw 4, 3, 2, 1 scores as the worked q3: 2, 3, 4, 5.
    raw = {1: [1, 2, 3, 4], 2: [2, 3, 3, 5], 3: [4, 3, 2, 1], 4: [3, 3, 3, 3]}
    answers = pd.DataFrame(
        [
            (response_id, 10, item_id, float(values[response_id - 1]))
            for item_id, values in raw.items()
            for response_id in range(1, 5)
        ],
        columns=["response_id", "team_id", "item_id", "value"],
    )
    alphas = alpha_by_dimension(answers, items)
    assert list(alphas) == ["desire", "ability"]
    assert alphas["desire"] == cronbach_alpha(WORKED)
    assert alphas["ability"] == Estimate.missing("a single item: alpha undefined")


def test_alpha_is_part_of_the_scoring_package():
    estimate = transform.scoring.cronbach_alpha(WORKED)
    assert (estimate.value, estimate.n) == (pytest.approx(56 / 57), 4)
    assert estimate.ci_low < estimate.value < estimate.ci_high


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 5).flatmap(
        lambda k: st.lists(
            st.lists(st.integers(1, 5) | st.just(NAN), min_size=k, max_size=k), max_size=15
        )
    )
)
def test_alpha_agrees_with_the_covariance_form_or_says_why(rows):
    matrix = pd.DataFrame(rows, dtype="float64")
    if matrix.shape[1] == 0:
        return
    estimate = cronbach_alpha(matrix)
    for field in (estimate.value, estimate.ci_low, estimate.ci_high):
        assert field is None or math.isfinite(field)
    if estimate.is_missing:
        assert estimate.reason
        return
    # alpha = k / (k - 1) x (1 - trace(C) / sum(C)) over the complete rows.
    covariance = np.cov(matrix.dropna().to_numpy(), rowvar=False)
    k = covariance.shape[0]
    expected = k / (k - 1) * (1 - np.trace(covariance) / covariance.sum())
    assert estimate.value == pytest.approx(expected)
    assert estimate.value <= 1 + 1e-12
    assert estimate.ci_low <= estimate.value <= estimate.ci_high
