"""Means, shares and differences with their 95% intervals, and within-team agreement.

Every function drops NaN ("don't know", a missing score) before anything else and returns
an `Estimate`; what cannot be estimated comes back with value None and a reason, never
as NaN and never as an exception.

- Mean: t-based interval, mean +/- t(0.975; n - 1) x sd / sqrt(n), sd with ddof 1. One
  value has no interval; values that are all equal give a valid zero-width interval.
- Proportion: the Wilson (1927) score interval, in percent.
- Difference of two means: Welch's (1947) t interval with Welch-Satterthwaite degrees of
  freedom.
- Agreement: rwg and rwg(j) of James, Demaree & Wolf (1984) against a uniform null. They
  have no interval (value only).
"""

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from transform.scoring.estimate import CONFIDENCE, Estimate

#: The two-sided quantile that gives a CONFIDENCE interval.
QUANTILE = 1 - (1 - CONFIDENCE) / 2


def mean_ci(values: Iterable[float]) -> Estimate:
    """Mean of the values with a t-based 95% interval; NaN values are left out."""
    x = _finite(values)
    n = len(x)
    if n == 0:
        return Estimate.missing("no responses")
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, n=1, reason="one respondent: no interval")
    half = float(stats.t.ppf(QUANTILE, n - 1)) * float(x.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)


def proportion_ci(successes: int, n: int) -> Estimate:
    """Share of successes in percent with a 95% Wilson score interval."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"{successes} successes out of {n} is not a proportion")
    if n == 0:
        return Estimate.missing("no responses")
    z = float(stats.norm.ppf(QUANTILE))
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At either end the bound is exactly 0 or 1; rounding would leave it a hair inside.
    low = 0.0 if successes == 0 else centre - half
    high = 1.0 if successes == n else centre + half
    return Estimate(100 * p, 100 * low, 100 * high, n)


def difference_ci(a: Iterable[float], b: Iterable[float]) -> Estimate:
    """mean(b) - mean(a) with a Welch t 95% interval; n is the two groups together."""
    x, y = _finite(a), _finite(b)
    n = len(x) + len(y)
    if len(x) < 2:
        return Estimate.missing("fewer than 2 respondents in the first group", n=n)
    if len(y) < 2:
        return Estimate.missing("fewer than 2 respondents in the second group", n=n)
    difference = float(y.mean() - x.mean())
    var_x = float(x.var(ddof=1)) / len(x)
    var_y = float(y.var(ddof=1)) / len(y)
    se = math.sqrt(var_x + var_y)
    if se == 0:
        return Estimate(difference, difference, difference, n)
    df = (var_x + var_y) ** 2 / (var_x**2 / (len(x) - 1) + var_y**2 / (len(y) - 1))
    half = float(stats.t.ppf(QUANTILE, df)) * se
    return Estimate(difference, difference - half, difference + half, n)


def uniform_variance(scale_points: int) -> float:
    """Variance of answers spread uniformly over a 1..A scale: (A^2 - 1) / 12."""
    if scale_points < 2:
        raise ValueError("a scale needs at least 2 points")
    return (scale_points**2 - 1) / 12


def rwg(values: Iterable[float], scale_points: int) -> Estimate:
    """Within-group agreement on one item: 1 - s^2 / sigma^2_EU, truncated at 0."""
    expected = uniform_variance(scale_points)
    x = _finite(values)
    n = len(x)
    if n < 2:
        return Estimate.missing("fewer than 2 respondents: agreement undefined", n=n)
    variance = float(x.var(ddof=1))
    if variance > expected:
        return Estimate(0.0, n=n, reason=_TRUNCATED)
    return Estimate(1 - variance / expected, n=n)


def rwg_j(item_matrix: pd.DataFrame, scale_points: int) -> Estimate:
    """Within-group agreement on a J-item scale, from respondents x items scores.

    Each item's variance uses the respondents who answered it; items answered by fewer
    than two are left out of J. n is the respondents who answered at least one item.
    """
    expected = uniform_variance(scale_points)
    matrix = item_matrix.astype("float64")
    n = int(matrix.notna().any(axis=1).sum())
    answered = matrix.notna().sum(axis=0)
    usable = matrix.loc[:, answered >= 2]
    j = usable.shape[1]
    if n < 2 or j == 0:
        return Estimate.missing("fewer than 2 respondents: agreement undefined", n=n)
    mean_variance = float(usable.var(ddof=1).mean())
    # Past the null's variance the formula turns meaningless (it can even exceed 1), so
    # the mean variance is capped at it, which gives 0 (Lindell & Brandt 1997).
    if mean_variance > expected:
        return Estimate(0.0, n=n, reason=_TRUNCATED)
    ratio = mean_variance / expected
    value = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    return Estimate(value, n=n)


_TRUNCATED = "more disagreement than random answers: truncated to 0"


def _finite(values: Iterable[float]) -> np.ndarray:
    x = pd.Series(values, dtype="float64").to_numpy()
    return x[~np.isnan(x)]
