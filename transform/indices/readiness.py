"""Each team's readiness index for a dashboard: the core's inputs read from the database.

The index is taken at an as-of date: the latest readiness wave opened by then, the
agents assigned by then, each team's latest training record by then and the change load
of that month. The readiness survey passes its own disclosure control: a team whose
readiness figures are withheld gets the index without the survey component, re-weighted
like any missing component, so the survey figure cannot be recovered from the index.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select

from transform.extensions import db
from transform.indices.waves import opened_waves
from transform.loaders import month_load_percent, wave_frames
from transform.models import (
    AgentAssignment,
    InstrumentKind,
    Programme,
    Team,
    TrainingRecord,
    Wave,
)
from transform.scoring.anonymity import CellState, disclosure
from transform.scoring.estimate import Estimate
from transform.scoring.items import dimension_scale_points, dimension_scores
from transform.scoring.readiness import (
    COMPONENTS,
    SUBSCALES,
    ReadinessResult,
    survey_component,
    team_agreement,
)
from transform.scoring.readiness_rollup import readiness_by_team, subtree_context
from transform.scoring.rollup import Parents, pooled


@dataclass(frozen=True)
class TeamReadiness:
    result: ReadinessResult
    #: The normalised subscale means; missing (with the reason) when withheld or absent.
    commitment: Estimate
    efficacy: Estimate
    #: rwg(j) over the team's readiness items; missing when the survey part is.
    agreement: Estimate
    #: This month's change load in % of capacity, which the change_load component (its
    #: headroom) is 100 minus: shown beside it, since past 100 % the headroom says only 0.
    load_percent: float | None = None


@dataclass(frozen=True)
class ReadinessView:
    as_of: date
    #: The readiness wave the survey component comes from; None when none has opened.
    wave: Wave | None
    weights: dict[str, float]
    teams: dict[int, TeamReadiness]


def programme_weights(programme: Programme) -> dict[str, float]:
    return {name: float(getattr(programme, f"weight_{name}")) for name in COMPONENTS}


def latest_readiness_wave(programme: Programme, as_of: date) -> Wave | None:
    waves = opened_waves(programme, InstrumentKind.READINESS, opened_by=as_of)
    return waves[0] if waves else None


def readiness_view(
    programme: Programme,
    as_of: date,
    parents: Parents,
    adoption: pd.DataFrame,
    team_ids: Iterable[int],
) -> ReadinessView:
    """The teams' readiness at `as_of`; `adoption` is the ADKAR wave's pooled roll-up."""
    wave = latest_readiness_wave(programme, as_of)
    survey = _survey(programme, wave, parents, as_of)
    context = subtree_context(_context(programme, as_of), parents)
    context = context[context.index.isin(list(team_ids))]
    weights = programme_weights(programme)
    survey_parts = {team: parts[0] for team, parts in survey.items()}
    results = readiness_by_team(
        adoption, context, survey_parts, weights, programme.people_per_agent
    )
    absent = Estimate.missing("no readiness survey has opened")
    teams = {
        team: TeamReadiness(
            result,
            *survey.get(team, (absent, absent, absent, absent))[1:],
            load_percent=_percent(context["load_percent"].get(team)),
        )
        for team, result in results.items()
    }
    return ReadinessView(as_of, wave, weights, teams)


def _percent(value: float | None) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _survey(
    programme: Programme, wave: Wave | None, parents: Parents, as_of: date
) -> dict[int, tuple[Estimate, Estimate, Estimate, Estimate]]:
    """Per team: (readiness_survey, commitment, efficacy, agreement), withheld as missing."""
    if wave is None:
        return {}
    frames = wave_frames(wave.id, as_of)
    scores = dimension_scores(frames.answers, frames.items)
    scores = scores.reindex(columns=["team_id", *SUBSCALES])
    control = disclosure(
        scores.groupby("team_id").size().to_dict(), parents, programme.anonymity_threshold
    )
    points = {
        name: int(value)
        for name, value in dimension_scale_points(frames.items).items()
        if name in SUBSCALES
    }
    points = {name: points.get(name, 5) for name in SUBSCALES}
    parts = survey_component(pooled(scores, parents), points)
    agreement = team_agreement(frames.answers, frames.items, parents)
    result = {}
    for team_id in parts.index:
        state = control.cell_state(int(team_id))
        if state != CellState.SHOWN:
            hidden = Estimate.missing(
                f"fewer than {control.threshold} readiness responses"
                if state == CellState.BELOW_THRESHOLD
                else "no readiness responses"
            )
            result[int(team_id)] = (hidden, hidden, hidden, hidden)
            continue
        row = parts.loc[team_id]
        result[int(team_id)] = (
            row["readiness_survey"],
            row["commitment"],
            row["efficacy"],
            agreement.get(team_id, Estimate.missing("no readiness answers")),
        )
    return result


def _context(programme: Programme, as_of: date) -> pd.DataFrame:
    """Per team: headcount, agents, trained (latest record) and this month's load %."""
    teams = pd.DataFrame.from_records(
        db.session.execute(select(Team.id, Team.headcount, Team.change_capacity)).all(),
        columns=["team_id", "headcount", "capacity"],
    ).set_index("team_id")
    agents = dict(
        db.session.execute(
            select(AgentAssignment.team_id, func.count(func.distinct(AgentAssignment.user_id)))
            .where(
                AgentAssignment.programme_id == programme.id,
                AgentAssignment.assigned_on <= as_of,
            )
            .group_by(AgentAssignment.team_id)
        ).all()
    )
    teams["agents"] = teams.index.map(lambda team: agents.get(team, 0))
    teams["trained"] = pd.Series(_trained(programme, as_of), dtype="float64")
    teams["load_percent"] = pd.Series(month_load_percent(as_of), dtype="float64")
    teams["load_percent"] = teams["load_percent"].fillna(0.0)
    return teams.drop(columns="capacity")


def _trained(programme: Programme, as_of: date) -> dict[int, int]:
    latest = (
        select(TrainingRecord.team_id, func.max(TrainingRecord.recorded_on).label("on"))
        .where(TrainingRecord.programme_id == programme.id, TrainingRecord.recorded_on <= as_of)
        .group_by(TrainingRecord.team_id)
        .subquery()
    )
    return dict(
        db.session.execute(
            select(TrainingRecord.team_id, TrainingRecord.people_trained)
            .join(
                latest,
                (latest.c.team_id == TrainingRecord.team_id)
                & (latest.c.on == TrainingRecord.recorded_on),
            )
            .where(TrainingRecord.programme_id == programme.id)
        ).all()
    )
