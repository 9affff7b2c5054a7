"""Readiness over the team tree: subtree context and each team's index, by hand."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.scoring.adkar import ADKAR
from transform.scoring.estimate import Estimate
from transform.scoring.readiness import DEFAULT_WEIGHTS, team_agreement
from transform.scoring.readiness_rollup import readiness_by_team, subtree_context
from transform.scoring.rollup import rollup_adoption

NAN = float("nan")
#: 1 is the root; 2 and 3 are its children; 4 is below 3.
PARENTS = {1: None, 2: 1, 3: 1, 4: 3}


#: (team, headcount, agents, trained, load %): the root has no people of its own.
TREE_CONTEXT = [
    (1, 0, 0, NAN, 0.0),
    (2, 100, 1, 40, 120.0),
    (3, 20, 0, NAN, 0.0),
    (4, 30, 1, 30, 50.0),
]


def context(rows):
    frame = pd.DataFrame(
        rows, columns=["team_id", "headcount", "agents", "trained", "load_percent"]
    )
    return frame.set_index("team_id")


def test_the_subtree_sums_people_agents_and_training_and_weighs_load_by_headcount():
    result = subtree_context(
        context(TREE_CONTEXT),
        PARENTS,
    )
    assert result.loc[1, "headcount"] == 150 and result.loc[1, "agents"] == 2
    assert result.loc[1, "trained"] == 70
    # (100 x 120 + 20 x 0 + 30 x 50) / 150 = 90; the root's own 0 people weigh nothing.
    assert result.loc[1, "load_percent"] == pytest.approx(90.0)
    assert result.loc[3, "trained"] == 30 and result.loc[3, "headcount"] == 50
    assert result.loc[3, "load_percent"] == pytest.approx((20 * 0 + 30 * 50) / 50)
    assert result.loc[2, "load_percent"] == pytest.approx(120.0)


def test_a_subtree_without_training_records_or_headcount_keeps_them_missing():
    result = subtree_context(
        context(
            [(1, 0, 0, NAN, 10.0), (2, 0, 0, NAN, 30.0), (3, 0, 0, NAN, NAN), (4, 0, 0, NAN, NAN)]
        ),
        PARENTS,
    )
    assert pd.isna(result.loc[1, "trained"])
    # No headcount anywhere: the plain mean of the loads recorded.
    assert result.loc[1, "load_percent"] == pytest.approx(20.0)
    assert pd.isna(result.loc[4, "load_percent"])


def test_the_context_needs_its_columns():
    with pytest.raises(ValueError, match="load_percent"):
        subtree_context(pd.DataFrame({"headcount": [1]}), {})


def adoption_of(rows):
    """Element scores (team, A, D, K, R, R) per respondent, rolled up over PARENTS."""
    frame = pd.DataFrame(rows, columns=["team_id", *ADKAR], dtype="float64")
    frame["team_id"] = frame["team_id"].astype("int64")
    return rollup_adoption(frame, PARENTS)


def test_each_team_gets_its_index_from_its_components():
    adoption = adoption_of([(2, 5, 4, 3, 3, 3), (2, 5, 5, 4, 3, 3), (4, 3, 3, 3, 3, 3)])
    ctx = subtree_context(
        context(TREE_CONTEXT),
        PARENTS,
    )
    survey = {2: Estimate(80.0, n=2), 4: Estimate.missing("fewer than 5 readiness responses")}
    results = readiness_by_team(adoption, ctx, survey, DEFAULT_WEIGHTS, 50)
    two = {c.name: c for c in results[2].components}
    # Team 2: A, D, K normalised means (100, 87.5, 62.5) -> 83.33; coverage 50 people
    # per agent target with 100 people and 1 agent -> 50; training 40%; load 120% -> 0.
    assert two["adkar"].value == pytest.approx((100 + 87.5 + 62.5) / 3)
    assert two["agent_coverage"].value == pytest.approx(50.0)
    assert two["training"].value == pytest.approx(40.0)
    assert two["change_load"].value == 0.0
    expected = 0.35 * 80 + 0.25 * (250 / 3) + 0.15 * 50 + 0.15 * 40 + 0.10 * 0
    assert results[2].value == pytest.approx(expected)
    assert not results[2].is_reweighted
    # Team 4's survey is withheld: it drops out, named, and the rest are re-weighted.
    four = results[4]
    assert four.missing_components == ("readiness_survey",)
    assert four.components[0].reason == "fewer than 5 readiness responses"
    assert sum(c.effective_weight for c in four.components) == pytest.approx(1.0)
    # Team 3 has no respondents of its own but pools team 4's.
    assert results[3].components[1].value == pytest.approx(50.0)


def test_agreement_over_the_tree_pools_the_subtree():
    items = pd.DataFrame(
        {"item_id": [1, 2], "dimension": ["commitment", "efficacy"], "scale_points": 5}
    ).assign(is_reverse=False)
    rows = [(1, 2, 4, 4), (2, 2, 5, 4), (3, 4, 2, 2), (4, 4, 1, 1)]
    answers = pd.DataFrame(
        [
            (r, team, item, float(v))
            for r, team, *values in rows
            for item, v in zip((1, 2), values, strict=True)
        ],
        columns=["response_id", "team_id", "item_id", "value"],
    )
    pooled = team_agreement(answers, items, PARENTS)
    flat = team_agreement(answers, items)
    assert pooled[2] == flat[2] and pooled[4] == flat[4]
    # The root and team 3 pool respondents: the root sees all four.
    assert pooled[1].n == 4 and pooled[3].n == 2
    everyone = team_agreement(answers.assign(team_id=9), items)[9]
    assert pooled[1] == everyone


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 500),
            st.integers(0, 10),
            st.one_of(st.none(), st.integers(0, 600)),
            st.one_of(st.none(), st.floats(0, 400)),
        ),
        min_size=4,
        max_size=4,
    )
)
def test_every_index_stays_within_0_and_100(rows):
    frame = context(
        [
            (
                team,
                headcount,
                agents,
                NAN if trained is None else trained,
                NAN if load is None else load,
            )
            for team, (headcount, agents, trained, load) in zip((1, 2, 3, 4), rows, strict=True)
        ]
    )
    results = readiness_by_team(
        adoption_of([(2, 3, 3, 3, 3, 3)]), subtree_context(frame, PARENTS), {}, DEFAULT_WEIGHTS, 40
    )
    for result in results.values():
        assert result.value is None or 0 <= result.value <= 100
