"""Changes to phases, their activities and their stage gates; services flush only."""

from dataclasses import dataclass
from datetime import date

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.kpis.service import lock_programme_kpis
from transform.models import (
    Activity,
    Gate,
    GateCriterion,
    GateCriterionKind,
    GateDecisionKind,
    IllegalTransition,
    Phase,
    PhaseStatus,
    User,
    WebhookEvent,
    utcnow,
)
from transform.webhooks_out import announce

PHASE_FIELDS = (
    "name",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "status",
    "owner_id",
)
ACTIVITY_FIELDS = ("name", "owner_id", "due_on", "done_on", "notes")


@dataclass(frozen=True)
class PhaseChanges:
    name: str
    owner_id: int | None
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    status: PhaseStatus


def update_phase(phase: Phase, changes: PhaseChanges, today: date) -> None:
    """Apply a PMO's edit; closing the phase needs an approved gate (IllegalTransition)."""
    before = snapshot(phase, *PHASE_FIELDS)
    phase.name = changes.name.strip()
    phase.owner_id = changes.owner_id
    phase.planned_start = changes.planned_start
    phase.planned_end = changes.planned_end
    phase.actual_start = changes.actual_start
    phase.actual_end = changes.actual_end
    if changes.status == PhaseStatus.COMPLETE and phase.status != PhaseStatus.COMPLETE:
        phase.complete(today)
    elif changes.status == PhaseStatus.IN_PROGRESS and phase.status != PhaseStatus.IN_PROGRESS:
        phase.start(today)
    elif changes.status == PhaseStatus.NOT_STARTED:
        if phase.status == PhaseStatus.COMPLETE:
            raise IllegalTransition("A complete phase cannot be reset to not started.")
        phase.status = PhaseStatus.NOT_STARTED
    record_change(
        "phase.updated", phase, phase.programme_id, before, snapshot(phase, *PHASE_FIELDS)
    )
    db.session.flush()


def set_activity_done(activity: Activity, done: bool, today: date) -> None:
    before = snapshot(activity, *ACTIVITY_FIELDS)
    if done and activity.done_on is None:
        activity.done_on = today
    elif not done:
        activity.done_on = None
    _record_activity(activity, before)


def update_activity(
    activity: Activity,
    owner_id: int | None,
    due_on: date | None,
    notes: str,
    done: bool,
    today: date,
) -> None:
    before = snapshot(activity, *ACTIVITY_FIELDS)
    activity.owner_id = owner_id
    activity.due_on = due_on
    activity.notes = notes.strip()
    if done and activity.done_on is None:
        activity.done_on = today
    elif not done:
        activity.done_on = None
    _record_activity(activity, before)


def add_activity(
    phase: Phase, name: str, is_deliverable: bool, owner_id: int | None, due_on: date | None
) -> Activity:
    position = max((a.position for a in phase.activities), default=0) + 1
    activity = Activity(
        phase=phase,
        position=position,
        name=name.strip(),
        is_deliverable=is_deliverable,
        owner_id=owner_id,
        due_on=due_on,
    )
    db.session.add(activity)
    db.session.flush()
    record_change(
        "activity.created",
        activity,
        phase.programme_id,
        None,
        snapshot(activity, *ACTIVITY_FIELDS),
    )
    return activity


def _record_activity(activity: Activity, before: dict) -> None:
    db.session.flush()
    record_change(
        "activity.updated",
        activity,
        activity.phase.programme_id,
        before,
        snapshot(activity, *ACTIVITY_FIELDS),
    )


def set_criterion_met(criterion: GateCriterion, is_met: bool, programme_id: int) -> None:
    """Tick or untick a checklist criterion; computed criteria are never ticked by hand."""
    if criterion.kind != GateCriterionKind.CHECKLIST:
        raise IllegalTransition("This criterion is evaluated from data, not ticked.")
    if criterion.gate.status == "approved":
        raise IllegalTransition("The gate is approved; its criteria are settled.")
    before = snapshot(criterion, "text", "is_met")
    criterion.is_met = is_met
    db.session.flush()
    record_change(
        "gate_criterion.updated",
        criterion,
        programme_id,
        before,
        snapshot(criterion, "text", "is_met"),
    )


def submit_gate(
    gate: Gate, by: User, programme_id: int, recommendation: str | None = None
) -> None:
    """Put the gate before the sponsors, with the option the PMO recommends, if any."""
    before = snapshot(gate, "status", "recommendation")
    gate.submit(by.id)
    gate.recommendation = recommendation or None
    db.session.flush()
    after = snapshot(gate, "status", "recommendation")
    record_change("gate.submitted", gate, programme_id, before, after)


def decide_gate(
    gate: Gate, decision: GateDecisionKind, by: User, reason: str, programme_id: int
) -> None:
    """Record a sponsor's decision; approving the gate also stamps when it happened."""
    before = snapshot(gate, "status")
    record = gate.decide(decision, by.id, reason)
    record.decided_at = utcnow()
    db.session.flush()
    if decision == GateDecisionKind.APPROVED:
        # The first approval freezes the programme's KPI baselines (later ones find
        # nothing left to lock).
        lock_programme_kpis(programme_id, record.decided_at)
    record_change(
        f"gate.{decision.value}",
        gate,
        programme_id,
        before,
        snapshot(gate, "status") | {"reason": record.reason},
    )
    decided = {"id": gate.id, "phase_id": gate.phase_id, "decision": decision.value}
    announce(programme_id, WebhookEvent.GATE_DECIDED, {"gate": decided | {"reason": reason}})
