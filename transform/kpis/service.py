"""Changes to KPIs and their checkpoints: each flushes and leaves an audit event.

Baselines lock when the programme's first gate is approved: the KPI is stamped and each
checkpoint keeps its planned value at that moment (`locked_planned_value`). A change to a
locked KPI's baseline, target or plan is a re-baseline, kept with its reason and its
before and after; the plan at lock stays, so reports can set it against the current one.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask_login import current_user
from sqlalchemy import select

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import (
    Checkpoint,
    Direction,
    Gate,
    GateStatus,
    Kpi,
    KpiRebaseline,
    Perspective,
    Phase,
    Programme,
)
from transform.models.base import utcnow
from transform.scoring.kpi import KpiLine, Shape, planned_values
from transform.scoring.kpi_schedule import checkpoint_dates

BASELINE_FIELDS = ("baseline_value", "baseline_on", "target_value", "target_on")
DEFINITION_FIELDS = (
    "name",
    "description",
    "unit",
    "direction",
    "perspective",
    "team_id",
    "owner_id",
    *BASELINE_FIELDS,
    "min_value",
    "max_value",
    "at_risk_tolerance",
    "off_track_tolerance",
)


@dataclass(frozen=True)
class KpiDraft:
    name: str
    description: str
    unit: str
    direction: Direction
    perspective: Perspective
    team_id: int | None
    owner_id: int | None
    baseline_value: float
    baseline_on: date
    target_value: float
    target_on: date
    min_value: float | None
    max_value: float | None
    #: Progress fractions (0.10 = 10 points); None uses the programme's defaults.
    at_risk_tolerance: float | None
    off_track_tolerance: float | None


def has_approved_gate(programme_id: int) -> bool:
    return (
        db.session.scalar(
            select(Gate.id)
            .join(Phase, Phase.id == Gate.phase_id)
            .where(Phase.programme_id == programme_id, Gate.status == GateStatus.APPROVED)
            .limit(1)
        )
        is not None
    )


def create_kpi(
    programme: Programme,
    draft: KpiDraft,
    shape: Shape | None,
    every: str = "monthly",
    via: str = "web",
) -> Kpi:
    """Add the KPI, with a planned trajectory when a shape is given.

    A KPI added after the programme's first gate approval is locked as it is created:
    what it was given on that day is its baseline.
    """
    kpi = Kpi(programme_id=programme.id, **vars(draft))
    db.session.add(kpi)
    if shape is not None:
        _set_plan(kpi, shape, every)
    db.session.flush()
    if has_approved_gate(programme.id):
        _lock(kpi, utcnow())
    db.session.flush()
    after = snapshot(kpi, *DEFINITION_FIELDS)
    record_change("kpi.created", kpi, programme.id, None, after, via=via)
    return kpi


def update_kpi(kpi: Kpi, draft: KpiDraft, reason: str, via: str = "web") -> bool:
    """Apply the edit; a locked KPI whose baseline or target moves is re-baselined.

    False when nothing changed. The KPI's version column refuses a stale write.
    """
    before = snapshot(kpi, *DEFINITION_FIELDS)
    baseline_before = snapshot(kpi, *BASELINE_FIELDS)
    for name, value in vars(draft).items():
        setattr(kpi, name, value)
    after = snapshot(kpi, *DEFINITION_FIELDS)
    if after == before:
        return False
    baseline_after = snapshot(kpi, *BASELINE_FIELDS)
    if kpi.locked_at is not None and baseline_after != baseline_before:
        _rebaseline(kpi, reason, baseline_before, baseline_after)
    db.session.flush()
    record_change("kpi.updated", kpi, kpi.programme_id, before, after, via=via)
    return True


def plan_kpi(kpi: Kpi, shape: Shape, every: str, reason: str) -> None:
    """Replace the planned values by a generated trajectory (a re-baseline once locked)."""
    before = _plan_of(kpi)
    _set_plan(kpi, shape, every)
    after = _plan_of(kpi)
    if kpi.locked_at is not None and after != before:
        _rebaseline(kpi, reason, {"plan": before}, {"plan": after, "shape": shape.value})
    db.session.flush()
    record_change(
        "kpi.planned",
        kpi,
        kpi.programme_id,
        {"plan": before},
        {"plan": after, "shape": shape.value},
    )


def add_checkpoint(
    kpi: Kpi, on_date: date, planned_value: float | None, actual_value: float | None
) -> Checkpoint:
    checkpoint = Checkpoint(
        on_date=on_date, planned_value=planned_value, actual_value=actual_value
    )
    kpi.checkpoints.append(checkpoint)
    db.session.flush()
    record_change(
        "kpi.checkpoint_added",
        kpi,
        kpi.programme_id,
        None,
        {
            "on_date": on_date.isoformat(),
            "planned_value": planned_value,
            "actual_value": actual_value,
        },
    )
    return checkpoint


def set_actual(checkpoint: Checkpoint, value: float | None) -> bool:
    """Enter (or clear, with None) a checkpoint's actual value; False when unchanged."""
    if checkpoint.actual_value == value:
        return False
    on_date = checkpoint.on_date.isoformat()
    before = {"on_date": on_date, "actual_value": checkpoint.actual_value}
    checkpoint.actual_value = value
    db.session.flush()
    record_change(
        "kpi.actual_entered",
        checkpoint.kpi,
        checkpoint.kpi.programme_id,
        before,
        {"on_date": on_date, "actual_value": value},
    )
    return True


