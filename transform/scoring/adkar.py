"""ADKAR barrier points, progress and a team's adoption (Hiatt 2006, Prosci).

A respondent's barrier point is the first element, in the order Awareness, Desire,
Knowledge, Ability, Reinforcement, whose score is at or below the middle of its scale,
1 + (k - 1) / 2: 3 on a 5-point scale, 4 on a 7-point one. A respondent with no such
element has no barrier: they have adopted. Scores come from items.dimension_scores, on
the item scale 1..k.

A missing element score (the half rule of items.dimension_scores) before the first low
element leaves the barrier point undetermined: that element might have been the barrier.
A missing element after the barrier point does not matter. Undetermined respondents are
left out of the adoption index and rate, and counted apart.

A team's barrier point applies the same rule to the team's element means (normalised
0-100, at or below 50), so a page, a report and a gate criterion name one element for a
team; how many of its respondents are stuck at each element is shown beside it.

Progress is the share of the five elements passed before the barrier point: a barrier at
awareness is 0, desire 20, knowledge 40, ability 60, reinforcement 80, no barrier 100.
A team's adoption index is the mean progress of its respondents; its adoption rate is the
share with no barrier. The rate has a Wilson 95% interval; the index and the element means,
scores bounded by their scale, have the bounded-mean interval of stats.bounded_mean_ci,
which stays inside 0-100 (or 1..k) and does not shrink to a point when every respondent
sits at one end of the scale.

Change agents record the element a team is working on; as a progress figure that is the
same scale (working on knowledge = 40). It is flagged beside the survey's adoption index
when the two differ by more than DISAGREEMENT_POINTS.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transform.scoring.estimate import Estimate
from transform.scoring.estimate_array import EstimateArray
from transform.scoring.stats import bounded_mean_bounds, check_bounded, wilson_bounds

ADKAR = ("awareness", "desire", "knowledge", "ability", "reinforcement")
#: The barrier of a respondent whose barrier point cannot be told (a missing element).
UNDETERMINED = "unknown"
#: Progress of a team working on (or a respondent held back at) each element.
STAGE_PROGRESS = {element: 100.0 * position / len(ADKAR) for position, element in enumerate(ADKAR)}
ADOPTED_PROGRESS = 100.0
#: Points by which observed stage and adoption index may differ before they are flagged.
DISAGREEMENT_POINTS = 20.0
NO_DETERMINED = "no respondent with a determined barrier point"
NO_SCORE = "no respondent answered enough of the element's items"
#: Slack for scores mapped between scales (2.9999999 is 3).
_TOLERANCE = 1e-9

ScalePoints = int | Mapping[str, int]


def barrier_threshold(scale_points: int) -> float:
    """The score at or below which an element is a barrier: 1 + (k - 1) / 2."""
    if scale_points < 2:
        raise ValueError("a scale needs at least 2 points")
    return 1 + (scale_points - 1) / 2


def team_barrier_point(normalised_means: Sequence[Estimate | float | None]) -> str | None:
    """A team's barrier point: the first element whose team mean is at or below the middle
    of the scale (50 on 0-100), the respondent's rule applied to the team's ADKAR profile.

    `normalised_means` are the team's element means on 0-100 in ADKAR order. None when no
    element is that low (the team as a whole has passed them all); UNDETERMINED when an
    element before the first low one has no mean, since that element might be it.
    """
    for element, mean in zip(ADKAR, normalised_means, strict=True):
        value = mean.value if isinstance(mean, Estimate) else mean
        if value is None or np.isnan(value):
            return UNDETERMINED
        if value <= 50 + _TOLERANCE:
            return element
    return None


def barrier_points(elements: pd.DataFrame, scale_points: ScalePoints = 5) -> pd.Series:
    """Each respondent's barrier element, None when adopted, UNDETERMINED when unknowable.

    `elements` has one row per respondent and a column per ADKAR element (other columns,
    such as team_id, are ignored); `scale_points` is the scale of every element, or a
    mapping from element to its scale.
    """
    codes = _barrier_codes(_element_scores(elements), scale_points)
    return pd.Series(_LABELS[codes], index=elements.index, name="barrier", dtype=object)


def progress(barriers: pd.Series) -> pd.Series:
    """ADKAR progress 0-100 per respondent; NaN where the barrier is undetermined."""
    figures = {**STAGE_PROGRESS, UNDETERMINED: np.nan}
    unknown = {b for b in barriers.to_numpy() if b is not None and b not in figures}
    if unknown:
        raise ValueError(f"not barrier points: {sorted(map(str, unknown))}")
    values = [ADOPTED_PROGRESS if b is None else figures[b] for b in barriers.to_numpy()]
    return pd.Series(values, index=barriers.index, name="progress", dtype="float64")


def respondent_adoption(elements: pd.DataFrame, scale_points: ScalePoints = 5) -> pd.DataFrame:
    """Per respondent: team_id, barrier and progress."""
    codes = _barrier_codes(_element_scores(elements), scale_points)
    return pd.DataFrame(
        {
            "team_id": elements["team_id"],
            "barrier": pd.Series(_LABELS[codes], index=elements.index, dtype=object),
            "progress": pd.Series(_PROGRESS[codes], index=elements.index, dtype="float64"),
        }
    )


def adoption_columns() -> list[str]:
    """The columns of team_adoption, in order."""
    barrier = [f"barrier_{name}" for name in (*ADKAR, "none", UNDETERMINED)]
    means = [name for element in ADKAR for name in (element, f"{element}_normalised")]
    return ["n", "n_undetermined", "adoption_index", "adoption_rate", *barrier, *means]


def team_adoption(elements: pd.DataFrame, scale_points: ScalePoints = 5) -> pd.DataFrame:
    """Adoption per team: one row per team_id (sorted), the columns of adoption_columns().

    - n: respondents; n_undetermined: those whose barrier point is undetermined.
    - adoption_index, adoption_rate: Estimates (0-100) over the determined respondents.
    - barrier_<element>, barrier_none, barrier_unknown: respondents per barrier point.
    - <element>: Estimate of the element's mean on its item scale, over the respondents
      who have a score for it; <element>_normalised: the same on 0-100.

    Estimates sit in columns of estimate_array.EstimateArray, made when read:
    `frame.loc[team_id, "adoption_index"].value`, or `frame.to_dict("index")` for a
    template.
    """
    if "team_id" not in elements.columns:
        raise ValueError("elements lack the column team_id")
    scores = _element_scores(elements)
    codes = _barrier_codes(scores, scale_points)
    return adoption_of_groups(elements["team_id"].to_numpy(), scores, codes, scale_points)


def respondent_scores(elements: pd.DataFrame, scale_points: ScalePoints = 5):
    """Respondents x ADKAR element scores, and each respondent's barrier code: what
    adoption_of_groups takes, computed once however many groups a respondent counts in."""
    scores = _element_scores(elements)
    return scores, _barrier_codes(scores, scale_points)


def adoption_of_groups(
    group: np.ndarray, scores: np.ndarray, codes: np.ndarray, scale_points: ScalePoints = 5
) -> pd.DataFrame:
    """team_adoption of rows given as arrays: each row's group, element scores and
    barrier code (respondent_scores); rows may repeat a respondent in several groups."""
    teams = pd.Index(sorted(pd.unique(group[~pd.isna(group)])), name="team_id")
    team_code = teams.get_indexer(group)
    known = team_code >= 0  # rows without a team count nowhere
    counts = np.bincount(
        team_code[known] * len(_LABELS) + codes[known], minlength=len(teams) * len(_LABELS)
    ).reshape(len(teams), len(_LABELS))

    def intervals(columns):
        return [
            _mean_intervals(values, team_code, len(teams), low, high)
            for values, low, high in columns
        ]

    return adoption_frame(teams, counts, intervals, scores, codes, scale_points)


def adoption_frame(
    teams: pd.Index,
    counts: np.ndarray,
    intervals,
    scores: np.ndarray,
    codes: np.ndarray,
    scale_points: ScalePoints = 5,
) -> pd.DataFrame:
    """The frame of team_adoption from each team's respondents per barrier code
    (`counts`, teams x codes) and `intervals([(values, low, high), ...])`, which gives
    each team's n, mean and bounded interval of each column of per-respondent values."""
    # Columns gathered in a dict and made into a frame once: inserting them one by one
    # costs more than computing them.
    columns = {"n": counts.sum(axis=1)}
    for position, name in enumerate((*ADKAR, UNDETERMINED, "none")):
        columns[f"barrier_{name}"] = counts[:, position]
    columns["n_undetermined"] = columns[f"barrier_{UNDETERMINED}"]
    points = [points_of(scale_points, element) for element in ADKAR]
    index, *elements = intervals(
        [
            (_PROGRESS[codes], 0.0, 100.0),
            *(
                (np.ascontiguousarray(scores[:, position]), 1.0, k)
                for position, k in enumerate(points)
            ),
        ]
    )
    columns["adoption_index"] = _estimates(*index, NO_DETERMINED)
    columns["adoption_rate"] = _proportions(
        columns["barrier_none"].astype("float64"),
        (columns["n"] - columns["n_undetermined"]).astype("float64"),
        NO_DETERMINED,
    )
    for element, k, (n, *figures) in zip(ADKAR, points, elements, strict=True):
        columns[element] = _estimates(n, *figures, NO_SCORE)
        normalised = [(x - 1) / (k - 1) * 100 for x in figures]
        columns[f"{element}_normalised"] = _estimates(n, *normalised, NO_SCORE)
    return pd.DataFrame(
        {name: columns[name] for name in adoption_columns()}, index=teams, copy=False
    )


