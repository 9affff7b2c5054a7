import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.scoring.adkar import ADKAR, team_adoption
from transform.scoring.estimate import Estimate
from transform.scoring.rollup import (
    lineages,
    pooled,
    rollup,
    rollup_adoption,
    subtree_counts,
    subtree_members,
)

#       1
#     /   \
#    2     3
#   / \     \
#  4   5     6
PARENTS = {1: None, 2: 1, 3: 1, 4: 2, 5: 2, 6: 3}


def elements(rows):
    """(team, five scores) rows as an ADKAR frame, response ids from 1."""
    result = pd.DataFrame(
        [scores for _, scores in rows], columns=list(ADKAR), dtype="float64"
    ).reindex(columns=list(ADKAR))
    result.insert(0, "team_id", [team for team, _ in rows])
    result.index = pd.Index(range(1, len(rows) + 1), name="response_id")
    return result


def test_lineages_run_from_the_team_up():
    assert lineages(PARENTS) == {
        1: (1,),
        2: (2, 1),
        3: (3, 1),
        4: (4, 2, 1),
        5: (5, 2, 1),
        6: (6, 3, 1),
    }


def test_a_team_unknown_to_the_tree_is_a_root_and_a_parent_not_listed_is_one_too():
    assert lineages({2: 1}, [9]) == {2: (2, 1), 1: (1,), 9: (9,)}


def test_a_cycle_is_refused():
    with pytest.raises(ValueError, match="cycle"):
        lineages({1: 2, 2: 1})
    with pytest.raises(ValueError, match="cycle"):
        lineages({1: 1})


def test_subtree_members():
    members = subtree_members(PARENTS)
    assert members[1] == {1, 2, 3, 4, 5, 6}
    assert members[2] == {2, 4, 5}
    assert members[3] == {3, 6}
    assert members[4] == {4}


def test_subtree_counts_add_a_teams_own_respondents_to_its_subtrees():
    counts = subtree_counts({1: 1, 4: 3, 5: 2, 6: 7}, PARENTS)
    assert counts == {1: 13, 2: 5, 3: 7, 4: 3, 5: 2, 6: 7}


def test_pooled_repeats_each_row_for_its_team_and_every_ancestor():
    frame = pd.DataFrame({"team_id": [4, 6, 1], "x": [1.0, 2.0, 3.0]}, index=[10, 11, 12])
    result = pooled(frame, PARENTS)
    rows = sorted(zip(result.index, result["team_id"], result["own_team_id"], strict=True))
    assert rows == [(10, 1, 4), (10, 2, 4), (10, 4, 4), (11, 1, 6), (11, 3, 6), (11, 6, 6)] + [
        (12, 1, 1)
    ]
    assert frame["team_id"].tolist() == [4, 6, 1]  # the input is left alone


def test_a_parent_pools_its_subtree_not_an_average_of_averages():
    # Team 4: one adopter (100); team 5: three stuck at awareness (0).
    data = elements(
        [
            (4, [5, 5, 5, 5, 5]),
            (5, [2, 5, 5, 5, 5]),
            (5, [2, 5, 5, 5, 5]),
            (5, [1, 5, 5, 5, 5]),
        ]
    )
    result = rollup_adoption(data, PARENTS)
    assert result.loc[2, "adoption_index"].value == pytest.approx(25.0)  # not (100 + 0) / 2
    assert result.loc[2, "n"] == 4
    assert result.loc[1, "adoption_rate"].value == pytest.approx(25.0)
    assert result.loc[4, "adoption_index"].value == 100.0
    assert result.loc[2, "awareness"].value == pytest.approx((5 + 2 + 2 + 1) / 4)
    assert 3 not in result.index and 6 not in result.index  # no respondents: no row


def test_rows_without_a_team_are_left_out_of_every_rollup():
    data = elements([(4, [5, 5, 5, 5, 5]), (float("nan"), [2, 2, 2, 2, 2])])
    result = rollup_adoption(data, PARENTS)
    assert result.loc[1, "n"] == 1 and result.loc[4, "n"] == 1


def test_rollup_takes_any_per_team_figure():
    data = pd.DataFrame({"team_id": [4, 5, 6], "x": [1.0, 2.0, 4.0]})
    sums = rollup(data, PARENTS, lambda frame: frame.groupby("team_id")["x"].sum())
    assert sums.to_dict() == {1: 7.0, 2: 3.0, 3: 4.0, 4: 1.0, 5: 2.0, 6: 4.0}


def test_an_empty_wave_rolls_up_to_nothing():
    result = rollup_adoption(elements([]), PARENTS)
    assert result.empty


def _same(a: Estimate, b: Estimate) -> bool:
    for figure in ("value", "ci_low", "ci_high"):
        x, y = getattr(a, figure), getattr(b, figure)
        if (x is None) != (y is None) or (x is not None and not math.isclose(x, y, abs_tol=1e-9)):
            return False
    return (a.n, a.reason) == (b.n, b.reason)


@st.composite
def trees_and_respondents(draw):
    size = draw(st.integers(1, 12))
    parents = {1: None}
    for team in range(2, size + 1):
        parents[team] = draw(st.one_of(st.none(), st.integers(1, team - 1)))
    score = st.one_of(st.just(float("nan")), st.sampled_from([1.0, 2.0, 3.0, 3.5, 4.0, 5.0]))
    rows = draw(
        st.lists(
            st.tuples(st.integers(1, size), st.lists(score, min_size=5, max_size=5)),
            max_size=25,
        )
    )
    return parents, elements(rows)


@settings(max_examples=60, deadline=None)
@given(trees_and_respondents())
def test_a_rollup_equals_the_adoption_of_its_pooled_respondents(case):
    parents, data = case
    result = rollup_adoption(data, parents)
    members = subtree_members(parents)
    for team, subtree in members.items():
        mine = data[data["team_id"].isin(subtree)].assign(team_id=team)
        if mine.empty:
            assert team not in result.index
            continue
        expected = team_adoption(mine).loc[team]
        for column, value in result.loc[team].items():
            if isinstance(value, Estimate):
                assert _same(value, expected[column]), (team, column)
            else:
                assert value == expected[column], (team, column)


def test_rollup_of_2000_teams_and_40000_respondents_pools_every_level():
    """Its speed is bench/bench_scoring.py's to measure: no timed tests."""
    rng = np.random.default_rng(6)
    parents, level, team = {1: None}, [1], 2
    for width in (10, 10, 20):  # 1 + 10 + 100 + 2000 teams, four levels
        children = []
        for parent in level:
            for _ in range(width):
                parents[team] = parent
                children.append(team)
                team += 1
        level = children
    scores = rng.integers(1, 6, size=(40_000, 5)).astype("float64")
    scores[rng.random(40_000) < 0.05, 2] = np.nan
    data = pd.DataFrame(scores, columns=list(ADKAR))
    data.insert(0, "team_id", rng.choice(level, 40_000))
    result = rollup_adoption(data, parents)
    assert len(result) == len(parents)
    assert result.loc[1, "n"] == 40_000
    assert result.loc[2, "n"] == (data["team_id"].map(lambda t: parents[parents[t]]) == 2).sum()
