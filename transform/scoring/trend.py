"""Trend: how a team's figure changed since the previous wave, with a 95% interval.

Waves are anonymous, so a respondent in one wave cannot be linked to the next: the two
waves are independent samples, never paired.

- A score (a respondent's ADKAR progress, a normalised element score, ...): the change
  is mean(current) - mean(previous), with Welch's t interval (`stats.difference_ci`).
- The adoption rate (share of respondents with no barrier): the change is
  p_current - p_previous in percentage points, with Newcombe's hybrid score interval
  (method 10 of Newcombe 1998, "Interval estimation for the difference between
  independent proportions: comparison of eleven methods", Statistics in Medicine 17,
  873-890). It combines the two Wilson score intervals (l, u) of the proportions:

      low  = d - sqrt((p_cur - l_cur)^2 + (u_prev - p_prev)^2)
      high = d + sqrt((u_cur - p_cur)^2 + (p_prev - l_prev)^2)

  It stays inside -100..100, is defined at 0% and 100%, and keeps close to 95%
  coverage in small groups, where the Wald interval does not.

No previous wave, or fewer than MIN_RESPONDENTS in either wave, gives a missing Estimate
with the reason in words. n is the respondents of both waves together.
"""

import math

import pandas as pd

from transform.scoring import stats
from transform.scoring.estimate import Estimate

#: Fewest respondents a wave needs for its change to be estimated.
MIN_RESPONDENTS = 2


def trend(previous: pd.Series | None, current: pd.Series) -> Estimate:
    """Change of a team's mean score since the previous wave, with a Welch 95% interval."""
    if previous is None:
        return Estimate.missing("no previous wave")
    before = pd.Series(previous, dtype="float64").dropna()
    after = pd.Series(current, dtype="float64").dropna()
    too_few = _too_few(len(before), len(after))
    if too_few:
        return too_few
    return stats.difference_ci(before, after)


def rate_trend(
    prev_successes: int | None, prev_n: int | None, cur_successes: int, cur_n: int
) -> Estimate:
    """Change of an adoption rate since the previous wave, in points, with Newcombe's interval.

    A previous wave that did not happen is passed as None, None.
    """
    if prev_n is None or prev_successes is None:
        return Estimate.missing("no previous wave")
    too_few = _too_few(prev_n, cur_n)
    if too_few:
        return too_few
    before = stats.proportion_ci(prev_successes, prev_n)
    after = stats.proportion_ci(cur_successes, cur_n)
    difference = after.value - before.value
    low = difference - math.hypot(after.value - after.ci_low, before.ci_high - before.value)
    high = difference + math.hypot(after.ci_high - after.value, before.value - before.ci_low)
    return Estimate(difference, max(-100.0, low), min(100.0, high), prev_n + cur_n)


def _too_few(previous: int, current: int) -> Estimate | None:
    if previous >= MIN_RESPONDENTS and current >= MIN_RESPONDENTS:
        return None
    return Estimate.missing(
        f"too few respondents to compare: {previous} in the previous wave and {current} "
        f"in this one (at least {MIN_RESPONDENTS} in each)",
        n=previous + current,
    )
