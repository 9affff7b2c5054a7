"""Read models for phase pages and the programme timeline, each in a few queries."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from transform.extensions import db
from transform.models import (
    Activity,
    Gate,
    GateCriterion,
    GateDecision,
    Membership,
    Phase,
    PhaseStatus,
    Programme,
    User,
)
from transform.scoring import ScheduleVariance, schedule_variance


@dataclass(frozen=True)
class PhaseSummary:
    phase: Phase
    gate: Gate | None
    activities_total: int
    activities_done: int
    activities_overdue: int
    schedule: ScheduleVariance

    @property
    def percent_done(self) -> int:
        return round(self.schedule.actual_percent)


def phase_summaries(programme: Programme, today: date) -> list[PhaseSummary]:
    """Every phase of the programme in order, with activity counts and schedule variance."""
    counts = {
        phase_id: (total, done, overdue or 0)
        for phase_id, total, done, overdue in db.session.execute(
            select(
                Activity.phase_id,
                func.count(Activity.id),
                func.count(Activity.done_on),
                func.sum(
                    case((Activity.done_on.is_(None) & (Activity.due_on < today), 1), else_=0)
                ),
            )
            .join(Phase, Phase.id == Activity.phase_id)
            .where(Phase.programme_id == programme.id)
            .group_by(Activity.phase_id)
        )
    }
    rows = db.session.execute(
        select(Phase, Gate)
        .outerjoin(Gate, Gate.phase_id == Phase.id)
        .where(Phase.programme_id == programme.id)
        .options(selectinload(Phase.owner))
        .order_by(Phase.position)
    ).all()
    summaries = []
    for phase, gate in rows:
        total, done, overdue = counts.get(phase.id, (0, 0, 0))
        schedule = schedule_variance(
            phase.planned_start,
            phase.planned_end,
            total,
            done,
            phase.status == PhaseStatus.COMPLETE,
            today,
        )
        summaries.append(PhaseSummary(phase, gate, total, done, overdue, schedule))
    return summaries


def phase_in_programme_or_none(programme_id: int, phase_id: int) -> Phase | None:
    """The phase with its activities, evidence, owners and gate, if it is the programme's."""
    return db.session.scalar(
        select(Phase)
        .where(Phase.id == phase_id, Phase.programme_id == programme_id)
        .options(
            selectinload(Phase.activities).selectinload(Activity.owner),
            selectinload(Phase.activities).selectinload(Activity.evidence),
            selectinload(Phase.gate).selectinload(Gate.criteria),
            selectinload(Phase.gate)
            .selectinload(Gate.decisions)
            .selectinload(GateDecision.decided_by),
            selectinload(Phase.owner),
        )
    )


def activity_in_phase_or_none(phase: Phase, activity_id: int) -> Activity | None:
    return db.session.scalar(
        select(Activity)
        .where(Activity.id == activity_id, Activity.phase_id == phase.id)
        .options(selectinload(Activity.owner), selectinload(Activity.evidence))
    )


def criterion_in_gate_or_none(gate: Gate, criterion_id: int) -> GateCriterion | None:
    return db.session.scalar(
        select(GateCriterion).where(
            GateCriterion.id == criterion_id, GateCriterion.gate_id == gate.id
        )
    )


def programme_members(programme: Programme) -> list[User]:
    """People who can own phases and activities: the programme's members, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.programme_id == programme.id)
            .order_by(User.name)
        )
    )


def overdue_activities(programme: Programme, today: date, limit: int = 10) -> list[Activity]:
    """Open activities past their due date, most overdue first."""
    return list(
        db.session.scalars(
            select(Activity)
            .join(Phase, Phase.id == Activity.phase_id)
            .where(
                Phase.programme_id == programme.id,
                Activity.done_on.is_(None),
                Activity.due_on < today,
            )
            .options(selectinload(Activity.owner), selectinload(Activity.phase))
            .order_by(Activity.due_on, Activity.id)
            .limit(limit)
        )
    )
