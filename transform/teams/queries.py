"""Read models for the org tree and programmes' impacted teams, each in a few queries."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from transform.extensions import db
from transform.models import (
    AgentAssignment,
    FeedbackEntry,
    ImpactAspect,
    ImpactedTeam,
    ImpactLevel,
    Kpi,
    Membership,
    Programme,
    Report,
    Role,
    SurveyLink,
    Team,
    TrainingRecord,
    User,
    Wave,
    WaveGroup,
    WaveTeam,
)
from transform.scoring.impact import impact_degree, impact_level
from transform.teams.tree import OrgTree, TeamNode

ASPECT_LABELS = {
    ImpactAspect.PROCESSES: "Processes",
    ImpactAspect.SYSTEMS: "Systems and tools",
    ImpactAspect.ROLES: "Job roles",
    ImpactAspect.REPORTING_LINES: "Reporting lines",
    ImpactAspect.SKILLS: "Skills",
    ImpactAspect.LOCATION: "Location",
    ImpactAspect.WORKLOAD: "Workload",
    ImpactAspect.CUSTOMER_INTERACTION: "Customer interaction",
}
SCORE_LABELS = {
    0: "No change",
    1: "Slight",
    2: "Minor",
    3: "Moderate",
    4: "Major",
    5: "Transformed",
}
#: What points at a team, as the merge page names it, with the model and its column.
REFERENCES = (
    ("programmes impacting it", ImpactedTeam, ImpactedTeam.team_id),
    ("change-agent assignments", AgentAssignment, AgentAssignment.team_id),
    ("training records", TrainingRecord, TrainingRecord.team_id),
    ("feedback entries", FeedbackEntry, FeedbackEntry.team_id),
    ("KPIs", Kpi, Kpi.team_id),
    ("survey waves targeting it", WaveTeam, WaveTeam.team_id),
    ("survey links", SurveyLink, SurveyLink.team_id),
    ("reports", Report, Report.team_id),
)


def programmes_using(team_id: int) -> set[int]:
    """The programmes that impact the team or survey it (a wave's target or frozen group)."""
    impacted = select(ImpactedTeam.programme_id).where(ImpactedTeam.team_id == team_id)
    targeted = (
        select(Wave.programme_id)
        .join(WaveTeam, WaveTeam.wave_id == Wave.id)
        .where(WaveTeam.team_id == team_id)
    )
    grouped = (
        select(Wave.programme_id)
        .join(WaveGroup, WaveGroup.wave_id == Wave.id)
        .where(WaveGroup.team_id == team_id)
    )
    return set(db.session.scalars(impacted.union(targeted, grouped)))


def may_change_team(user: User, team_id: int) -> bool:
    """Site administrators change any team; a PMO admin a team that one of their own
    programmes impacts or surveys, or one no programme uses yet. A team used only by
    other programmes is theirs to change."""
    if user.is_site_admin:
        return True
    using = programmes_using(team_id)
    if not using:
        return True
    mine = db.session.scalars(
        select(Membership.programme_id).where(
            Membership.user_id == user.id, Membership.role == Role.ADMIN
        )
    )
    return bool(using & set(mine))


def org_tree() -> OrgTree:
    """Every team as plain data, in one query."""
    rows = db.session.execute(
        select(
            Team.id,
            Team.name,
            Team.external_id,
            Team.parent_id,
            Team.headcount,
            Team.change_capacity,
        )
    )
    return OrgTree(TeamNode(*row) for row in rows)


def find_team(team_id: int) -> Team | None:
    return db.session.get(Team, team_id)


def reference_counts(team_id: int) -> list[tuple[str, int]]:
    """How many rows of each kind point at the team, and its child teams, in one query."""
    counts = [
        select(func.count()).select_from(model).where(column == team_id).scalar_subquery()
        for _label, model, column in REFERENCES
    ]
    children = select(func.count()).select_from(Team).where(Team.parent_id == team_id)
    values = db.session.execute(select(children.scalar_subquery(), *counts)).one()
    labels = ["child teams", *(label for label, _model, _column in REFERENCES)]
    return list(zip(labels, values, strict=True))


# A programme's impacted teams


@dataclass(frozen=True)
class ImpactRow:
    impacted: ImpactedTeam
    scores: dict[ImpactAspect, int]
    #: 0-100 from the assessment; None when no aspect is assessed.
    degree: float | None

    @property
    def assessed_level(self) -> ImpactLevel | None:
        """The level the assessment gives, which a save stores; None when not assessed."""
        return None if self.degree is None else ImpactLevel(impact_level(self.degree).value)


@dataclass(frozen=True)
class ImpactOverview:
    rows: list[ImpactRow]

    @property
    def people(self) -> int:
        return sum(row.impacted.team.headcount for row in self.rows)

    @property
    def high(self) -> int:
        return sum(row.impacted.impact_level == ImpactLevel.HIGH for row in self.rows)


def impact_overview(programme_id: int) -> ImpactOverview:
    """The programme's impacted teams by go-live date, with their assessments."""
    impacted = db.session.scalars(
        select(ImpactedTeam)
        .join(ImpactedTeam.team)
        .options(joinedload(ImpactedTeam.team), selectinload(ImpactedTeam.scores))
        .where(ImpactedTeam.programme_id == programme_id)
        .order_by(ImpactedTeam.go_live_on.is_(None), ImpactedTeam.go_live_on, Team.name)
    ).all()
    return ImpactOverview([impact_row(record) for record in impacted])


def impact_row(record: ImpactedTeam) -> ImpactRow:
    """The impacted team with its scores by aspect and the degree they give."""
    scores = {score.aspect: score.score for score in record.scores}
    return ImpactRow(record, scores, impact_degree({a.value: s for a, s in scores.items()}))


def find_impacted_team(programme_id: int, impacted_team_id: int) -> ImpactedTeam | None:
    """The impacted team if it belongs to the programme; None for another programme's."""
    return db.session.scalar(
        select(ImpactedTeam)
        .options(joinedload(ImpactedTeam.team), selectinload(ImpactedTeam.scores))
        .where(ImpactedTeam.id == impacted_team_id, ImpactedTeam.programme_id == programme_id)
    )


def impacted_team_ids(programme_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(ImpactedTeam.team_id).where(ImpactedTeam.programme_id == programme_id)
        )
    )


def impacted_teams(programme: Programme) -> list[Team]:
    """The teams the programme impacts, by name."""
    return list(
        db.session.scalars(
            select(Team)
            .join(ImpactedTeam, ImpactedTeam.team_id == Team.id)
            .where(ImpactedTeam.programme_id == programme.id)
            .order_by(Team.name)
        )
    )


def external_ids_of(team_ids: list[int]) -> dict[int, str]:
    """The HR team id of each of these teams that has one, in one query."""
    if not team_ids:
        return {}
    rows = db.session.execute(
        select(Team.id, Team.external_id).where(
            Team.id.in_(team_ids), Team.external_id.is_not(None)
        )
    )
    return {team_id: external_id for team_id, external_id in rows}
