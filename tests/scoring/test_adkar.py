import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.scoring.adkar import (
    ADKAR,
    NO_DETERMINED,
    NO_SCORE,
    UNDETERMINED,
    adoption_columns,
    barrier_points,
    barrier_threshold,
    mean_ci_by,
    observed_vs_survey,
    progress,
    proportion_ci_by,
    respondent_adoption,
    team_adoption,
)
from transform.scoring.estimate import Estimate
from transform.scoring.stats import bounded_mean_ci, proportion_ci

NAN = float("nan")


def frame(rows, teams=None):
    """Respondents x ADKAR scores; response ids from 1; team 1 unless given."""
    result = pd.DataFrame(rows, columns=list(ADKAR), dtype="float64")
    result.index = pd.Index(range(1, len(rows) + 1), name="response_id")
    result.insert(0, "team_id", teams if teams is not None else [1] * len(rows))
    return result


def estimates(adoption: pd.DataFrame) -> list[Estimate]:
    return [value for value in adoption.to_numpy().ravel() if isinstance(value, Estimate)]


def assert_no_nan(adoption: pd.DataFrame) -> None:
    for estimate in estimates(adoption):
        for figure in (estimate.value, estimate.ci_low, estimate.ci_high):
            assert figure is None or math.isfinite(figure), estimate
        assert estimate.value is not None or estimate.reason


@pytest.mark.parametrize(("points", "threshold"), [(5, 3.0), (7, 4.0), (3, 2.0), (4, 2.5)])
def test_the_barrier_threshold_is_the_middle_of_the_scale(points, threshold):
    assert barrier_threshold(points) == threshold


def test_a_scale_needs_two_points():
    with pytest.raises(ValueError, match="2 points"):
        barrier_threshold(1)


def test_the_barrier_is_the_first_element_at_or_below_3():
    elements = frame(
        [
            [2, 5, 5, 5, 5],  # awareness
            [4, 3, 2, 5, 5],  # desire, though knowledge is lower
            [4, 4, 3.5, 3, 1],  # ability: 3.5 passes
            [4, 4, 4, 4, 3],  # reinforcement
            [3.01, 4, 4, 4, 4],  # adopted: everything above 3
        ]
    )
    assert barrier_points(elements).tolist() == [
        "awareness",
        "desire",
        "ability",
        "reinforcement",
        None,
    ]


def test_on_a_7_point_scale_the_barrier_is_at_or_below_4():
    elements = frame([[5, 4, 7, 7, 7], [4.5, 4.5, 4.5, 4.5, 4.5], [4.0000000001, 7, 7, 7, 7]])
    assert barrier_points(elements, scale_points=7).tolist() == ["desire", None, "awareness"]


def test_each_element_may_have_its_own_scale():
    points = dict.fromkeys(ADKAR, 5) | {"knowledge": 7}
    elements = frame([[4, 4, 4, 5, 5], [4, 4, 5, 3, 5]])
    assert barrier_points(elements, points).tolist() == ["knowledge", "ability"]


def test_a_missing_element_before_the_first_low_one_leaves_the_barrier_undetermined():
    elements = frame(
        [
            [4, NAN, 2, 5, 5],  # desire might have been the barrier
            [4, 2, NAN, NAN, NAN],  # desire is low: what follows does not matter
            [4, 4, 4, 4, NAN],  # reinforcement might have been the barrier
            [NAN, NAN, NAN, NAN, NAN],
        ]
    )
    assert barrier_points(elements).tolist() == [UNDETERMINED, "desire", UNDETERMINED] + [
        UNDETERMINED
    ]


