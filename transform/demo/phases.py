"""Move a freshly created programme's phases to where the demo story has them."""

import random
from datetime import date, timedelta

from transform.demo.dates import at
from transform.models import (
    GateCriterionKind,
    GateDecisionKind,
    Phase,
    PhaseStatus,
    Programme,
    User,
)


def replan(programme: Programme, phase_starts: list[date], owners: list[User]) -> None:
    """Lay the phases out from the given start days to the programme's end, with owners.

    Activities fall due evenly across their phase; deliverables fall due at its end.
    """
    ends = [start - timedelta(days=1) for start in phase_starts[1:]] + [programme.ends_on]
    for phase, start, end, owner in zip(programme.phases, phase_starts, ends, owners, strict=True):
        phase.planned_start, phase.planned_end, phase.owner = start, end, owner
        activities = [a for a in phase.activities if not a.is_deliverable]
        span = (end - start).days
        for index, activity in enumerate(activities, start=1):
            activity.due_on = start + timedelta(days=round(span * index / len(activities)))
        for deliverable in phase.activities:
            if deliverable.is_deliverable:
                deliverable.due_on = end


def assign_activity_owners(phase: Phase, owners: list[User]) -> None:
    """Share the phase's activities among the owners in turn."""
    for index, activity in enumerate(phase.activities):
        activity.owner = owners[index % len(owners)]


def complete_phase(phase: Phase, actual_start: date, actual_end: date, rng: random.Random) -> None:
    """Mark every activity done near its due day, tick the checklist, and close the phase."""
    phase.actual_start = actual_start
    mark_done(phase, [a.position for a in phase.activities], actual_start, actual_end, rng)
    tick_checklist(phase)
    phase.status = PhaseStatus.COMPLETE
    phase.actual_end = actual_end


def start_phase(
    phase: Phase, actual_start: date, done_positions: list[int], today: date, rng: random.Random
) -> None:
    """Put the phase in progress with only the given activities done (the rest may be late)."""
    phase.status = PhaseStatus.IN_PROGRESS
    phase.actual_start = actual_start
    mark_done(phase, done_positions, actual_start, today - timedelta(days=1), rng)


def mark_done(
    phase: Phase, positions: list[int], earliest: date, latest: date, rng: random.Random
) -> None:
    """Set done days near each activity's due day, never outside earliest..latest."""
    for activity in phase.activities:
        if activity.position in positions:
            wanted = activity.due_on + timedelta(days=rng.randint(-10, 4))
            activity.done_on = min(max(wanted, earliest), latest)


def tick_checklist(phase: Phase) -> None:
    """Mark the gate's people-ticked criteria met; data-evaluated ones are left to the tool."""
    for criterion in phase.gate.criteria:
        if criterion.kind == GateCriterionKind.CHECKLIST:
            criterion.is_met = True


def submit_gate(phase: Phase, submitter: User, submitted_on: date) -> None:
    """Put the phase's gate before the sponsors on the given day."""
    phase.gate.submit(submitter.id)
    phase.gate.submitted_at = at(submitted_on, 16, 30)


def approve_gate(
    phase: Phase,
    submitter: User,
    sponsor: User,
    submitted_on: date,
    decided_on: date,
    reason: str,
) -> None:
    """Submit the gate and record the sponsor's approval on the given days."""
    submit_gate(phase, submitter, submitted_on)
    decision = phase.gate.decide(GateDecisionKind.APPROVED, sponsor.id, reason)
    decision.decided_at = at(decided_on, 11, 15)
