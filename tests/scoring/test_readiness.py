import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transform.scoring.adkar import ADKAR, team_adoption
from transform.scoring.bands import band, whole
from transform.scoring.estimate import Estimate
from transform.scoring.readiness import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    Band,
    adkar_component,
    coverage_component,
    load_component,
    readiness_index,
    survey_component,
    team_agreement,
    team_readiness,
    training_component,
)
from transform.scoring.stats import rwg_j

NAN = float("nan")
ALL = {"readiness_survey": 80, "adkar": 60, "agent_coverage": 100, "training": 50}
ALL |= {"change_load": 70}


def test_default_weights_match_the_programme_and_sum_to_one():
    assert tuple(DEFAULT_WEIGHTS) == COMPONENTS
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)


def test_the_index_is_the_weighted_mean_of_its_components():
    # 0.35 x 80 + 0.25 x 60 + 0.15 x 100 + 0.15 x 50 + 0.10 x 70 = 72.5
    result = readiness_index(ALL)
    assert result.value == pytest.approx(72.5)
    assert result.band == Band.READY
    assert not result.is_reweighted
    assert [(c.name, c.weight, c.effective_weight) for c in result.components] == [
        (name, weight, pytest.approx(weight)) for name, weight in DEFAULT_WEIGHTS.items()
    ]


def test_a_missing_component_drops_out_and_the_rest_are_reweighted_visibly():
    # Without training: (28 + 15 + 15 + 7) / 0.85 = 76.47
    result = readiness_index(ALL | {"training": None})
    assert result.value == pytest.approx(65 / 0.85)
    assert result.is_reweighted
    assert result.missing_components == ("training",)
    parts = {c.name: c for c in result.components}
    assert parts["training"].effective_weight == 0.0
    assert parts["training"].weight == 0.15
    assert parts["readiness_survey"].effective_weight == pytest.approx(0.35 / 0.85)
    assert sum(c.effective_weight for c in result.components) == pytest.approx(1.0)


def test_a_component_left_out_of_the_mapping_is_missing_too():
    result = readiness_index({"readiness_survey": 40.0})
    assert result.value == 40.0
    assert result.band == Band.NOT_READY
    assert len(result.components) == 5
    assert result.missing_components == ("adkar", "agent_coverage", "training", "change_load")


def test_a_missing_estimate_keeps_its_reason():
    result = readiness_index(ALL | {"adkar": Estimate.missing("no responses")})
    parts = {c.name: c for c in result.components}
    assert parts["adkar"].reason == "no responses"
    assert readiness_index(ALL | {"adkar": NAN}).missing_components == ("adkar",)


def test_with_no_component_the_index_is_missing_with_a_reason():
    result = readiness_index(dict.fromkeys(COMPONENTS))
    assert (result.value, result.band) == (None, None)
    assert result.is_missing and result.reason == "no component of the index has data"
    assert readiness_index({}).is_missing


def test_components_that_all_weigh_zero_give_no_index():
    weights = dict.fromkeys(COMPONENTS, 0.0) | {"training": 1.0}
    result = readiness_index({"adkar": 80.0}, weights)
    assert result.is_missing and "weigh 0" in result.reason


def test_weights_need_not_sum_to_one():
    result = readiness_index({"adkar": 80.0, "training": 40.0}, {"adkar": 3, "training": 1})
    assert result.value == pytest.approx(70.0)
    assert [c.effective_weight for c in result.components] == [0.75, 0.25]


@pytest.mark.parametrize(
    ("training", "shown", "expected"),
    [(69.6, 70, Band.READY), (69.4, 69, Band.CAUTION), (49.5, 50, Band.CAUTION)],
)
def test_the_index_is_banded_as_it_is_shown(training, shown, expected):
    result = readiness_index({"training": training})
    assert result.value == pytest.approx(training)
    assert (whole(result.value), result.band) == (shown, expected)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="without a weight"):
        readiness_index({"culture": 50.0})
    with pytest.raises(ValueError, match="0 or more"):
        readiness_index(ALL, DEFAULT_WEIGHTS | {"training": -0.1})
    with pytest.raises(ValueError, match="outside 0-100"):
        readiness_index({"adkar": 120.0})