def test_progress_is_the_share_of_elements_passed():
    barriers = pd.Series([*ADKAR, None, UNDETERMINED], dtype=object)
    assert progress(barriers).tolist()[:6] == [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    assert math.isnan(progress(barriers).iloc[6])


def test_progress_refuses_what_is_not_a_barrier_point():
    with pytest.raises(ValueError, match="adopted"):
        progress(pd.Series(["adopted"]))


def test_respondent_adoption_keeps_index_and_team():
    elements = frame([[2, 5, 5, 5, 5], [5, 5, 5, 5, 5]], teams=[7, 8])
    result = respondent_adoption(elements)
    assert result.index.tolist() == [1, 2]
    assert result["team_id"].tolist() == [7, 8]
    assert result["progress"].tolist() == [0.0, 100.0]


# Team 1: barriers knowledge, ability, ability, reinforcement -> progress 40, 60, 60, 80.
TEAM_ONE = [
    [4, 4, 3, 5, 5],
    [4, 5, 4, 2, 5],
    [5, 4, 4, 3, 4],
    [5, 5, 5, 4, 1],
]


def test_team_adoption_by_hand():
    result = team_adoption(frame(TEAM_ONE))
    assert list(result.columns) == adoption_columns()
    row = result.loc[1]
    assert (row["n"], row["n_undetermined"]) == (4, 0)
    # Progress 40, 60, 60, 80: p = 0.6, s^2 = 0.026667 on 0-1, n* = 36 x (1.95996 /
    # 3.18245)^2 = 13.654; Wilson of 0.6 over 13.654 is 34.74 to 80.86 (docs/scoring.md).
    index = row["adoption_index"]
    assert index.value == pytest.approx(60.0)
    assert (index.ci_low, index.ci_high) == pytest.approx((34.744, 80.865), abs=1e-3)
    assert index.n == 4
    # Nobody adopted: Wilson 0 / 4 is 0 % to 48.99 %.
    rate = row["adoption_rate"]
    assert (rate.value, rate.ci_low, rate.n) == (0.0, 0.0, 4)
    assert rate.ci_high == pytest.approx(48.9897, abs=1e-3)
    barriers = [row[f"barrier_{name}"] for name in (*ADKAR, "none", UNDETERMINED)]
    assert barriers == [0, 0, 1, 2, 1, 0, 0]
    # Awareness 4, 4, 5, 5: p = 0.875, s^2 = 0.020833 on 0-1, n* = 21 x 0.379289 = 7.965;
    # Wilson of 0.875 over 7.965 is 0.5283 to 0.9777: 3.113 to 4.911, normalised 52.8 to 97.8.
    awareness = row["awareness"]
    assert awareness.value == pytest.approx(4.5)
    assert (awareness.ci_low, awareness.ci_high) == pytest.approx((3.1133, 4.9106), abs=1e-3)
    normalised = row["awareness_normalised"]
    assert normalised.value == pytest.approx(87.5)
    assert (normalised.ci_low, normalised.ci_high) == pytest.approx((52.83, 97.77), abs=1e-2)
    assert row["reinforcement"].value == pytest.approx(3.75)


def test_team_adoption_agrees_with_the_stats_functions():
    elements = frame(TEAM_ONE + [[5, 5, 5, 5, 5], [5, 5, 4, 4, 4]])
    row = team_adoption(elements).loc[1]
    index = bounded_mean_ci([40, 60, 60, 80, 100, 100], 0, 100)
    assert _close(row["adoption_index"], index)
    assert _close(row["adoption_rate"], proportion_ci(2, 6))
    assert _close(row["knowledge"], bounded_mean_ci([3, 4, 4, 5, 5, 4], 1, 5))


def _close(a: Estimate, b: Estimate) -> bool:
    figures = ("value", "ci_low", "ci_high")
    same = all(
        (getattr(a, f) is None) == (getattr(b, f) is None)
        and (getattr(a, f) is None or getattr(a, f) == pytest.approx(getattr(b, f)))
        for f in figures
    )
    return same and (a.n, a.reason) == (b.n, b.reason)


def test_teams_are_scored_apart_and_sorted():
    elements = frame([[5, 5, 5, 5, 5], [2, 2, 2, 2, 2], [5, 5, 5, 5, 5]], teams=[9, 3, 9])
    result = team_adoption(elements)
    assert result.index.tolist() == [3, 9]
    assert result.index.name == "team_id"
    assert result.loc[9, "adoption_rate"].value == 100.0
    assert result.loc[3, "adoption_index"].value == 0.0


def test_undetermined_respondents_are_counted_apart_and_left_out():
    elements = frame([[4, 4, 4, 4, 4], [NAN, 4, 4, 4, 4], [2, 4, 4, 4, 4]])
    row = team_adoption(elements).loc[1]
    assert (row["n"], row["n_undetermined"], row["barrier_unknown"]) == (3, 1, 1)
    assert row["adoption_index"].value == pytest.approx(50.0)
    assert row["adoption_index"].n == 2
    assert row["adoption_rate"].value == pytest.approx(50.0)
    assert row["adoption_rate"].n == 2
    assert row["awareness"].n == 2


def test_an_empty_wave_gives_an_empty_frame():
    result = team_adoption(frame([]))
    assert result.empty
    assert list(result.columns) == adoption_columns()


def test_one_respondent_has_figures_but_no_intervals():
    result = team_adoption(frame([[4, 4, 2, 4, 4]]))
    assert_no_nan(result)
    index = result.loc[1, "adoption_index"]
    assert (index.value, index.ci_low, index.ci_high, index.n) == (40.0, None, None, 1)
    assert index.reason == "one respondent: no interval"
    rate = result.loc[1, "adoption_rate"]
    assert rate.value == 0.0 and rate.ci_high == pytest.approx(79.3451, abs=1e-3)


def test_all_adopted():
    result = team_adoption(frame([[5, 5, 5, 5, 5], [4, 4, 4, 4, 4], [5, 4, 5, 4, 5]]))
    row = result.loc[1]
    assert_no_nan(result)
    assert row["adoption_rate"].value == 100.0
    assert row["barrier_none"] == 3
    # Three adopters tell little: the index reads 100 (44-100), as the rate does, not 100-100.
    index, rate = row["adoption_index"], row["adoption_rate"]
    assert (index.value, index.ci_high) == (100.0, 100.0)
    assert index.ci_low == pytest.approx(43.850, abs=1e-3)
    assert index.ci_low == pytest.approx(rate.ci_low)


def test_eight_respondents_all_at_the_top_of_an_element_get_an_interval_that_reflects_n():
    row = team_adoption(frame([[5, 5, 5, 5, 5]] * 8)).loc[1]
    normalised = row["awareness_normalised"]
    assert (normalised.value, normalised.ci_high) == (100.0, 100.0)
    assert normalised.ci_low == pytest.approx(67.559, abs=1e-3)
    assert row["awareness"].ci_low == pytest.approx(1 + 4 * 0.67559, abs=1e-4)
    assert row["adoption_index"].ci_low == pytest.approx(67.559, abs=1e-3)


def test_nobody_answered_an_element():
    result = team_adoption(frame([[4, 4, NAN, 4, 4], [2, 4, NAN, 4, 4]]))
    assert_no_nan(result)
    row = result.loc[1]
    assert row["knowledge"].is_missing and row["knowledge"].reason == NO_SCORE
    assert row["knowledge_normalised"].is_missing
    # The second respondent's barrier is awareness, known before knowledge.
    assert (row["n_undetermined"], row["barrier_awareness"]) == (1, 1)
    assert row["adoption_index"].value == 0.0


def test_a_team_of_undetermined_respondents_has_no_index_and_says_why():
    result = team_adoption(frame([[NAN, 4, 4, 4, 4], [4, 4, 4, 4, NAN]]))
    row = result.loc[1]
    assert_no_nan(result)
    assert row["adoption_index"].is_missing and row["adoption_index"].reason == NO_DETERMINED
    assert row["adoption_rate"].is_missing and row["adoption_rate"].reason == NO_DETERMINED
    assert row["n"] == 2


def test_frames_without_the_elements_are_refused():
    with pytest.raises(ValueError, match="reinforcement"):
        barrier_points(frame([[4, 4, 4, 4, 4]]).drop(columns="reinforcement"))
    with pytest.raises(ValueError, match="team_id"):
        team_adoption(frame([[4, 4, 4, 4, 4]]).drop(columns="team_id"))


def test_inputs_are_left_unchanged():
    elements = frame(TEAM_ONE)
    before = elements.copy()
    team_adoption(elements)
    barrier_points(elements)
    pd.testing.assert_frame_equal(elements, before)


@pytest.mark.parametrize(
    ("survey", "stage", "observed", "difference", "disagrees"),
    [
        (65.0, "knowledge", 40.0, 25.0, True),
        (60.0, "knowledge", 40.0, 20.0, False),  # exactly 20 is not more than 20
        (10.0, "ability", 60.0, -50.0, True),
        (Estimate(85.0, 80.0, 90.0, 30), "reinforcement", 80.0, 5.0, False),
        (0.0, "awareness", 0.0, 0.0, False),
    ],
)
def test_observed_stage_beside_the_survey(survey, stage, observed, difference, disagrees):
    result = observed_vs_survey(survey, stage)
    assert (result.observed, result.difference, result.disagrees) == (
        observed,
        difference,
        disagrees,
    )
    assert result.reason is None


def test_a_missing_side_is_never_flagged():
    assert observed_vs_survey(None, "desire").reason == "no adoption index"
    assert observed_vs_survey(Estimate.missing("no responses"), "desire").disagrees is False
    result = observed_vs_survey(50.0, None)
    assert (result.disagrees, result.reason, result.observed) == (False, "no observed stage", None)
    with pytest.raises(ValueError, match="ADKAR"):
        observed_vs_survey(50.0, "adopted")


scores = st.one_of(st.just(NAN), st.floats(1, 5), st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0]))
rows = st.lists(st.lists(scores, min_size=5, max_size=5), min_size=0, max_size=30)


