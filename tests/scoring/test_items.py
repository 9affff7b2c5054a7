import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transform.scoring.items import (
    dimension_scale_points,
    dimension_scores,
    item_matrices,
    item_matrix,
    normalise,
    reverse_code,
    scored_answers,
)

NAN = math.nan
frames = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def make_items(*rows):
    """Items from (item_id, dimension, scale_points, is_reverse) tuples."""
    return pd.DataFrame(rows, columns=["item_id", "dimension", "scale_points", "is_reverse"])


def make_answers(*rows):
    """Answers from (response_id, team_id, item_id, value) tuples."""
    return pd.DataFrame(rows, columns=["response_id", "team_id", "item_id", "value"]).astype(
        {"value": "float64"}
    )


# Awareness: 4 five-point items, the second reverse-coded; desire: 3 five-point items.
ITEMS = make_items(
    (1, "awareness", 5, False),
    (2, "awareness", 5, True),
    (3, "awareness", 5, False),
    (4, "awareness", 5, False),
    (5, "desire", 5, False),
    (6, "desire", 5, False),
    (7, "desire", 5, False),
)


@pytest.mark.parametrize(
    ("points", "pairs"),
    [
        (5, [(1, 5), (2, 4), (3, 3), (4, 2), (5, 1)]),
        (7, [(1, 7), (2, 6), (3, 5), (4, 4), (5, 3), (6, 2), (7, 1)]),
    ],
)
def test_reverse_coding_turns_the_scale_round(points, pairs):
    raw, reversed_ = zip(*pairs, strict=True)
    result = reverse_code(pd.Series(raw, dtype="float64"), points)
    assert list(result) == list(reversed_)


def test_reverse_coding_keeps_dont_know_missing():
    result = reverse_code(pd.Series([NAN, 2.0]), 5)
    assert math.isnan(result[0])
    assert result[1] == 4


@pytest.mark.parametrize(
    ("score", "points", "expected"),
    # (score - 1) / (k - 1) x 100: (3 - 1) / 4 = 50 %; (4 - 1) / 6 = 50 %; (2.5 - 1) / 4 = 37.5 %.
    [(1, 5, 0), (3, 5, 50), (5, 5, 100), (2.5, 5, 37.5), (1, 7, 0), (4, 7, 50), (7, 7, 100)],
)
def test_normalise_maps_the_scale_onto_0_to_100(score, points, expected):
    assert normalise(score, points) == pytest.approx(expected)


def test_normalise_takes_a_series():
    assert list(normalise(pd.Series([1.0, 2.0, 5.0]), 5)) == [0, 25, 100]


def test_scored_answers_reverse_code_and_normalise():
    answers = make_answers((1, 10, 1, 4), (1, 10, 2, 4), (1, 10, 3, NAN))
    scored = scored_answers(answers, ITEMS)
    # Item 2 is reversed: 5 + 1 - 4 = 2, normalised (2 - 1) / 4 = 25 %.
    assert list(scored["score"].fillna(-1)) == [4, 2, -1]
    assert list(scored["normalised"].fillna(-1)) == [75, 25, -1]
    assert list(scored["dimension"]) == ["awareness"] * 3


def test_scored_answers_leave_their_inputs_alone():
    answers = make_answers((1, 10, 2, 4))
    before_answers, before_items = answers.copy(), ITEMS.copy()
    scored_answers(answers, ITEMS)
    dimension_scores(answers, ITEMS, normalised=True)
    pd.testing.assert_frame_equal(answers, before_answers)
    pd.testing.assert_frame_equal(ITEMS, before_items)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (make_answers((1, 10, 99, 3)), "not in the instrument"),
        (make_answers((1, 10, 1, 3), (1, 10, 1, 4)), "answered one item twice"),
        (make_answers((1, 10, 1, 6)), "off its item's scale"),
        (make_answers((1, 10, 1, 0)), "off its item's scale"),
    ],
)
def test_answers_a_loader_could_not_have_made_are_refused(answers, message):
    with pytest.raises(ValueError, match=message):
        scored_answers(answers, ITEMS)


