"""The readiness index of a team: a weighted mean of five components on 0-100.

Components (each an Estimate; value None with a reason when there is no data):

- readiness_survey: organisational readiness for change (Weiner 2009) as change
  commitment and change efficacy. Each subscale's team mean is normalised to 0-100 with
  its bounded 95% interval (stats.bounded_mean_ci); the component is the mean of the
  two, so each subscale weighs half whatever the number of its items or respondents, and
  a reader can check it against the two means shown beside it. Missing when either
  subscale has no score.
- adkar: the mean of the team's normalised Awareness, Desire and Knowledge means (the
  elements a team needs before it can act), from adkar.team_adoption.
- agent_coverage: 100 x min(1, target people per agent / the team's people per agent);
  the team's people per agent is its headcount over the agents assigned to it. No agent
  scores 0; no recorded headcount is missing.
- training: people trained / headcount x 100, at most 100.
- change_load: the team's change load headroom, 100 - min(100, its change load in % of
  its capacity for the current month): an unburdened team scores 100, a saturated one 0.
  Like every component, higher is better; pages name it "change load headroom" so that a
  0 for the most loaded team does not read as "no load".

The index is the weighted mean of the components present: a missing component drops
out and the others' weights are scaled to sum to 1. Each component is reported with its
given weight and its effective weight, so the page shows the re-weighting. Its band comes
from bands.band: from the index as shown in whole points, ready from 70, caution from 50,
else not ready. With no component at all (or only components weighted 0), the index is
missing with a reason.

Agreement: rwg(j) (James, Demaree & Wolf 1984) over all the readiness items of a team,
commitment and efficacy together, beside its readiness score.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from transform.scoring.adkar import ADKAR, ScalePoints, mean_ci_by, points_of
from transform.scoring.bands import Band, band
from transform.scoring.estimate import Estimate
from transform.scoring.items import dimension_scale_points, item_matrix
from transform.scoring.rollup import Parents, pooled, subtree_counts
from transform.scoring.stats import rwg_j

COMPONENTS = ("readiness_survey", "adkar", "agent_coverage", "training", "change_load")
#: Per-programme defaults; the names match the Programme's weight_* columns.
DEFAULT_WEIGHTS = MappingProxyType(
    {
        "readiness_survey": 0.35,
        "adkar": 0.25,
        "agent_coverage": 0.15,
        "training": 0.15,
        "change_load": 0.10,
    }
)
#: How pages and reports name each component.
COMPONENT_LABELS = MappingProxyType(
    {
        "readiness_survey": "readiness survey",
        "adkar": "ADKAR A·D·K",
        "agent_coverage": "agent coverage",
        "training": "training",
        "change_load": "change load headroom",
    }
)
SUBSCALES = ("commitment", "efficacy")
#: The ADKAR elements of the adkar component: Awareness, Desire, Knowledge.
READINESS_ELEMENTS = ADKAR[:3]


@dataclass(frozen=True)
class WeightedComponent:
    name: str
    #: 0-100; None when the component has no data.
    value: float | None
    #: The programme's weight for it.
    weight: float
    #: Its share of the index after missing components dropped out; 0 when missing.
    effective_weight: float
    reason: str | None = None

    @property
    def is_missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class ReadinessResult:
    value: float | None
    band: Band | None
    #: Every weighted component, present or missing, in the order of the weights.
    components: tuple[WeightedComponent, ...]
    reason: str | None = None

    @property
    def is_missing(self) -> bool:
        return self.value is None

    @property
    def is_reweighted(self) -> bool:
        """True when a missing component's weight went to the others."""
        return any(c.is_missing and c.weight > 0 for c in self.components)

    @property
    def missing_components(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.components if c.is_missing)


Component = Estimate | float | None


def readiness_index(
    components: Mapping[str, Component], weights: Mapping[str, float] = DEFAULT_WEIGHTS
) -> ReadinessResult:
    """The weighted mean of the components present, weights re-normalised over them."""
    unknown = sorted(set(components) - set(weights))
    if unknown:
        raise ValueError(f"components without a weight: {unknown}")
    for name, weight in weights.items():
        if not weight >= 0:
            raise ValueError(f"the weight of {name} must be 0 or more, not {weight}")
    values = {name: _component_value(name, components.get(name)) for name in weights}
    present = sum(weights[name] for name, (value, _) in values.items() if value is not None)
    parts = tuple(
        WeightedComponent(
            name,
            value,
            float(weights[name]),
            weights[name] / present if value is not None and present > 0 else 0.0,
            reason,
        )
        for name, (value, reason) in values.items()
    )
    if all(part.is_missing for part in parts):
        return ReadinessResult(None, None, parts, "no component of the index has data")
    if present == 0:
        return ReadinessResult(None, None, parts, "the components with data all weigh 0")
    value = sum(part.value * part.effective_weight for part in parts if not part.is_missing)
    value = min(100.0, max(0.0, value))  # float rounding only
    return ReadinessResult(value, band(value), parts)


def team_readiness(
    components: pd.DataFrame, weights: Mapping[str, float] = DEFAULT_WEIGHTS
) -> dict[int, ReadinessResult]:
    """readiness_index of each row: index team_id, a column per component."""
    return {
        team: readiness_index(
            {name: row[name] for name in components.columns if name in weights}, weights
        )
        for team, row in components.iterrows()
    }