def delete_checkpoint(checkpoint: Checkpoint) -> None:
    """Remove an unlocked checkpoint; one planned at lock stays (its plan is history)."""
    if checkpoint.locked_planned_value is not None:
        raise ValueError("a checkpoint planned at lock cannot be deleted")
    kpi = checkpoint.kpi
    before = snapshot(checkpoint, "on_date", "planned_value", "actual_value")
    kpi.checkpoints.remove(checkpoint)
    db.session.flush()
    record_change("kpi.checkpoint_deleted", kpi, kpi.programme_id, before, None)


def delete_kpi(kpi: Kpi) -> None:
    before = snapshot(kpi, *DEFINITION_FIELDS)
    programme_id = kpi.programme_id
    record_change("kpi.deleted", kpi, programme_id, before, None)
    db.session.delete(kpi)
    db.session.flush()


def lock_programme_kpis(programme_id: int, at: datetime) -> int:
    """Lock every unlocked KPI of the programme; the number locked."""
    kpis = db.session.scalars(
        select(Kpi).where(Kpi.programme_id == programme_id, Kpi.locked_at.is_(None))
    ).all()
    for kpi in kpis:
        _lock(kpi, at)
        record_change("kpi.locked", kpi, programme_id, None, {"locked_at": at.isoformat()})
    db.session.flush()
    return len(kpis)


def _lock(kpi: Kpi, at: datetime) -> None:
    kpi.locked_at = at
    for checkpoint in kpi.checkpoints:
        checkpoint.locked_planned_value = checkpoint.planned_value


def _set_plan(kpi: Kpi, shape: Shape, every: str) -> None:
    line = KpiLine(kpi.baseline_value, kpi.baseline_on, kpi.target_value, kpi.target_on, 0, 0)
    dates = set(checkpoint_dates(kpi.baseline_on, kpi.target_on, every))
    existing = {checkpoint.on_date: checkpoint for checkpoint in kpi.checkpoints}
    for day in sorted(dates - set(existing)):
        checkpoint = Checkpoint(on_date=day)
        kpi.checkpoints.append(checkpoint)
        existing[day] = checkpoint
    within = sorted(day for day in existing if kpi.baseline_on <= day <= kpi.target_on)
    for day, value in zip(within, planned_values(line, within, shape), strict=True):
        existing[day].planned_value = round(value, 4)
    for day, checkpoint in existing.items():
        if day > kpi.target_on:
            checkpoint.planned_value = None


def _plan_of(kpi: Kpi) -> dict[str, float | None]:
    return {c.on_date.isoformat(): c.planned_value for c in kpi.checkpoints}


def _rebaseline(kpi: Kpi, reason: str, before: dict, after: dict) -> None:
    kpi.rebaselines.append(
        KpiRebaseline(
            changed_by_id=current_user.id if current_user.is_authenticated else None,
            reason=reason.strip(),
            before=_json_safe(before),
            after=_json_safe(after),
        )
    )


def _json_safe(values: dict) -> dict:
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in values.items()
    }