component_values = st.one_of(st.none(), st.floats(0, 100))


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries({name: component_values for name in COMPONENTS}),
    # Zero or a realistic weight: subnormal floats would break the oracle's own sum.
    st.fixed_dictionaries(
        {name: st.one_of(st.just(0.0), st.floats(1e-3, 10)) for name in COMPONENTS}
    ),
)
def test_the_index_stays_within_0_and_100_and_reweights_exactly(components, weights):
    result = readiness_index(components, weights)
    present = {n: v for n, v in components.items() if v is not None and weights[n] > 0}
    if not present:
        assert result.is_missing and result.reason
        return
    total = sum(weights[n] for n in present)
    expected = sum(v * weights[n] for n, v in present.items()) / total
    assert 0 <= result.value <= 100
    assert result.value == pytest.approx(expected)
    assert sum(c.effective_weight for c in result.components) == pytest.approx(1.0)
    assert result.band == band(result.value)


def test_team_readiness_scores_each_row():
    frame = pd.DataFrame(
        {"adkar": [80.0, None], "training": [Estimate(40.0, n=10), None]}, index=[7, 8]
    )
    frame.index.name = "team_id"
    result = team_readiness(frame)
    assert result[7].value == pytest.approx((0.25 * 80 + 0.15 * 40) / 0.4)
    assert result[8].is_missing


def scores(rows):
    return pd.DataFrame(rows, columns=["team_id", "commitment", "efficacy"])


def test_the_survey_component_is_the_mean_of_the_two_subscale_means():
    # Commitment 4, 5 -> 75, 100: 87.5. Efficacy 3, 4 -> 50, 75: 62.5. Component 75.
    result = survey_component(scores([(1, 4, 3), (1, 5, 4), (2, NAN, 2)]))
    assert result.loc[1, "commitment"].value == pytest.approx(87.5)
    assert result.loc[1, "efficacy"].value == pytest.approx(62.5)
    # Two respondents, 50 and 75: n* = 15 x (1.95996 / 12.7062)^2 = 0.357, so a wide
    # interval, but inside the scale (a t interval ran to -96).
    efficacy = result.loc[1, "efficacy"]
    assert (efficacy.ci_low, efficacy.ci_high) == pytest.approx((3.362, 98.763), abs=1e-3)
    assert result.loc[1, "readiness_survey"].value == pytest.approx(75.0)
    assert result.loc[1, "readiness_survey"].n == 2
    assert result.loc[2, "readiness_survey"].is_missing
    assert result.loc[2, "readiness_survey"].reason == "a subscale has no scores"
    assert result.loc[2, "commitment"].reason == "no commitment scores"


def test_the_survey_component_on_a_7_point_scale():
    result = survey_component(scores([(1, 7, 4)]), scale_points=7)
    assert result.loc[1, "readiness_survey"].value == pytest.approx(75.0)  # (100 + 50) / 2


def test_the_survey_component_needs_its_columns():
    with pytest.raises(ValueError, match="efficacy"):
        survey_component(pd.DataFrame({"team_id": [1], "commitment": [3.0]}))


def test_the_adkar_component_is_the_mean_of_awareness_desire_and_knowledge():
    # Normalised: awareness (4, 5) 87.5, desire (3, 5) 75, knowledge (4, 4) 75 -> 79.17.
    elements = pd.DataFrame(
        [[1, 4, 3, 4, 1, 1], [1, 5, 5, 4, 5, 5], [2, 5, 5, NAN, 5, 5]],
        columns=["team_id", *ADKAR],
    )
    result = adkar_component(team_adoption(elements))
    assert result[1].value == pytest.approx((87.5 + 75 + 75) / 3)
    assert result[1].n == 2
    assert result[2].is_missing and result[2].reason == "an element has no scores"