def test_dimension_scores_follow_the_half_rule():
    answers = make_answers(
        # Respondent 1 answers all of awareness: 5, reversed 1 -> 5, 4, 2: mean 16 / 4 = 4.
        (1, 10, 1, 5),
        (1, 10, 2, 1),
        (1, 10, 3, 4),
        (1, 10, 4, 2),
        # Desire: two of three answered (enough): (3 + 4) / 2 = 3.5.
        (1, 10, 5, 3),
        (1, 10, 6, 4),
        (1, 10, 7, NAN),
        # Respondent 2: exactly half of awareness (2 of 4) counts: (2 + 3) / 2 = 2.5;
        # one desire item of three is fewer than half: missing.
        (2, 11, 1, 2),
        (2, 11, 3, 3),
        (2, 11, 2, NAN),
        (2, 11, 5, 5),
    )
    scores = dimension_scores(answers, ITEMS)
    assert list(scores.columns) == ["team_id", "awareness", "desire"]
    assert scores.index.name == "response_id"
    assert list(scores.index) == [1, 2]
    assert list(scores["team_id"]) == [10, 11]
    assert scores.loc[1, "awareness"] == 4.0
    assert scores.loc[1, "desire"] == 3.5
    assert scores.loc[2, "awareness"] == 2.5
    assert math.isnan(scores.loc[2, "desire"])


def test_one_answer_of_four_is_fewer_than_half():
    scores = dimension_scores(make_answers((1, 10, 1, 5)), ITEMS)
    assert math.isnan(scores.loc[1, "awareness"])


def test_normalised_dimension_scores_run_0_to_100():
    # Awareness (5 + 4) / 2 = 4.5 -> (4.5 - 1) / 4 = 87.5 %; desire 1, 1 -> 0 %.
    answers = make_answers((1, 10, 1, 5), (1, 10, 3, 4), (1, 10, 5, 1), (1, 10, 6, 1))
    scores = dimension_scores(answers, ITEMS, normalised=True)
    assert scores.loc[1, "awareness"] == 87.5
    assert scores.loc[1, "desire"] == 0.0


def test_a_seven_point_dimension_is_scored_on_its_own_scale():
    items = make_items((1, "commitment", 7, False), (2, "commitment", 7, True))
    # 6 and reversed 3 -> 5: mean 5.5 on 1..7, (5.5 - 1) / 6 = 75 %.
    answers = make_answers((1, 10, 1, 6), (1, 10, 2, 3))
    assert dimension_scores(answers, items).loc[1, "commitment"] == 5.5
    assert dimension_scores(answers, items, normalised=True).loc[1, "commitment"] == 75.0


def test_a_dimension_mixing_scales_is_scored_on_the_larger():
    items = make_items((1, "custom", 5, False), (2, "custom", 7, False))
    # The 5-point 5 maps to 7 (1 + (5 - 1) x 6 / 4); with the 7-point 4: (7 + 4) / 2 = 5.5.
    answers = make_answers((1, 10, 1, 5), (1, 10, 2, 4))
    assert dimension_scale_points(items)["custom"] == 7
    assert dimension_scores(answers, items).loc[1, "custom"] == pytest.approx(5.5)


def test_an_item_nobody_answered_still_counts_towards_the_half():
    # Awareness has four items; everyone answers items 1 and 3 only: exactly half.
    answers = make_answers((1, 10, 1, 2), (1, 10, 3, 4), (2, 10, 1, 5), (2, 10, 3, 5))
    scores = dimension_scores(answers, ITEMS)
    assert list(scores["awareness"]) == [3.0, 5.0]
    assert scores["desire"].isna().all()


def test_dont_know_everywhere_gives_missing_scores_not_errors():
    answers = make_answers((1, 10, 1, NAN), (1, 10, 5, NAN), (2, 11, 2, NAN))
    scores = dimension_scores(answers, ITEMS)
    assert list(scores.index) == [1, 2]
    assert scores[["awareness", "desire"]].isna().all().all()


def test_no_responses_give_an_empty_frame_with_every_column():
    scores = dimension_scores(make_answers(), ITEMS)
    assert list(scores.columns) == ["team_id", "awareness", "desire"]
    assert scores.empty


def test_item_matrix_has_every_respondent_and_every_item_of_the_dimension():
    answers = make_answers((1, 10, 1, 5), (1, 10, 2, 2), (2, 11, 5, 3))
    matrix = item_matrix(answers, ITEMS, "awareness")
    assert list(matrix.index) == [1, 2]
    assert list(matrix.columns) == [1, 2, 3, 4]
    # Item 2 reverse-coded: 6 - 2 = 4; respondent 2 answered no awareness item.
    assert matrix.loc[1].tolist()[:2] == [5.0, 4.0]
    assert matrix[[3, 4]].isna().all().all()
    assert matrix.loc[2].isna().all()


def test_item_matrices_give_one_matrix_per_dimension():
    matrices = item_matrices(make_answers((1, 10, 5, 4)), ITEMS)
    assert list(matrices) == ["awareness", "desire"]
    assert matrices["desire"].loc[1, 5] == 4.0


# Properties -------------------------------------------------------------------------------


