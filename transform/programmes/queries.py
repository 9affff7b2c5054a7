"""Read models for programme pages, each built in a few queries."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from transform.extensions import db
from transform.models import (
    Activity,
    GateStatus,
    ImpactedTeam,
    Kpi,
    PhaseStatus,
    Programme,
    RaidKind,
    Wave,
)
from transform.phases.queries import PhaseSummary, overdue_activities, phase_summaries
from transform.raid.bands import HIGH_RISK_SCORE
from transform.raid.history import RaidItemAsOf, raid_items_as_of


@dataclass(frozen=True)
class ProgrammeOverview:
    programme: Programme
    phases: list[PhaseSummary]
    impacted_teams: int
    waves: int
    kpis: int
    #: Open risks of a high score, as they stood on the day, highest first.
    open_high_risks: list[RaidItemAsOf]
    overdue_activities: list[Activity]

    @property
    def current_phase(self) -> PhaseSummary | None:
        for summary in self.phases:
            if summary.status != PhaseStatus.COMPLETE:
                return summary
        return None

    @property
    def next_gate(self) -> PhaseSummary | None:
        """The first phase whose gate is not yet approved."""
        for summary in self.phases:
            if summary.gate is not None and summary.gate_status != GateStatus.APPROVED:
                return summary
        return None


def programme_overview(programme: Programme, today: date) -> ProgrammeOverview:
    """Phase progress, next gate, counts, open high risks and overdue activities, as they
    stood on `today` (a report passes its as-of date)."""
    high_risks = sorted(
        (
            item
            for item in raid_items_as_of(programme.id, today)
            if item.kind == RaidKind.RISK and item.is_open and item.score >= HIGH_RISK_SCORE
        ),
        key=lambda item: (-item.score, item.id),
    )
    return ProgrammeOverview(
        programme=programme,
        phases=phase_summaries(programme, today),
        impacted_teams=_count(ImpactedTeam, ImpactedTeam.programme_id == programme.id),
        waves=_count(Wave, Wave.programme_id == programme.id),
        kpis=_count(Kpi, Kpi.programme_id == programme.id),
        open_high_risks=high_risks,
        overdue_activities=overdue_activities(programme, today),
    )


def _count(model, condition) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