@pytest.mark.parametrize(
    ("headcount", "agents", "target", "value"),
    [
        (100, 1, 50, 50.0),  # 100 people per agent against 50
        (100, 2, 50, 100.0),  # exactly on target
        (100, 3, 50, 100.0),  # better than target: capped
        (30, 1, 50, 100.0),
        (120, 1, 40, pytest.approx(100 / 3)),
        (100, 0, 50, 0.0),  # no agent
    ],
)
def test_agent_coverage_against_the_target(headcount, agents, target, value):
    assert coverage_component(headcount, agents, target).value == value


def test_agent_coverage_without_headcount_is_missing():
    assert coverage_component(None, 2, 50).reason == "no headcount recorded"
    assert coverage_component(0, 2, 50).is_missing
    assert coverage_component(10, 0, 50).reason == "no change agent covers the team"
    with pytest.raises(ValueError):
        coverage_component(10, 1, 0)


@pytest.mark.parametrize(
    ("trained", "headcount", "value"),
    [(30, 40, 75.0), (40, 40, 100.0), (50, 40, 100.0), (0, 40, 0.0)],
)
def test_training_completion(trained, headcount, value):
    assert training_component(trained, headcount).value == value


def test_training_without_records_or_headcount_is_missing():
    assert training_component(None, 40).reason == "no training records"
    assert training_component(5, 0).reason == "no headcount recorded"


@pytest.mark.parametrize(
    ("percent", "value"), [(0, 100.0), (45, 55.0), (100, 0.0), (130, 0.0), (-5, 100.0)]
)
def test_change_load_component(percent, value):
    assert load_component(percent).value == value


def test_change_load_unknown_is_missing():
    assert load_component(None).is_missing
    assert load_component(NAN).is_missing


def readiness_answers(rows):
    """(response, team, commitment 1, commitment 2, efficacy 1, other) answers."""
    answers = [
        (response, team, item, float(value))
        for response, team, *values in rows
        for item, value in zip((1, 2, 3, 4), values, strict=True)
    ]
    return pd.DataFrame(answers, columns=["response_id", "team_id", "item_id", "value"])


ITEMS = pd.DataFrame(
    {
        "item_id": [1, 2, 3, 4],
        "dimension": ["commitment", "commitment", "efficacy", "workload"],
        "scale_points": 5,
        "is_reverse": False,
    }
)


def test_team_agreement_is_rwg_j_over_the_readiness_items():
    # Item variances 1/3, 0 and 1 (the workload item is not a readiness item): mean 4/9
    # against 2 for a uniform 5-point null, ratio 2/9; J = 3:
    # 3 x 7/9 / (3 x 7/9 + 2/9) = 21/23.
    answers = readiness_answers(
        [(1, 7, 4, 4, 3, 1), (2, 7, 5, 4, 4, 5), (3, 7, 4, 4, 5, 3), (4, 8, 3, 3, 3, 3)]
    )
    result = team_agreement(answers, ITEMS)
    assert result[7].value == pytest.approx(21 / 23)
    assert result[7].n == 3
    matrix = pd.DataFrame({1: [4, 5, 4], 2: [4, 4, 4], 3: [3, 4, 5]}, dtype="float64")
    assert result[7].value == pytest.approx(rwg_j(matrix, 5).value)
    assert result[8].is_missing and "fewer than 2" in result[8].reason


def test_team_agreement_of_unusable_items():
    answers = readiness_answers([(1, 7, 4, 4, 3, 1), (2, 7, 5, 4, 4, 5)])
    mixed = ITEMS.assign(scale_points=[5, 7, 5, 5])
    assert team_agreement(answers, mixed)[7].reason == "readiness items mix scales"
    none = ITEMS.assign(dimension="workload")
    assert team_agreement(answers, none)[7].reason == "no readiness items"


def test_estimates_are_never_nan():
    result = survey_component(scores([(1, NAN, NAN), (2, 3, 3)]))
    for estimate in result.to_numpy().ravel():
        for figure in (estimate.value, estimate.ci_low, estimate.ci_high):
            assert figure is None or math.isfinite(figure)
