"""Read models for the change agent network: the programme's coverage in five queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from transform.extensions import db
from transform.models import (
    AgentAssignment,
    FeedbackEntry,
    ImpactedTeam,
    ImpactScore,
    Membership,
    Programme,
    Role,
    Team,
    User,
)
from transform.scoring import coverage as core
from transform.scoring.impact import impact_degree


@dataclass(frozen=True)
class TeamRow:
    team_id: int
    name: str
    headcount: int
    level: str
    go_live_on: date | None


@dataclass(frozen=True)
class AssignmentRow:
    id: int
    agent_id: int
    agent_name: str
    team_id: int
    team_name: str
    assigned_on: date
    #: True while the person is a change agent of the programme.
    is_agent: bool


@dataclass(frozen=True)
class CoveragePage:
    coverage: core.Coverage
    #: The programme's impacted teams by team id.
    teams: dict[int, TeamRow]
    #: The programme's change agents, id to name, by name.
    agents: dict[int, str]
    assignments: tuple[AssignmentRow, ...]
    last_entries: dict[int, date]

    def agent_name(self, agent_id: int) -> str:
        return self.agents.get(agent_id) or next(
            row.agent_name for row in self.assignments if row.agent_id == agent_id
        )

    def assignments_of(self, agent_id: int) -> list[AssignmentRow]:
        """The agent's counted assignments, in the order of their load's teams."""
        rows = {row.team_id: row for row in self.counted if row.agent_id == agent_id}
        load = next(load for load in self.coverage.loads if load.agent_id == agent_id)
        return [rows[team_id] for team_id in load.team_ids]

    @property
    def counted(self) -> list[AssignmentRow]:
        return [row for row in self.assignments if row.is_agent and row.team_id in self.teams]

    @property
    def lapsed(self) -> list[AssignmentRow]:
        """Assignments that no longer count: the team is not impacted or the person left."""
        counted = {row.id for row in self.counted}
        return [row for row in self.assignments if row.id not in counted]

    @property
    def agents_without_teams(self) -> list[tuple[int, str]]:
        covering = {load.agent_id for load in self.coverage.loads}
        return [(id_, name) for id_, name in self.agents.items() if id_ not in covering]

    @property
    def taken(self) -> set[tuple[int, int]]:
        return {(row.agent_id, row.team_id) for row in self.assignments}


def coverage_page(programme: Programme, today: date) -> CoveragePage:
    """The programme's change agent coverage on `today`."""
    teams = impacted_teams(programme.id)
    agents = dict(
        db.session.execute(
            select(User.id, User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.programme_id == programme.id, Membership.role == Role.CHANGE_AGENT)
            .order_by(User.name, User.id)
        ).all()
    )
    assignments = tuple(
        AssignmentRow(id_, user_id, user_name, team_id, team_name, assigned_on, user_id in agents)
        for id_, user_id, user_name, team_id, team_name, assigned_on in db.session.execute(
            select(
                AgentAssignment.id,
                AgentAssignment.user_id,
                User.name,
                AgentAssignment.team_id,
                Team.name,
                AgentAssignment.assigned_on,
            )
            .join(User, User.id == AgentAssignment.user_id)
            .join(Team, Team.id == AgentAssignment.team_id)
            .where(AgentAssignment.programme_id == programme.id)
            .order_by(User.name, Team.name, AgentAssignment.id)
        )
    )
    last_entries = dict(
        db.session.execute(
            select(FeedbackEntry.agent_id, func.max(FeedbackEntry.observed_on))
            .where(FeedbackEntry.programme_id == programme.id, FeedbackEntry.agent_id.is_not(None))
            .group_by(FeedbackEntry.agent_id)
        ).all()
    )
    result = core.coverage(
        [core.ImpactedTeam(t.team_id, t.name, t.headcount, t.level) for t in teams.values()],
        [(row.agent_id, row.team_id) for row in assignments if row.is_agent],
        last_entries,
        programme.people_per_agent,
        today,
    )
    return CoveragePage(result, teams, agents, assignments, last_entries)


def impacted_teams(programme_id: int) -> dict[int, TeamRow]:
    """The programme's impacted teams by name, each at its assessed level where assessed."""
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    for impacted_id, aspect, score in db.session.execute(
        select(ImpactScore.impacted_team_id, ImpactScore.aspect, ImpactScore.score)
        .join(ImpactedTeam, ImpactedTeam.id == ImpactScore.impacted_team_id)
        .where(ImpactedTeam.programme_id == programme_id)
    ):
        scores[impacted_id][aspect.value] = score
    rows = db.session.execute(
        select(
            ImpactedTeam.id,
            Team.id,
            Team.name,
            Team.headcount,
            ImpactedTeam.impact_level,
            ImpactedTeam.go_live_on,
        )
        .join(Team, Team.id == ImpactedTeam.team_id)
        .where(ImpactedTeam.programme_id == programme_id)
        .order_by(Team.name, Team.id)
    )
    return {
        team_id: TeamRow(
            team_id,
            name,
            headcount,
            core.effective_level(impact_degree(scores.get(impacted_id, {})), level.value),
            go_live_on,
        )
        for impacted_id, team_id, name, headcount, level, go_live_on in rows
    }


def find_assignment(programme_id: int, assignment_id: int) -> AgentAssignment | None:
    """The assignment if it belongs to the programme; None for another programme's."""
    return db.session.scalar(
        select(AgentAssignment).where(
            AgentAssignment.id == assignment_id, AgentAssignment.programme_id == programme_id
        )
    )


def assigned_team_ids(programme_id: int, user_id: int) -> set[int]:
    """The teams a user is assigned to as a change agent in the programme."""
    return set(
        db.session.scalars(
            select(AgentAssignment.team_id).where(
                AgentAssignment.programme_id == programme_id, AgentAssignment.user_id == user_id
            )
        )
    )
