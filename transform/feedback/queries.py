"""Read models for the feedback log: who may log where, feeds, follow-ups, themes."""

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from transform.access import ProgrammeAccess
from transform.extensions import db
from transform.models import (
    AgentAssignment,
    FeedbackEntry,
    FollowUp,
    FollowUpStatus,
    ImpactedTeam,
    Membership,
    Programme,
    Role,
    Team,
    User,
)
from transform.orgtree import load_parents, subtree_ids
from transform.teams.queries import impacted_teams

FEED_LIMIT = 200
#: Entries per page of the feed; "Load more" fetches the next page.
FEED_PAGE = 25


@dataclass(frozen=True)
class FeedFilters:
    team_id: int | None = None
    agent_id: int | None = None
    stage: str | None = None
    barrier: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def assigned_teams(programme: Programme, user: User) -> list[Team]:
    """The teams the user covers as a change agent in this programme, by name."""
    return list(
        db.session.scalars(
            select(Team)
            .join(AgentAssignment, AgentAssignment.team_id == Team.id)
            .join(
                ImpactedTeam,
                (ImpactedTeam.team_id == Team.id)
                & (ImpactedTeam.programme_id == AgentAssignment.programme_id),
            )
            .where(
                AgentAssignment.programme_id == programme.id, AgentAssignment.user_id == user.id
            )
            .order_by(Team.name)
        )
    )


def loggable_teams(access: ProgrammeAccess, user: User) -> list[Team]:
    """Where the user may log feedback: PMO admins any impacted team, agents their own."""
    if access.programme.is_archived or access.is_sponsor:
        return []
    if access.is_admin:
        return impacted_teams(access.programme)
    return assigned_teams(access.programme, user)


def change_agents(programme: Programme) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.programme_id == programme.id, Membership.role == Role.CHANGE_AGENT)
            .order_by(User.name)
        )
    )


def members(programme: Programme) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.programme_id == programme.id)
            .order_by(User.name)
        )
    )


def impacted_team_or_none(programme: Programme, team_id: int) -> tuple[Team, ImpactedTeam] | None:
    row = db.session.execute(
        select(Team, ImpactedTeam)
        .join(ImpactedTeam, ImpactedTeam.team_id == Team.id)
        .where(ImpactedTeam.programme_id == programme.id, Team.id == team_id)
    ).first()
    return tuple(row) if row else None


def _filtered(query, filters: FeedFilters):
    if filters.team_id:
        query = query.where(
            FeedbackEntry.team_id.in_(subtree_ids(load_parents(), filters.team_id))
        )
    if filters.agent_id:
        query = query.where(FeedbackEntry.agent_id == filters.agent_id)
    if filters.stage:
        query = query.where(FeedbackEntry.observed_stage == filters.stage)
    if filters.barrier:
        query = query.where(FeedbackEntry.barrier == filters.barrier)
    if filters.date_from:
        query = query.where(FeedbackEntry.observed_on >= filters.date_from)
    if filters.date_to:
        query = query.where(FeedbackEntry.observed_on <= filters.date_to)
    return query


_ENTRY_LOADS = (
    selectinload(FeedbackEntry.team),
    selectinload(FeedbackEntry.agent),
    selectinload(FeedbackEntry.follow_ups).selectinload(FollowUp.owner),
)


@dataclass(frozen=True)
class FeedPage:
    entries: list[FeedbackEntry]
    #: Where the next page starts ("YYYY-MM-DD:id" of the last entry); None at the end.
    next_cursor: str | None


def feed_page(programme: Programme, filters: FeedFilters, cursor: str | None) -> FeedPage:
    """One page of the feed, newest first, starting after `cursor` (keyset paging, so a
    new entry logged meanwhile neither repeats nor skips one)."""
    query = select(FeedbackEntry).where(FeedbackEntry.programme_id == programme.id)
    after = _read_cursor(cursor)
    if after is not None:
        on, entry_id = after
        query = query.where(
            (FeedbackEntry.observed_on < on)
            | ((FeedbackEntry.observed_on == on) & (FeedbackEntry.id < entry_id))
        )
    entries = list(
        db.session.scalars(
            _filtered(query, filters)
            .options(*_ENTRY_LOADS)
            .order_by(FeedbackEntry.observed_on.desc(), FeedbackEntry.id.desc())
            .limit(FEED_PAGE + 1)
        )
    )
    if len(entries) <= FEED_PAGE:
        return FeedPage(entries, None)
    last = entries[FEED_PAGE - 1]
    return FeedPage(entries[:FEED_PAGE], f"{last.observed_on.isoformat()}:{last.id}")


def _read_cursor(cursor: str | None) -> tuple[date, int] | None:
    """The cursor's day and id; None for none or one that does not read (the first page)."""
    on, _, entry_id = (cursor or "").partition(":")
    try:
        return date.fromisoformat(on), int(entry_id)
    except ValueError:
        return None


def feed(
    programme: Programme, filters: FeedFilters, limit: int = FEED_LIMIT
) -> list[FeedbackEntry]:
    """The programme's feedback entries matching the filters, newest first."""
    query = (
        select(FeedbackEntry)
        .where(FeedbackEntry.programme_id == programme.id)
        .options(*_ENTRY_LOADS)
        .order_by(FeedbackEntry.observed_on.desc(), FeedbackEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(_filtered(query, filters)))


def themes_frame(programme: Programme, filters: FeedFilters) -> pd.DataFrame:
    """One row per matching entry: observed_on, barrier, observed_stage."""
    query = select(
        FeedbackEntry.observed_on, FeedbackEntry.barrier, FeedbackEntry.observed_stage
    ).where(FeedbackEntry.programme_id == programme.id)
    rows = db.session.execute(_filtered(query, filters)).all()
    return pd.DataFrame(
        [(on, str(barrier), str(stage)) for on, barrier, stage in rows],
        columns=["observed_on", "barrier", "observed_stage"],
    )


def last_feedback_on(programme: Programme, team_ids: list[int]) -> dict[int, date]:
    rows = db.session.execute(
        select(FeedbackEntry.team_id, func.max(FeedbackEntry.observed_on))
        .where(FeedbackEntry.programme_id == programme.id, FeedbackEntry.team_id.in_(team_ids))
        .group_by(FeedbackEntry.team_id)
    )
    return {team_id: last for team_id, last in rows}


def open_follow_ups(
    programme: Programme, team_id: int | None = None, owner_id: int | None = None
) -> list[FollowUp]:
    """Open follow-ups of the programme, soonest due first, optionally of one team or owner."""
    query = (
        select(FollowUp)
        .join(FeedbackEntry, FeedbackEntry.id == FollowUp.entry_id)
        .where(FeedbackEntry.programme_id == programme.id, FollowUp.status == FollowUpStatus.OPEN)
        .options(
            selectinload(FollowUp.owner),
            selectinload(FollowUp.entry).selectinload(FeedbackEntry.team),
        )
        .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.id)
    )
    if team_id is not None:
        query = query.where(FeedbackEntry.team_id == team_id)
    if owner_id is not None:
        query = query.where(FollowUp.owner_id == owner_id)
    return list(db.session.scalars(query))


def team_agents(programme: Programme, team_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(AgentAssignment, AgentAssignment.user_id == User.id)
            .where(
                AgentAssignment.programme_id == programme.id, AgentAssignment.team_id == team_id
            )
            .order_by(User.name)
        )
    )