@dataclass(frozen=True)
class StageComparison:
    """The change agents' observed stage beside the survey's adoption index."""

    #: The survey's adoption index, 0-100; None when there is none.
    survey: float | None
    #: The element the agents see the team working on; None when nobody observed it.
    observed_stage: str | None
    #: That stage as a progress figure: awareness 0 ... reinforcement 80.
    observed: float | None
    #: survey - observed, in points; None when either is missing.
    difference: float | None
    #: True when the two differ by more than DISAGREEMENT_POINTS.
    disagrees: bool
    reason: str | None = None


def observed_vs_survey(
    survey_index: Estimate | float | None, observed_stage: str | None
) -> StageComparison:
    """Compare the observed stage with the adoption index; flag a gap over 20 points."""
    survey = survey_index.value if isinstance(survey_index, Estimate) else survey_index
    if survey is not None and np.isnan(survey):
        survey = None
    if observed_stage is not None and observed_stage not in STAGE_PROGRESS:
        raise ValueError(f"{observed_stage!r} is not an ADKAR element")
    observed = None if observed_stage is None else STAGE_PROGRESS[observed_stage]
    if survey is None or observed is None:
        reason = "no adoption index" if survey is None else "no observed stage"
        return StageComparison(survey, observed_stage, observed, None, False, reason)
    difference = survey - observed
    return StageComparison(
        survey, observed_stage, observed, difference, abs(difference) > DISAGREEMENT_POINTS
    )


