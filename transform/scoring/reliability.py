"""Internal consistency of a dimension's items: Cronbach's alpha with Feldt's 95% interval.

alpha = k / (k - 1) x (1 - sum of the item variances / variance of the total score)
(Cronbach 1951), variances with ddof 1, over the respondents who answered every item
(listwise deletion: a respondent with a "don't know" or a gap is left out, so that every
variance comes from the same people).

Interval (Feldt 1965; Feldt, Woodruff & Salih 1987): with n respondents and k items,
(1 - alpha) / (1 - alpha_true) follows F with n - 1 and (n - 1)(k - 1) degrees of
freedom, so the bounds are 1 - (1 - alpha) x F(0.975) and 1 - (1 - alpha) x F(0.025).

Nothing is clipped: alpha below 0 (items that disagree more than chance) is reported as
it is. An alpha below ALPHA_FLAG is flagged.
"""

import pandas as pd
from scipy import stats

from transform.scoring.estimate import CONFIDENCE, Estimate
from transform.scoring.items import item_matrices

#: Alpha below which a dimension's items are flagged as not hanging together.
ALPHA_FLAG = 0.7


def cronbach_alpha(items: pd.DataFrame) -> Estimate:
    """Cronbach's alpha of respondents x items scores (NaN unanswered) with Feldt's 95% CI."""
    matrix = items.astype("float64")
    k = matrix.shape[1]
    if k < 2:
        return Estimate.missing("a single item: alpha undefined")
    if matrix.empty:
        return Estimate.missing("no responses")
    complete = matrix.dropna()
    n = len(complete)
    unanswered = [str(column) for column in matrix.columns if matrix[column].isna().all()]
    if unanswered:
        label = "item" if len(unanswered) == 1 else "items"
        return Estimate.missing(f"nobody answered {label} {', '.join(unanswered)}", n=n)
    if n < 2:
        return Estimate.missing("fewer than 2 respondents answered every item", n=n)
    total_variance = float(complete.sum(axis=1).var(ddof=1))
    if total_variance == 0:
        return Estimate.missing("no variance in the answers", n=n)
    item_variances = float(complete.var(ddof=1).sum())
    alpha = k / (k - 1) * (1 - item_variances / total_variance)
    low, high = feldt_interval(alpha, n, k)
    return Estimate(alpha, low, high, n)


def feldt_interval(alpha: float, n: int, k: int) -> tuple[float, float]:
    """Feldt's 95% interval of alpha from n respondents and k items."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - CONFIDENCE) / 2
    low = 1 - (1 - alpha) * float(stats.f.ppf(1 - tail, df1, df2))
    high = 1 - (1 - alpha) * float(stats.f.ppf(tail, df1, df2))
    return low, high


def is_flagged(estimate: Estimate) -> bool:
    """True when alpha is below ALPHA_FLAG; a missing alpha is not flagged."""
    return estimate.value is not None and estimate.value < ALPHA_FLAG


def alpha_by_dimension(answers: pd.DataFrame, items: pd.DataFrame) -> dict[str, Estimate]:
    """Cronbach's alpha of each dimension of an instrument, in the order of `items`."""
    matrices = item_matrices(answers, items)
    return {dimension: cronbach_alpha(matrix) for dimension, matrix in matrices.items()}
