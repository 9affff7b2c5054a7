"""Readiness over the team tree: each team's index from its whole subtree.

A parent team's readiness is computed as if its subtree were one team, as roll-ups of
survey figures are (see rollup): survey respondents are pooled, and the team context is
aggregated over the subtree:

- headcount and agents: summed;
- trained: summed over the teams with a training record, the others counting 0; missing
  when no team of the subtree has a record;
- load_percent: the mean of the teams' change load, weighted by headcount (a plain mean
  when the subtree records no headcount), so a saturated team of 200 weighs more than an
  idle team of 5.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from transform.scoring.estimate import Estimate
from transform.scoring.readiness import (
    ReadinessResult,
    adkar_component,
    coverage_component,
    load_component,
    readiness_index,
    training_component,
)
from transform.scoring.rollup import Parents, pooled

CONTEXT_COLUMNS = ("headcount", "agents", "trained", "load_percent")


def subtree_context(context: pd.DataFrame, parents: Parents) -> pd.DataFrame:
    """Per team (index team_id), its subtree's headcount, agents, trained and load_percent.

    `context` has one row per team (index team_id) and the CONTEXT_COLUMNS; trained and
    load_percent are NaN where the team has no record.
    """
    missing = [name for name in CONTEXT_COLUMNS if name not in context.columns]
    if missing:
        raise ValueError(f"the team context lacks the columns {missing}")
    frame = context.rename_axis("team_id").reset_index()
    frame = frame.astype({"headcount": "float64", "agents": "float64", "trained": "float64"})
    frame["load_percent"] = frame["load_percent"].astype("float64")
    frame["_weighted_load"] = frame["load_percent"] * frame["headcount"]
    frame["_weighed"] = frame["headcount"].where(frame["load_percent"].notna())
    spread = pooled(frame, parents).groupby("team_id")
    sums = spread[["headcount", "agents", "_weighted_load", "_weighed"]].sum()
    trained = spread["trained"].sum(min_count=1)
    plain_load = spread["load_percent"].mean()
    weighted_load = sums["_weighted_load"] / sums["_weighed"].replace(0.0, np.nan)
    result = pd.DataFrame(
        {
            "headcount": sums["headcount"].astype("int64"),
            "agents": sums["agents"].astype("int64"),
            "trained": trained,
            "load_percent": weighted_load.fillna(plain_load),
        }
    )
    result.index.name = "team_id"
    return result


def readiness_by_team(
    adoption: pd.DataFrame,
    context: pd.DataFrame,
    survey: Mapping[int, Estimate],
    weights: Mapping[str, float],
    people_per_agent: int,
) -> dict[int, ReadinessResult]:
    """The readiness index of every team of `context`.

    `adoption` is rollup.rollup_adoption (index team_id); `context` is subtree_context;
    `survey` maps a team to its readiness_survey component (a team absent from it has no
    readiness survey figure, or one withheld for anonymity: the caller says which in the
    Estimate's reason).
    """
    adoption = adoption[adoption.index.isin(context.index)]
    adkar = adkar_component(adoption) if len(adoption) else pd.Series(dtype=object)
    results = {}
    for team_id, row in context.iterrows():
        headcount = int(row["headcount"]) or None
        trained = None if pd.isna(row["trained"]) else int(row["trained"])
        components = {
            "readiness_survey": survey.get(team_id, Estimate.missing("no readiness survey")),
            "adkar": adkar.get(team_id, Estimate.missing("no ADKAR responses")),
            "agent_coverage": coverage_component(headcount, int(row["agents"]), people_per_agent),
            "training": training_component(trained, headcount),
            "change_load": load_component(row["load_percent"]),
        }
        results[int(team_id)] = readiness_index(components, weights)
    return results