def mean_ci_by(
    values: pd.Series,
    groups: pd.Series,
    teams: pd.Index,
    low: float = 0.0,
    high: float = 100.0,
    empty_reason: str = "no responses",
) -> list[Estimate]:
    """stats.bounded_mean_ci of the values (within [low, high]) of each group in `teams`,
    vectorised; NaN left out."""
    codes = teams.get_indexer(groups)
    moments = _mean_intervals(values.to_numpy(dtype="float64"), codes, len(teams), low, high)
    return _estimates(*moments, empty_reason).tolist()


def _mean_intervals(
    values: np.ndarray, codes: np.ndarray, size: int, low: float, high: float
) -> tuple[np.ndarray, ...]:
    """n, mean and bounded 95% interval of the values per group code (-1 and NaN left out)."""
    keep = (codes >= 0) & ~np.isnan(values)
    x, code = values[keep], codes[keep]
    check_bounded(x, low, high)
    n = np.bincount(code, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(code, weights=x, minlength=size) / n
        # Two passes keep the variance of equal values at 0 or within float rounding of it.
        squares = np.bincount(code, weights=(x - mean[code]) ** 2, minlength=size)
        variance = squares / (n - 1)
    lows, highs = np.full(size, np.nan), np.full(size, np.nan)
    several = n > 1
    lows[several], highs[several] = bounded_mean_bounds(
        mean[several], variance[several], n[several], low, high
    )
    return n, mean, lows, highs


def _estimates(
    n: np.ndarray, mean: np.ndarray, lows: np.ndarray, highs: np.ndarray, empty_reason: str
) -> EstimateArray:
    return EstimateArray.means(n, mean, lows, highs, empty_reason)


def proportion_ci_by(
    successes: pd.Series, totals: pd.Series, empty_reason: str = "no responses"
) -> list[Estimate]:
    """stats.proportion_ci (percent, Wilson 95%) of each pair, vectorised."""
    return _proportions(
        successes.to_numpy(dtype="float64"), totals.to_numpy(dtype="float64"), empty_reason
    ).tolist()


def _proportions(x: np.ndarray, n: np.ndarray, empty_reason: str) -> EstimateArray:
    counted = n > 0
    share = np.zeros_like(n)
    share[counted] = x[counted] / n[counted]
    low, high = np.zeros_like(n), np.zeros_like(n)
    low[counted], high[counted] = wilson_bounds(share[counted], n[counted])
    return EstimateArray.proportions(n, 100 * share, 100 * low, 100 * high, empty_reason)


#: Barrier codes: 0-4 the ADKAR elements, 5 undetermined, 6 no barrier.
_LABELS = np.array([*ADKAR, UNDETERMINED, None], dtype=object)
_PROGRESS = np.array([*STAGE_PROGRESS.values(), np.nan, ADOPTED_PROGRESS])
#: How many barrier codes there are: the width of adoption_frame's counts.
BARRIER_CODES = len(_LABELS)


def _barrier_codes(scores: np.ndarray, scale_points: ScalePoints) -> np.ndarray:
    """The barrier code of each row of respondents x ADKAR scores."""
    thresholds = np.array([barrier_threshold(points_of(scale_points, e)) for e in ADKAR])
    missing = np.isnan(scores)
    stops = (scores <= thresholds + _TOLERANCE) | missing
    first = stops.argmax(axis=1)
    code = np.where(missing[np.arange(len(scores)), first], len(ADKAR), first)
    return np.where(stops.any(axis=1), code, len(ADKAR) + 1)


def points_of(scale_points: ScalePoints, element: str) -> int:
    """The scale of one element (or subscale): the one scale, or its entry in the mapping."""
    if isinstance(scale_points, Mapping):
        return int(scale_points[element])
    return int(scale_points)


def _element_scores(elements: pd.DataFrame) -> np.ndarray:
    missing = [element for element in ADKAR if element not in elements.columns]
    if missing:
        raise ValueError(f"elements lack the ADKAR columns {missing}")
    # Column by column: selecting the five as a frame first costs four times as much.
    return np.stack([elements[element].to_numpy(dtype="float64") for element in ADKAR], axis=1)
