"""Survey item scores and each respondent's dimension scores.

An item is answered on its own agreement scale, 1..k (k is 5 or 7). A reverse-coded
item counts as k + 1 - x, so that a high score always means more of the dimension; a
"don't know" or an unanswered item is missing (NaN) and stays missing.

A respondent's dimension score (an ADKAR element, a readiness subscale, a custom
dimension) is the mean of their answered items of that dimension, and missing when they
answered fewer than half of the dimension's items (exactly half is enough). It is stated
on the dimension's item scale, 1..k, or normalised to 0-100 as (mean - 1) / (k - 1) x 100.

A dimension whose items mix 5- and 7-point scales is scored on the larger scale: each
item's score is first mapped linearly onto it (1 stays 1, k becomes the larger k). A
dimension on one scale, the usual case, is scored on the items' own values, unchanged.

Input frames, as the loader makes them:

- `answers`: one row per answer: `response_id`, `team_id`, `item_id`, `value` (float,
  NaN for "don't know" or unanswered).
- `items`: one row per item: `item_id`, `dimension`, `scale_points`, `is_reverse`.

Inputs that break these shapes are refused with ValueError (they are a loader's bug, not
data to score): an answer to an item not in `items`, two answers of one respondent to one
item, a value off its item's scale.
"""

import numpy as np
import pandas as pd

ANSWER_COLUMNS = ("response_id", "team_id", "item_id", "value")
ITEM_COLUMNS = ("item_id", "dimension", "scale_points", "is_reverse")


def reverse_code(values: pd.Series, scale_points) -> pd.Series:
    """Reverse-code answers on a 1..k scale: k + 1 - x; NaN stays NaN."""
    return (scale_points + 1) - values


def normalise(score, scale_points):
    """A score on a 1..k scale as 0-100: (score - 1) / (k - 1) x 100."""
    return (score - 1) / (scale_points - 1) * 100


def dimensions(items: pd.DataFrame) -> list[str]:
    """The dimensions of an instrument, in the order of their first item."""
    _check_columns(items, ITEM_COLUMNS, "items")
    return list(pd.unique(items["dimension"]))


def dimension_scale_points(items: pd.DataFrame) -> pd.Series:
    """Points of the scale each dimension is scored on: its items' scale, the larger if mixed."""
    _check_columns(items, ITEM_COLUMNS, "items")
    points = items.groupby("dimension", sort=False)["scale_points"].max().astype(int)
    points.name = "scale_points"
    return points


def scored_answers(answers: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Answers joined with their items, plus the reverse-coded `score` and `normalised` 0-100."""
    _check_columns(answers, ANSWER_COLUMNS, "answers")
    _check_items(items)
    scored = answers.merge(
        items[list(ITEM_COLUMNS)], on="item_id", how="left", validate="many_to_one"
    )
    unknown = scored["dimension"].isna()
    if unknown.any():
        ids = sorted(pd.unique(scored.loc[unknown, "item_id"]))
        raise ValueError(f"answers to items not in the instrument: {ids}")
    if scored.duplicated(["response_id", "item_id"]).any():
        raise ValueError("a respondent answered one item twice")
    value = scored["value"].astype("float64")
    points = scored["scale_points"].astype("float64")
    if ((value < 1) | (value > points)).any():
        raise ValueError("an answer lies off its item's scale")
    scored["value"] = value
    scored["score"] = value.where(~scored["is_reverse"].astype(bool), reverse_code(value, points))
    scored["normalised"] = normalise(scored["score"], points)
    return scored


def dimension_scores(
    answers: pd.DataFrame, items: pd.DataFrame, normalised: bool = False
) -> pd.DataFrame:
    """One row per response: `team_id` and a score per dimension, NaN under the half rule.

    Scores are on the dimension's item scale, 1..k, or 0-100 when `normalised`. The index
    is `response_id`, sorted; the dimension columns follow the order of `items`.
    """
    points = dimension_scale_points(items)
    order = list(points.index)
    item_counts = items.groupby("dimension", sort=False)["item_id"].nunique().reindex(order)
    scored = scored_answers(answers, items)
    # Grouping and mapping by integer codes, not by dimension names, keeps this fast.
    per_item = items.set_index("item_id")["dimension"]
    codes = pd.Series(pd.Index(order).get_indexer(per_item), index=per_item.index)
    code = scored["item_id"].map(codes)
    dimension_points = code.map(pd.Series(points.to_numpy(), dtype="float64"))
    item_points = scored["scale_points"].astype("float64")
    # Mixed-scale dimensions only: map each item onto the dimension's scale. Items already
    # on it keep their exact values, so a mean of 3 stays exactly 3.
    on_scale = scored["score"].where(
        item_points == dimension_points,
        1 + (scored["score"] - 1) * (dimension_points - 1) / (item_points - 1),
    )
    grouped = on_scale.groupby([scored["response_id"], code.rename("dimension")])
    codes_order = range(len(order))
    means = grouped.mean().unstack("dimension").reindex(columns=codes_order).astype("float64")
    answered = grouped.count().unstack("dimension").reindex(columns=codes_order).fillna(0)
    means.columns = answered.columns = pd.Index(order)
    means = means.where(answered * 2 >= item_counts)
    if normalised:
        means = normalise(means, points)
    team = scored.groupby("response_id")["team_id"].first()
    result = pd.concat([team, means], axis=1)
    result.index.name = "response_id"
    return result


def item_matrix(answers: pd.DataFrame, items: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Respondents x items of one dimension: reverse-coded scores, NaN where unanswered.

    Every response in `answers` has a row, and every item of the dimension a column (in
    the order of `items`), answered by anyone or not: the input of Cronbach's alpha and
    of rwg(j).
    """
    return _dimension_columns(
        _full_matrix(scored_answers(answers, items), items), items, dimension
    )


def item_matrices(answers: pd.DataFrame, items: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The item matrix of every dimension, in the order of `items`."""
    full = _full_matrix(scored_answers(answers, items), items)
    return {
        dimension: _dimension_columns(full, items, dimension) for dimension in dimensions(items)
    }


def _full_matrix(scored: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Respondents (sorted) x every item of `items`, placed by numpy indexing: pivoting
    per dimension costs ten times as much on a wave of 40,000 respondents."""
    respondents, rows = np.unique(scored["response_id"].to_numpy(), return_inverse=True)
    item_ids = items["item_id"].to_numpy()
    columns = pd.Index(item_ids).get_indexer(scored["item_id"].to_numpy())
    values = np.full((len(respondents), len(item_ids)), np.nan)
    values[rows, columns] = scored["score"].to_numpy(dtype="float64")
    return pd.DataFrame(
        values,
        index=pd.Index(respondents, name="response_id"),
        columns=pd.Index(item_ids, name="item_id"),
    )


def _dimension_columns(full: pd.DataFrame, items: pd.DataFrame, dimension: str) -> pd.DataFrame:
    columns = list(items.loc[items["dimension"] == dimension, "item_id"])
    return full.loc[:, columns]


def _check_items(items: pd.DataFrame) -> None:
    _check_columns(items, ITEM_COLUMNS, "items")
    if items["item_id"].duplicated().any():
        raise ValueError("items lists one item twice")
    if (items["scale_points"] < 2).any():
        raise ValueError("an item's scale needs at least 2 points")


def _check_columns(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the columns {missing}")