@settings(max_examples=80, deadline=None)
@given(rows, st.lists(st.integers(1, 4), min_size=30, max_size=30))
def test_indices_stay_within_0_and_100(data, teams):
    result = team_adoption(frame(data, teams[: len(data)]))
    assert_no_nan(result)
    for column in ("adoption_index", "adoption_rate", *(f"{e}_normalised" for e in ADKAR)):
        for estimate in result[column]:
            for figure in (estimate.value, estimate.ci_low, estimate.ci_high):
                assert figure is None or 0 <= figure <= 100
    assert (
        result["n"] == result[[c for c in result if c.startswith("barrier_")]].sum(axis=1)
    ).all()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.floats(1, 5), min_size=5, max_size=5),
    st.integers(0, 4),
    st.floats(0, 4),
)
def test_raising_one_element_never_lowers_progress(scores_, element, rise):
    raised = list(scores_)
    raised[element] = min(5.0, raised[element] + rise)
    before, after = progress(barrier_points(frame([scores_, raised])))
    assert after >= before


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.one_of(st.just(NAN), st.floats(0, 100)))))
def test_vectorised_means_agree_with_bounded_mean_ci(pairs):
    values = pd.Series([value for _, value in pairs], dtype="float64")
    groups = pd.Series([group for group, _ in pairs])
    teams = pd.Index(range(1, 6))
    for team, estimate in zip(teams, mean_ci_by(values, groups, teams), strict=True):
        expected = bounded_mean_ci(values[groups == team], 0, 100)
        assert _close(estimate, expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1))
def test_vectorised_shares_agree_with_proportion_ci(pairs):
    pairs = [(min(a, b), max(a, b)) for a, b in pairs]
    successes = pd.Series([a for a, _ in pairs])
    totals = pd.Series([b for _, b in pairs])
    for (a, b), estimate in zip(pairs, proportion_ci_by(successes, totals), strict=True):
        assert _close(estimate, proportion_ci(a, b))


def test_rows_without_a_team_count_nowhere():
    elements = frame([[5, 5, 5, 5, 5], [2, 2, 2, 2, 2]], teams=[1, np.nan])
    result = team_adoption(elements)
    assert result.index.tolist() == [1]
    assert result.loc[1, "n"] == 1
