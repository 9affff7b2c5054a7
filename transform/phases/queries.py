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
    GateStatus,
    Phase,
    PhaseStatus,
    Programme,
)
from transform.phases.history import gate_status_as_of, gate_submissions, phase_status_as_of
from transform.scoring import ScheduleVariance, schedule_variance


@dataclass(frozen=True)
class PhaseSummary:
    """A phase as it stood at the end of a day (today for the pages)."""

    phase: Phase
    gate: Gate | None
    activities_total: int
    activities_done: int
    activities_overdue: int
    schedule: ScheduleVariance
    status: PhaseStatus
    gate_status: GateStatus | None

    @property
    def percent_done(self) -> int:
        return round(self.schedule.actual_percent)


def phase_summaries(programme: Programme, today: date) -> list[PhaseSummary]:
    """Every phase of the programme in order, with activity counts, schedule variance and
    statuses as they stood at the end of `today`: an activity done later counts as open,
    a decision taken later is not yet taken."""
    done_by_then = Activity.done_on.is_not(None) & (Activity.done_on <= today)
    counts = {
        phase_id: (total, done or 0, overdue or 0)
        for phase_id, total, done, overdue in db.session.execute(
            select(
                Activity.phase_id,
                func.count(Activity.id),
                func.sum(case((done_by_then, 1), else_=0)),
                func.sum(case((~done_by_then & (Activity.due_on < today), 1), else_=0)),
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
    submissions = gate_submissions(programme.id)
    summaries = []
    for phase, gate in rows:
        total, done, overdue = counts.get(phase.id, (0, 0, 0))
        status = phase_status_as_of(phase, today)
        schedule = schedule_variance(
            phase.planned_start,
            phase.planned_end,
            total,
            done,
            status == PhaseStatus.COMPLETE,
            today,
        )
        gate_status = (
            gate_status_as_of(gate, today, submissions.get(gate.id, [])) if gate else None
        )
        summaries.append(
            PhaseSummary(phase, gate, total, done, overdue, schedule, status, gate_status)
        )
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


def overdue_activities(programme: Programme, today: date, limit: int = 10) -> list[Activity]:
    """Activities not done by the end of `today` and past their due date, most overdue
    first."""
    return list(
        db.session.scalars(
            select(Activity)
            .join(Phase, Phase.id == Activity.phase_id)
            .where(
                Phase.programme_id == programme.id,
                Activity.done_on.is_(None) | (Activity.done_on > today),
                Activity.due_on < today,
            )
            .options(selectinload(Activity.owner), selectinload(Activity.phase))
            .order_by(Activity.due_on, Activity.id)
            .limit(limit)
        )
    )
