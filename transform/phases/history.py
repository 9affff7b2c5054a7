"""Phases and stage gates as they stood at the end of a day, from their dated records.

A phase's status follows its actual dates: started on its actual start, complete on its
actual end. A gate's status follows its submissions (the audit trail keeps each one; the
gate keeps its latest) and its dated decisions: the latest of them by the end of the day
decides, and a gate with neither was open. A report for a past date reads these, so a
decision taken later does not change what that report says.
"""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select

from transform.clock import end_of_day
from transform.extensions import db
from transform.models import AuditEvent, Gate, GateDecision, GateStatus, Phase, PhaseStatus


def phase_status_as_of(phase: Phase, as_of: date) -> PhaseStatus:
    if phase.actual_end is not None and phase.actual_end <= as_of:
        return PhaseStatus.COMPLETE
    if phase.actual_start is not None and phase.actual_start <= as_of:
        return PhaseStatus.IN_PROGRESS
    return PhaseStatus.NOT_STARTED


def decisions_as_of(gate: Gate, as_of: date) -> list[GateDecision]:
    """The gate's decisions taken by the end of the day, oldest first."""
    cutoff = end_of_day(as_of)
    return sorted((d for d in gate.decisions if d.decided_at < cutoff), key=lambda d: d.decided_at)


def gate_status_as_of(gate: Gate, as_of: date, submissions: list[datetime]) -> GateStatus:
    """The gate's status at the end of the day; `submissions` are its submission times."""
    cutoff = end_of_day(as_of)
    events = [(at, GateStatus.SUBMITTED) for at in submissions if at < cutoff]
    events += [(d.decided_at, GateStatus(d.decision.value)) for d in decisions_as_of(gate, as_of)]
    if not events:
        return GateStatus.OPEN
    return max(events, key=lambda event: event[0])[1]


def gate_submissions(programme_id: int) -> dict[int, list[datetime]]:
    """Each gate's submission times: every audited one and the one the gate keeps."""
    times: dict[int, set[datetime]] = defaultdict(set)
    for gate_id, at in db.session.execute(
        select(AuditEvent.entity_id, AuditEvent.at).where(
            AuditEvent.programme_id == programme_id,
            AuditEvent.entity == Gate.__tablename__,
            AuditEvent.action == "gate.submitted",
        )
    ):
        times[gate_id].add(at)
    for gate_id, at in db.session.execute(
        select(Gate.id, Gate.submitted_at)
        .join(Phase, Phase.id == Gate.phase_id)
        .where(Phase.programme_id == programme_id, Gate.submitted_at.is_not(None))
    ):
        times[gate_id].add(at)
    return {gate_id: sorted(found) for gate_id, found in times.items()}
