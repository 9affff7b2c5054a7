"""Org trees and how a programme touches them: impact, change agents and training."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from transform.extensions import db
from transform.models import (
    AgentAssignment,
    ImpactAspect,
    ImpactedTeam,
    ImpactLevel,
    ImpactScore,
    Programme,
    Team,
    TrainingRecord,
    User,
)
from transform.scoring.impact import impact_degree, impact_level

#: The range an impact assessment typically scores a touched aspect in, per impact level.
#: Aspect scores per intended level, chosen inside the scoring core's bands so the
#: level computed from the assessment is the level the story wants.
SCORE_RANGE = {ImpactLevel.LOW: (0, 1), ImpactLevel.MEDIUM: (2, 3), ImpactLevel.HIGH: (4, 5)}


@dataclass(frozen=True)
class TeamSpec:
    external_id: str
    name: str
    headcount: int
    parent: str | None = None


@dataclass(frozen=True)
class ImpactSpec:
    team: str
    level: ImpactLevel
    #: Weeks from the demo day to the team's go-live; negative is in the past.
    go_live_in_weeks: int
    aspects: tuple[ImpactAspect, ...]


def create_teams(specs: tuple[TeamSpec, ...]) -> dict[str, Team]:
    """Create the teams, parents before children, keyed by name."""
    teams: dict[str, Team] = {}
    for spec in specs:
        teams[spec.name] = Team(
            external_id=spec.external_id,
            name=spec.name,
            headcount=spec.headcount,
            parent=teams[spec.parent] if spec.parent else None,
        )
    db.session.add_all(teams.values())
    db.session.flush()
    return teams


def impact_teams(
    programme: Programme,
    teams: dict[str, Team],
    specs: tuple[ImpactSpec, ...],
    today: date,
    rng: random.Random,
) -> dict[str, ImpactedTeam]:
    """Mark the teams the programme changes, each with an impact assessment."""
    impacted = {}
    for spec in specs:
        low, high = SCORE_RANGE[spec.level]
        scores = {aspect: rng.randint(low, high) for aspect in spec.aspects}
        impacted[spec.team] = ImpactedTeam(
            programme_id=programme.id,
            team=teams[spec.team],
            impact_level=ImpactLevel(impact_level(impact_degree(scores)).value),
            go_live_on=today + timedelta(weeks=spec.go_live_in_weeks),
            scores=[ImpactScore(aspect=aspect, score=score) for aspect, score in scores.items()],
        )
    db.session.add_all(impacted.values())
    db.session.flush()
    return impacted


def assign_agents(
    programme: Programme,
    teams: dict[str, Team],
    assignments: tuple[tuple[User, tuple[str, ...], date], ...],
) -> list[AgentAssignment]:
    """Assign each change agent to their teams from the given day."""
    rows = [
        AgentAssignment(
            programme_id=programme.id, team=teams[name], user=agent, assigned_on=assigned_on
        )
        for agent, team_names, assigned_on in assignments
        for name in team_names
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def record_training(
    programme: Programme,
    teams: dict[str, Team],
    progress: dict[str, tuple[float, ...]],
    days: tuple[date, ...],
) -> list[TrainingRecord]:
    """Record, per team, the share of its people trained at each of the given days."""
    rows = []
    for name, shares in progress.items():
        team = teams[name]
        for day, share in zip(days, shares, strict=True):
            rows.append(
                TrainingRecord(
                    programme_id=programme.id,
                    team_id=team.id,
                    recorded_on=day,
                    people_trained=min(team.headcount, round(team.headcount * share)),
                )
            )
    db.session.add_all(rows)
    db.session.flush()
    return rows