@st.composite
def surveys(draw):
    """A random instrument and answers to it, "don't know" included."""
    n_items = draw(st.integers(1, 6))
    items = make_items(
        *[
            (
                item_id,
                draw(st.sampled_from(["a", "b"])),
                draw(st.sampled_from([5, 7])),
                draw(st.booleans()),
            )
            for item_id in range(1, n_items + 1)
        ]
    )
    rows = []
    for response_id in range(1, draw(st.integers(1, 6)) + 1):
        team_id = draw(st.integers(1, 3))
        for item in items.itertuples():
            if draw(st.booleans()):
                value = draw(st.none() | st.integers(1, item.scale_points))
                rows.append((response_id, team_id, item.item_id, NAN if value is None else value))
    return items, make_answers(*rows)


@given(st.sampled_from([5, 7]), st.lists(st.integers(1, 7) | st.just(NAN), max_size=20))
def test_reverse_coding_twice_is_the_identity(points, values):
    series = pd.Series([min(v, points) for v in values], dtype="float64")
    pd.testing.assert_series_equal(reverse_code(reverse_code(series, points), points), series)


@frames
@given(surveys())
def test_normalised_scores_stay_within_0_and_100(survey):
    items, answers = survey
    per_item = scored_answers(answers, items)["normalised"].dropna()
    assert per_item.between(0, 100).all()
    scores = dimension_scores(answers, items, normalised=True).drop(columns="team_id")
    values = scores.to_numpy(dtype="float64")
    values = values[~np.isnan(values)]
    assert ((values >= 0) & (values <= 100)).all()


@frames
@given(surveys(), st.data())
def test_raising_one_answer_moves_the_score_the_right_way(survey, data):
    items, answers = survey
    answered = answers[answers["value"].notna()]
    room = answered.merge(items, on="item_id")
    room = room[room["value"] < room["scale_points"]]
    if room.empty:
        return
    row = room.iloc[data.draw(st.integers(0, len(room) - 1))]
    raised = answers.copy()
    at = (raised["response_id"] == row["response_id"]) & (raised["item_id"] == row["item_id"])
    raised.loc[at, "value"] = row["value"] + data.draw(
        st.integers(1, int(row["scale_points"] - row["value"]))
    )
    before = dimension_scores(answers, items).loc[row["response_id"], row["dimension"]]
    after = dimension_scores(raised, items).loc[row["response_id"], row["dimension"]]
    assert math.isnan(before) == math.isnan(after)
    if not math.isnan(before):
        if row["is_reverse"]:
            assert after <= before
        else:
            assert after >= before


@frames
@given(surveys(), st.randoms(use_true_random=False))
def test_dimension_scores_ignore_the_order_of_rows(survey, random):
    items, answers = survey
    order = list(range(len(answers)))
    random.shuffle(order)
    shuffled = answers.iloc[order].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        dimension_scores(shuffled, items), dimension_scores(answers, items)
    )


def _grouped_means_reference(answers, items):
    """dimension_scores as pandas computes it: a merge, a grouped mean, the half rule."""
    scored = scored_answers(answers, items)
    points = dimension_scale_points(items)
    item_points = scored["scale_points"].astype("float64")
    to = scored["dimension"].map(points).astype("float64")
    on_scale = scored["score"].where(
        item_points == to, 1 + (scored["score"] - 1) * (to - 1) / (item_points - 1)
    )
    grouped = on_scale.groupby([scored["response_id"], scored["dimension"]])
    order = list(points.index)
    means = grouped.mean().unstack().reindex(columns=order)
    answered = grouped.count().unstack().reindex(columns=order).fillna(0)
    counts = items.groupby("dimension")["item_id"].nunique().reindex(order)
    return means.where(answered * 2 >= counts)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dimension_scores_are_pandas_grouped_means_to_the_last_bit(seed):
    # Fractional answers on 3-, 6- and 7-point items, five to a dimension, rows shuffled:
    # sums that are not exact, so a different order or summation would show in the bits.
    rng = np.random.default_rng(seed)
    items = make_items(
        *[
            (i, f"d{i % 4}", int(rng.choice([3, 6, 7])), bool(rng.random() < 0.3))
            for i in range(20)
        ]
    )
    rows = [
        (response, response % 9, item, 1 + rng.random() * (points - 1))
        for response in range(300)
        for item, points in zip(items["item_id"], items["scale_points"], strict=True)
        if rng.random() < 0.8
    ]
    answers = make_answers(*rows).iloc[rng.permutation(len(rows))]
    scores = dimension_scores(answers, items)
    expected = _grouped_means_reference(answers, items)
    values = scores.drop(columns="team_id").to_numpy()
    assert np.array_equal(values, expected.to_numpy(), equal_nan=True)
    assert not np.isnan(values).all()
