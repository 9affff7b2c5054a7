"""Read models for programme pages, each built in a few queries."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from transform.extensions import db
from transform.models import (
    Activity,
    Gate,
    ImpactedTeam,
    Kpi,
    Phase,
    Programme,
    RaidItem,
    RaidKind,
    RaidStatus,
    Wave,
)

HIGH_RISK_SCORE = 12


@dataclass(frozen=True)
class PhaseSummary:
    phase: Phase
    gate: Gate | None
    activities_total: int
    activities_done: int
    activities_overdue: int

    @property
    def percent_done(self) -> int:
        if not self.activities_total:
            return 0
        return round(100 * self.activities_done / self.activities_total)


@dataclass(frozen=True)
class ProgrammeOverview:
    programme: Programme
    phases: list[PhaseSummary]
    impacted_teams: int
    waves: int
    kpis: int
    open_high_risks: list[RaidItem]

    @property
    def current_phase(self) -> PhaseSummary | None:
        for summary in self.phases:
            if summary.phase.status != "complete":
                return summary
        return None


def programme_overview(programme: Programme, today: date) -> ProgrammeOverview:
    """Phase progress, counts and open high risks for the programme's overview page."""
    activity_counts = db.session.execute(
        select(
            Activity.phase_id,
            func.count(Activity.id),
            func.count(Activity.done_on),
            func.sum(case((Activity.done_on.is_(None) & (Activity.due_on < today), 1), else_=0)),
        )
        .join(Phase, Phase.id == Activity.phase_id)
        .where(Phase.programme_id == programme.id)
        .group_by(Activity.phase_id)
    ).all()
    counts = {
        phase_id: (total, done, overdue or 0) for phase_id, total, done, overdue in activity_counts
    }
    phases = db.session.execute(
        select(Phase, Gate)
        .outerjoin(Gate, Gate.phase_id == Phase.id)
        .where(Phase.programme_id == programme.id)
        .order_by(Phase.position)
    ).all()
    summaries = [
        PhaseSummary(phase, gate, *counts.get(phase.id, (0, 0, 0))) for phase, gate in phases
    ]
    high_risks = db.session.scalars(
        select(RaidItem)
        .where(
            RaidItem.programme_id == programme.id,
            RaidItem.kind == RaidKind.RISK,
            RaidItem.status != RaidStatus.CLOSED,
            RaidItem.severity * RaidItem.likelihood >= HIGH_RISK_SCORE,
        )
        .order_by((RaidItem.severity * RaidItem.likelihood).desc(), RaidItem.id)
    ).all()
    return ProgrammeOverview(
        programme=programme,
        phases=summaries,
        impacted_teams=_count(ImpactedTeam, ImpactedTeam.programme_id == programme.id),
        waves=_count(Wave, Wave.programme_id == programme.id),
        kpis=_count(Kpi, Kpi.programme_id == programme.id),
        open_high_risks=list(high_risks),
    )


def _count(model, condition) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
