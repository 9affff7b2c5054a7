"""Read models for programme pages, each built in a few queries."""

from collections import Counter
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
from transform.raid.queries import HIGH_RISK_SCORE, RaidItemAsOf, raid_items_as_of

_PLURALS = {
    RaidKind.RISK: "risks",
    RaidKind.ASSUMPTION: "assumptions",
    RaidKind.ISSUE: "issues",
    RaidKind.DEPENDENCY: "dependencies",
}


@dataclass(frozen=True)
class HighRaidItems:
    """The RAID items not closed, of every kind, that score HIGH_RISK_SCORE or more.

    Issues and dependencies count as well as risks: an overdue issue scored 15 is as much
    a sponsor's concern as a risk scored 15, and a count of risks alone beside the label
    "high" would leave it out unseen.
    """

    #: Highest score first, as they stood on the day.
    items: list[RaidItemAsOf]
    score_from: int = HIGH_RISK_SCORE

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def by_kind(self) -> str:
        """What the count is made of, e.g. "3 risks, 2 issues, 1 dependency"."""
        counts = Counter(item.kind for item in self.items)
        return ", ".join(
            f"{counts[kind]} {kind.value if counts[kind] == 1 else _PLURALS[kind]}"
            for kind in RaidKind
            if counts[kind]
        )

    def overdue(self, today: date) -> list[RaidItemAsOf]:
        return [item for item in self.items if item.is_overdue(today)]


@dataclass(frozen=True)
class ProgrammeOverview:
    programme: Programme
    phases: list[PhaseSummary]
    impacted_teams: int
    waves: int
    kpis: int
    #: Open RAID items of a high score, as they stood on the day.
    open_high_raid: HighRaidItems
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
    """Phase progress, next gate, counts, open high RAID items and overdue activities, as
    they stood on `today` (a report passes its as-of date)."""
    high = sorted(
        (
            item
            for item in raid_items_as_of(programme.id, today)
            if item.is_open and item.score >= HIGH_RISK_SCORE
        ),
        key=lambda item: (-item.score, item.id),
    )
    return ProgrammeOverview(
        programme=programme,
        phases=phase_summaries(programme, today),
        impacted_teams=_count(ImpactedTeam, ImpactedTeam.programme_id == programme.id),
        waves=_count(Wave, Wave.programme_id == programme.id),
        kpis=_count(Kpi, Kpi.programme_id == programme.id),
        open_high_raid=HighRaidItems(high),
        overdue_activities=overdue_activities(programme, today),
    )


def _count(model, condition) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
