"""Subtree figures from counts: the same as pooling each subtree's respondents."""

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from transform.scoring.rollup import pooled_rows
from transform.scoring.subtrees import Subtrees

#       1
#     /   \
#    2     3
#   / \     \
#  4   5     6
PARENTS = {1: None, 2: 1, 3: 1, 4: 2, 5: 2, 6: 3}


def _tree(teams):
    return Subtrees(np.asarray(teams, dtype="float64"), PARENTS)


def test_teams_are_those_whose_subtree_holds_a_respondent():
    tree = _tree([4, 4, 5, np.nan])
    assert tree.teams.tolist() == [1, 2, 4, 5]
    counts = tree.counts(np.array([0, 1, 1, 0]), 2)
    # Team 1 pools 4 and 5; the respondent without a team counts nowhere.
    assert counts.tolist() == [[1, 2], [1, 2], [1, 1], [0, 1]]


def test_means_of_halves_are_the_pooled_rows_sums_to_the_last_bit():
    rng = np.random.default_rng(3)
    teams = rng.choice([3, 4, 5, 6], 5_000)
    values = rng.integers(2, 11, 5_000) / 2
    values[rng.random(5_000) < 0.1] = np.nan
    n, mean, *_ = _tree(teams).mean_intervals(values, 1.0, 5.0)
    rows, ancestors = pooled_rows(pd.Series(teams), PARENTS)
    known = ~np.isnan(values[rows])
    expected = (
        pd.Series(values[rows][known]).groupby(ancestors[known]).agg(["size", "sum"]).sort_index()
    )
    assert n.tolist() == expected["size"].tolist()
    assert mean.tolist() == (expected["sum"] / expected["size"]).tolist()


def test_sums_of_thirds_are_correctly_rounded():
    teams = [4] * 3 + [5] * 4
    values = np.array([10, 11, 13, 7, 8, 14, 4]) / 3
    n, mean, lows, highs = _tree(teams).mean_intervals(values, 1.0, 5.0)
    exact_sum = sum(Fraction(v) for v in values)
    assert n[0] == 7 and mean[0] == float(exact_sum) / 7  # team 1, over both
    assert lows[0] < mean[0] < highs[0]


def test_a_team_of_one_has_a_mean_and_no_interval():
    n, mean, lows, highs = _tree([6]).mean_intervals(np.array([4.0]), 1.0, 5.0)
    assert n.tolist() == [1, 1, 1] and mean.tolist() == [4.0, 4.0, 4.0]
    assert np.isnan(lows).all() and np.isnan(highs).all()


def test_a_cycle_is_refused():
    with pytest.raises(ValueError, match="cycle"):
        Subtrees(np.array([1.0]), {1: 2, 2: 1})
