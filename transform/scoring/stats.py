"""Means, shares and differences with their 95% intervals, and within-team agreement.

Every function drops NaN ("don't know", a missing score) before anything else and returns
an `Estimate`; what cannot be estimated comes back with value None and a reason, never
as NaN and never as an exception.

- Proportion: the Wilson (1927) score interval, in percent.
- Mean of a bounded score (an element mean, the adoption index, a subscale on 0-100):
  the mean as a share of its range with a Wilson interval on the effective sample size
  (Korn & Graubard 1998), so that it stays inside the range and never shrinks to a point
  because every answer sits at one end. One value has no interval.
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
Z = float(stats.norm.ppf(QUANTILE))
#: A variance (on the 0-1 range) below this is no spread at all, only float rounding.
_NO_SPREAD = 1e-12


def bounded_mean_ci(values: Iterable[float], low: float = 0.0, high: float = 100.0) -> Estimate:
    """Mean of scores that lie in [low, high], with a 95% interval that respects the bounds.

    NaN values are left out; a value outside the bounds is refused.
    """
    x = _finite(values)
    check_bounded(x, low, high)
    n = len(x)
    if n == 0:
        return Estimate.missing("no responses")
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, n=1, reason="one respondent: no interval")
    lows, highs = bounded_mean_bounds(
        np.array([mean]), np.array([float(x.var(ddof=1))]), np.array([n]), low, high
    )
    return Estimate(mean, float(lows[0]), float(highs[0]), n)


def bounded_mean_bounds(
    mean: np.ndarray, variance: np.ndarray, n: np.ndarray, low: float, high: float
) -> tuple[np.ndarray, np.ndarray]:
    """95% bounds of means of scores in [low, high], per group; every n at least 2.

    The mean is taken as a share p of the range and given the Wilson interval of p over
    the effective sample size n* = p(1 - p) / (s^2 / n) x (z / t(0.975; n - 1))^2, s^2 the
    sample variance on the 0-1 range (Korn & Graubard 1998). Scores that do not vary (all
    at one end, or all equal) say nothing about the spread: n* is then n, which assumes
    the largest spread a score with that mean can have, p(1 - p) (Bhatia & Davis 2000),
    so 8 answers all at the top get the interval of 8 successes in 8.
    """
    return bounded_mean_bounds_of([(mean, variance, n, low, high)])[0]


def bounded_mean_bounds_of(
    groups: list[tuple[np.ndarray, np.ndarray, np.ndarray, float, float]],
) -> list[tuple[np.ndarray, np.ndarray]]:
    """bounded_mean_bounds of several sets of (mean, variance, n, low, high) at once: the
    t quantiles and Wilson bounds of all of them are taken in one pass, each figure the
    same as on its own."""
    shares, spreads = [], []
    for mean, variance, _, low, high in groups:
        if high <= low:
            raise ValueError("a bounded score needs low < high")
        span = high - low
        shares.append(np.clip((mean - low) / span, 0.0, 1.0))
        spreads.append(variance / span**2)
    if not groups:
        return []
    share, spread = np.concatenate(shares), np.concatenate(spreads)
    n = np.concatenate([group[2] for group in groups])
    varies = spread > _NO_SPREAD
    effective = n.astype("float64")
    t = t_quantiles(n[varies] - 1)
    effective[varies] = (
        share[varies] * (1 - share[varies]) / (spread[varies] / n[varies]) * (Z / t) ** 2
    )
    lows, highs = wilson_bounds(share, effective)
    result, start = [], 0
    for mean, _, _, low, high in groups:
        stop = start + len(mean)
        span = high - low
        result.append((low + span * lows[start:stop], low + span * highs[start:stop]))
        start = stop
    return result


def t_quantiles(df: np.ndarray) -> np.ndarray:
    """The t distribution's 97.5% quantile at each degrees of freedom: scipy once per
    distinct value in the process (a wave's teams share few sizes, every figure of a
    team has the same ones, and scipy's own overhead per call outweighs the work)."""
    distinct, where = np.unique(df, return_inverse=True)
    missing = [value for value in distinct.tolist() if value not in _T_KNOWN]
    if missing:
        _T_KNOWN.update(zip(missing, stats.t.ppf(QUANTILE, missing).tolist(), strict=True))
    return np.array([_T_KNOWN[value] for value in distinct.tolist()])[where.reshape(-1)]


#: t quantiles found so far, by degrees of freedom: a pure function's results, so
#: keeping them changes nothing but the time.
_T_KNOWN: dict[float, float] = {}


def proportion_ci(successes: int, n: int) -> Estimate:
    """Share of successes in percent with a 95% Wilson score interval."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"{successes} successes out of {n} is not a proportion")
    if n == 0:
        return Estimate.missing("no responses")
    lows, highs = wilson_bounds(np.array([successes / n]), np.array([float(n)]))
    return Estimate(100 * successes / n, 100 * float(lows[0]), 100 * float(highs[0]), n)


def wilson_bounds(share: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson (1927) 95% score bounds, on 0-1, of each share over its n (n > 0, may be
    fractional: an effective sample size)."""
    denominator = 1 + Z * Z / n
    centre = (share + Z * Z / (2 * n)) / denominator
    half = Z / denominator * np.sqrt(share * (1 - share) / n + Z * Z / (4 * n * n))
    # At either end the bound is exactly 0 or 1; rounding would leave it a hair inside.
    lows = np.where(share <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    highs = np.where(share >= 1, 1.0, np.clip(centre + half, 0.0, 1.0))
    return lows, highs


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


def check_bounded(x: np.ndarray, low: float, high: float) -> None:
    """Refuse scores outside [low, high]: a caller's bug, not data to score."""
    slack = 1e-9 * (high - low)  # scores mapped between scales carry float rounding
    if len(x) and (x.min() < low - slack or x.max() > high + slack):
        raise ValueError(f"scores must lie within {low:g} and {high:g}")
