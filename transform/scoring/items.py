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

from dataclasses import dataclass

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
    scale = items["scale_points"].to_numpy()
    if not len(items) or scale.dtype.kind not in "iu":
        points = items.groupby("dimension", sort=False)["scale_points"].max().astype(int)
        points.name = "scale_points"
        return points
    # Whole scales (as loaded), without a group-by: its set-up outweighs a dozen items.
    code, names = pd.factorize(items["dimension"])
    named = code >= 0
    largest = np.full(len(names), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(largest, code[named], scale[named].astype(np.int64))
    index = pd.Index(names, name="dimension")
    return pd.Series(largest.astype(int), index=index, name="scale_points")


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
    coded = _coded_answers(answers, items)
    # Everything below works on integer codes and numpy arrays: grouping a wave's answers
    # by respondent and dimension in pandas costs most of the core's time.
    # A dozen items: a dict beats building an index to look them up.
    position = {dimension: place for place, dimension in enumerate(order)}
    dimension_of_item = np.array(
        [position.get(dimension, -1) for dimension in items["dimension"].tolist()],
        dtype=np.int64,
    )
    # Items are distinct (_coded_answers checks): a dimension's items are its item ids.
    counted = (dimension_of_item >= 0) & items["item_id"].notna().to_numpy()
    item_counts = np.bincount(dimension_of_item[counted], minlength=len(order))
    code = dimension_of_item[coded.item]
    on_scale = coded.score
    points_of_item = points.to_numpy(dtype="float64")[dimension_of_item]
    if (points_of_item != items["scale_points"].to_numpy(dtype="float64")).any():
        # Mixed-scale dimensions only: map each item onto the dimension's scale. Items
        # already on it keep their exact values, so a mean of 3 stays exactly 3.
        dimension_points = points_of_item[coded.item]
        item_points = coded.item_points
        with np.errstate(divide="ignore", invalid="ignore"):
            on_scale = np.where(
                item_points == dimension_points,
                coded.score,
                1 + (coded.score - 1) * (dimension_points - 1) / (item_points - 1),
            )
    means, answered = _group_means(coded.row * len(order) + code, on_scale, len(order), coded)
    means = np.where(answered * 2 >= item_counts, means, np.nan)
    if normalised:
        means = normalise(means, points.to_numpy())
    index = pd.Index(coded.respondents, name="response_id")
    team = answers["team_id"]
    if team.isna().any():
        first_team = team.groupby(answers["response_id"]).first().reindex(index)
    else:
        first_team = pd.Series(
            team.to_numpy()[coded.first_rows], index=index, name="team_id", dtype=team.dtype
        )
    # One frame made from its columns: building the scores' frame and joining the
    # teams to it costs more than the arithmetic above.
    columns = {"team_id": first_team, **dict(zip(order, means.T, strict=True))}
    return pd.DataFrame(columns, index=index, copy=False)


@dataclass(frozen=True)
class _Coded:
    """A wave's answers as arrays, checked as scored_answers checks them."""

    #: The distinct response ids, sorted; `row` is each answer's position among them.
    respondents: np.ndarray
    row: np.ndarray
    #: Where each response's first answer is.
    first_rows: np.ndarray
    #: Each answer's item, as its position in `items`.
    item: np.ndarray
    #: Each item's scale (points), in the order of `items`.
    scales: np.ndarray
    #: The reverse-coded score (NaN for "don't know").
    score: np.ndarray

    @property
    def item_points(self) -> np.ndarray:
        """Each answer's item's scale."""
        return self.scales[self.item]


def _coded_answers(answers: pd.DataFrame, items: pd.DataFrame) -> _Coded:
    _check_columns(answers, ANSWER_COLUMNS, "answers")
    _check_items(items)
    item = _positions(items["item_id"].to_numpy(), answers["item_id"].to_numpy())
    if len(item) and item.min() < 0:
        ids = sorted(pd.unique(answers["item_id"].to_numpy()[item < 0]))
        raise ValueError(f"answers to items not in the instrument: {ids}")
    respondents, first_rows, row = _codes(answers["response_id"].to_numpy())
    if len(row) and np.bincount(row * len(items) + item).max() > 1:
        raise ValueError("a respondent answered one item twice")
    value = answers["value"].astype("float64").to_numpy()
    scales = items["scale_points"].to_numpy(dtype="float64")
    # Items on one scale (the usual case) need no scale per answer.
    item_points = scales[0] if len(scales) and (scales == scales[0]).all() else scales[item]
    if ((value < 1) | (value > item_points)).any():
        raise ValueError("an answer lies off its item's scale")
    reverse = items["is_reverse"].astype(bool).to_numpy()[item]
    score = value.copy()
    np.subtract(item_points + 1, value, out=score, where=reverse)
    return _Coded(respondents, row, first_rows, item, scales, score)


def _positions(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """pd.Index(keys).get_indexer(wanted), -1 where missing; for the small whole ids of
    items, a look-up table instead of a hash of every answer."""
    if (
        len(keys)
        and keys.dtype.kind in "iu"
        and wanted.dtype.kind in "iu"
        and 0 <= keys.min()
        and keys.max() < 1_000_000
    ):
        table = np.full(int(keys.max()) + 1, -1, dtype=np.int64)
        table[keys] = np.arange(len(keys))
        if len(wanted) and 0 <= wanted.min() and wanted.max() < len(table):
            return table[wanted]
        inside = (wanted >= 0) & (wanted < len(table))
        return np.where(inside, table[np.where(inside, wanted, 0)], -1)
    return pd.Index(keys).get_indexer(wanted)


def _codes(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """np.unique(ids, return_index=True, return_inverse=True), without its sort when the
    ids already come in order (a loader's answers come response by response)."""
    if len(ids) and ids.dtype.kind in "iu" and (ids[1:] >= ids[:-1]).all():
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        row = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(ids)]))
        return ids[starts], starts, row
    distinct, first, row = np.unique(ids, return_index=True, return_inverse=True)
    return distinct, first, row.reshape(-1)


