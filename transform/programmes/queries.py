"""Read models for programme pages, each built in a few queries."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from transform.extensions import db
from transform.models import (
    Activity,
    ImpactedTeam,
    Kpi,
    PhaseStatus,
    Programme,
    RaidItem,
    RaidKind,
    RaidStatus,
    Wave,
)
from transform.phases.queries import PhaseSummary, overdue_activities, phase_summaries

HIGH_RISK_SCORE = 12


@dataclass(frozen=True)
class ProgrammeOverview:
    programme: Programme
    phases: list[PhaseSummary]
    impacted_teams: int
    waves: int
    kpis: int
    open_high_risks: list[RaidItem]
    overdue_activities: list[Activity]

    @property
    def current_phase(self) -> PhaseSummary | None:
        for summary in self.phases:
            if summary.phase.status != PhaseStatus.COMPLETE:
                return summary
        return None

    @property
    def next_gate(self) -> PhaseSummary | None:
        """The first phase whose gate is not yet approved."""
        for summary in self.phases:
            if summary.gate is not None and summary.gate.status != "approved":
                return summary
        return None


def programme_overview(programme: Programme, today: date) -> ProgrammeOverview:
    """Phase progress, next gate, counts, open high risks and overdue activities."""
    high_risks = db.session.scalars(
        select(RaidItem)
        .where(
            RaidItem.programme_id == programme.id,
            RaidItem.kind == RaidKind.RISK,
            RaidItem.status != RaidStatus.CLOSED,
            RaidItem.severity * RaidItem.likelihood >= HIGH_RISK_SCORE,
        )
        .options(selectinload(RaidItem.owner))
        .order_by((RaidItem.severity * RaidItem.likelihood).desc(), RaidItem.id)
    ).all()
    return ProgrammeOverview(
        programme=programme,
        phases=phase_summaries(programme, today),
        impacted_teams=_count(ImpactedTeam, ImpactedTeam.programme_id == programme.id),
        waves=_count(Wave, Wave.programme_id == programme.id),
        kpis=_count(Kpi, Kpi.programme_id == programme.id),
        open_high_risks=list(high_risks),
        overdue_activities=overdue_activities(programme, today),
    )


def _count(model, condition) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