def survey_component(scores: pd.DataFrame, scale_points: ScalePoints = 5) -> pd.DataFrame:
    """Per team: commitment, efficacy (normalised means) and readiness_survey Estimates.

    `scores` is items.dimension_scores of a readiness wave: team_id, commitment and
    efficacy on their item scale. n of readiness_survey is the respondents with a score
    on either subscale; it has no interval (it is a mean of two means).
    """
    missing = [name for name in ("team_id", *SUBSCALES) if name not in scores.columns]
    if missing:
        raise ValueError(f"scores lack the columns {missing}")
    teams = pd.Index(sorted(pd.unique(scores["team_id"].dropna())), name="team_id")
    result = pd.DataFrame(index=teams)
    for subscale in SUBSCALES:
        k = points_of(scale_points, subscale)
        normalised = (scores[subscale].astype("float64") - 1) / (k - 1) * 100
        result[subscale] = mean_ci_by(
            normalised, scores["team_id"], teams, 0.0, 100.0, f"no {subscale} scores"
        )
    answered = scores[list(SUBSCALES)].notna().any(axis=1).groupby(scores["team_id"]).sum()
    result["readiness_survey"] = [
        _mean_of(
            [row[s] for s in SUBSCALES], int(answered.get(team, 0)), "a subscale has no scores"
        )
        for team, row in result.iterrows()
    ]
    return result


def adkar_component(adoption: pd.DataFrame) -> pd.Series:
    """Per team: the mean of the normalised Awareness, Desire and Knowledge means.

    `adoption` is adkar.team_adoption (or rollup.rollup_adoption); n is its respondents.
    """
    columns = [f"{element}_normalised" for element in READINESS_ELEMENTS]
    return pd.Series(
        [
            _mean_of([row[c] for c in columns], int(row["n"]), "an element has no scores")
            for _, row in adoption.iterrows()
        ],
        index=adoption.index,
        name="adkar",
        dtype=object,
    )


def coverage_component(headcount: int | None, agents: int, target: int) -> Estimate:
    """100 x min(1, target / (headcount / agents)); 0 with no agent."""
    if target <= 0:
        raise ValueError("the target of people per agent must be positive")
    if not headcount:
        return Estimate.missing("no headcount recorded")
    if agents <= 0:
        return Estimate(0.0, n=headcount, reason="no change agent covers the team")
    return Estimate(100.0 * min(1.0, target * agents / headcount), n=headcount)


def training_component(trained: int | None, headcount: int | None) -> Estimate:
    """People trained / headcount x 100, at most 100."""
    if not headcount:
        return Estimate.missing("no headcount recorded")
    if trained is None:
        return Estimate.missing("no training records", n=headcount)
    return Estimate(min(100.0, 100.0 * max(0, trained) / headcount), n=headcount)


def load_component(load_percent: float | None) -> Estimate:
    """Headroom: 100 - min(100, this month's change load in % of capacity); no load is 100."""
    if load_percent is None or np.isnan(load_percent):
        return Estimate.missing("no change load for the month")
    return Estimate(100.0 - min(100.0, max(0.0, float(load_percent))))


def team_agreement(
    answers: pd.DataFrame, items: pd.DataFrame, parents: Parents | None = None
) -> pd.Series:
    """rwg(j) per team over its readiness items (commitment and efficacy together).

    With `parents`, a team's figure pools the respondents of its whole subtree.
    """
    teams = pd.Index(sorted(pd.unique(answers["team_id"].dropna())), name="team_id")
    if parents is not None:
        teams = pd.Index(sorted(subtree_counts(dict.fromkeys(teams, 1), parents)), name="team_id")
    mine = items[items["dimension"].isin(SUBSCALES)]
    if mine.empty:
        estimates = [Estimate.missing("no readiness items")] * len(teams)
        return pd.Series(estimates, index=teams, name="agreement", dtype=object)
    points = dimension_scale_points(mine)
    if points.nunique() > 1:
        estimates = [Estimate.missing("readiness items mix scales")] * len(teams)
        return pd.Series(estimates, index=teams, name="agreement", dtype=object)
    mine_answers = answers[answers["item_id"].isin(mine["item_id"])]
    matrix = pd.concat(
        [item_matrix(mine_answers, mine, dimension) for dimension in points.index], axis=1
    )
    team_of = mine_answers.groupby("response_id")["team_id"].first().reindex(matrix.index)
    frame = matrix.assign(team_id=team_of)
    if parents is not None:
        frame = pooled(frame, parents).drop(columns="own_team_id")
    k = int(points.iloc[0])
    estimates = {
        team: rwg_j(group.drop(columns="team_id"), k) for team, group in frame.groupby("team_id")
    }
    result = [estimates.get(team, Estimate.missing("no readiness answers")) for team in teams]
    return pd.Series(result, index=teams, name="agreement", dtype=object)


def _component_value(name: str, component: Component) -> tuple[float | None, str | None]:
    if isinstance(component, Estimate):
        value, reason = component.value, component.reason
    else:
        value, reason = component, None
    if value is None or np.isnan(value):
        return None, reason or "no data"
    if not -1e-9 <= value <= 100 + 1e-9:
        raise ValueError(f"the {name} component is {value}, outside 0-100")
    return min(100.0, max(0.0, float(value))), None


def _mean_of(parts: list[Estimate], n: int, reason: str) -> Estimate:
    if any(part.is_missing for part in parts):
        return Estimate.missing(reason, n=n)
    return Estimate(sum(part.value for part in parts) / len(parts), n=n)