def _group_means(
    group: np.ndarray, values: np.ndarray, width: int, coded: _Coded
) -> tuple[np.ndarray, np.ndarray]:
    """Respondents x dimensions: mean and count of the values of each group, NaN left out.

    The sums are compensated (Kahan) and taken in the answers' order, as pandas' grouped
    mean takes them, so that every score is the same to the last bit as it always was.
    """
    size = len(coded.respondents) * width
    known = ~np.isnan(values)
    # "Don't know" weighs nothing rather than being cut out: compacting the answers
    # costs more than summing zeros, which leave every sum as it was.
    filled = np.where(known, values, 0.0)
    count = np.bincount(group, weights=known, minlength=size)
    quarters = filled * 4
    if np.array_equal(quarters, np.rint(quarters)):
        # Quarters (every answer, and every 5-point answer mapped onto 7 points) add up
        # exactly in any order, where compensation stays 0: a plain sum is the same sum.
        total = np.bincount(group, weights=filled, minlength=size)
    else:
        total = _compensated_sums(group[known], values[known], size)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.where(count > 0, total / count, np.nan)
    return means.reshape(-1, width), count.reshape(-1, width)


def _compensated_sums(group: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Kahan sums per group, in the values' order: a step per answer of the largest group."""
    total, compensation = np.zeros(size), np.zeros(size)
    order = np.argsort(group, kind="stable")
    group, values = group[order], values[order]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group
    position = np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    for step in range(int(position.max()) + 1 if len(group) else 0):
        at = position == step
        g, x = group[at], values[at]
        y = x - compensation[g]
        t = total[g] + y
        fix = t - total[g] - y
        compensation[g] = np.where(np.isnan(fix), 0.0, fix)
        total[g] = t
    return total


def item_matrix(answers: pd.DataFrame, items: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Respondents x items of one dimension: reverse-coded scores, NaN where unanswered.

    Every response in `answers` has a row, and every item of the dimension a column (in
    the order of `items`), answered by anyone or not: the input of Cronbach's alpha and
    of rwg(j).
    """
    return _dimension_columns(_full_matrix(answers, items), items, dimension)


def item_matrices(answers: pd.DataFrame, items: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The item matrix of every dimension, in the order of `items`."""
    full = _full_matrix(answers, items)
    return {
        dimension: _dimension_columns(full, items, dimension) for dimension in dimensions(items)
    }


def _full_matrix(answers: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Respondents (sorted) x every item of `items`, placed by numpy indexing from the
    checked, reverse-coded answers: pivoting per dimension, or joining the answers with
    their items first, costs several times as much on a wave of 40,000 respondents."""
    coded = _coded_answers(answers, items)
    values = np.full((len(coded.respondents), len(items)), np.nan)
    values[coded.row, coded.item] = coded.score
    return pd.DataFrame(
        values,
        index=pd.Index(coded.respondents, name="response_id"),
        columns=pd.Index(items["item_id"].to_numpy(), name="item_id"),
    )


def _dimension_columns(full: pd.DataFrame, items: pd.DataFrame, dimension: str) -> pd.DataFrame:
    columns = list(items.loc[items["dimension"] == dimension, "item_id"])
    return full.loc[:, columns]


def _check_items(items: pd.DataFrame) -> None:
    _check_columns(items, ITEM_COLUMNS, "items")
    ids, scales = items["item_id"].to_numpy(), items["scale_points"].to_numpy()
    if ids.dtype.kind in "iu":
        twice = len(np.unique(ids)) != len(ids)
    else:
        twice = items["item_id"].duplicated().any()
    if twice:
        raise ValueError("items lists one item twice")
    short = (scales < 2).any() if scales.dtype.kind in "iuf" else (items["scale_points"] < 2).any()
    if short:
        raise ValueError("an item's scale needs at least 2 points")


def _check_columns(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks the columns {missing}")
