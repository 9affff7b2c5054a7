"""A programme's overall status in one word and its reason: the one set of rules that the
sponsor progress report's cover and the portfolio both apply, so the two cannot disagree.

Three rules, worst one wins:
- schedule: the RAG of the phase in progress (else the last phase started);
- KPIs: red if any is off track, amber if any is at risk;
- RAID: red if an open high RAID item is past its due date, amber if any is open.
The reason is the worst rule's own sentence, so a reader sees why, not just a colour.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from transform.kpis.queries import KpiView
from transform.models import PhaseStatus
from transform.phases.queries import PhaseSummary
from transform.programmes.queries import HighRaidItems
from transform.scoring.kpi import Status
from transform.scoring.schedule import Rag

#: Worse statuses sort first: the order in which a portfolio needs attention.
SEVERITY = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


@dataclass(frozen=True)
class StatusRule:
    """One rule's verdict: its area ("Schedule", "KPIs" or "RAID"), colour and reason."""

    name: str
    rag: Rag
    why: str


def status_rules(
    phases: list[PhaseSummary], kpis: list[KpiView], high: HighRaidItems, as_of: date
) -> list[StatusRule]:
    """The schedule, KPI and RAID rules, in that order."""
    return [_schedule(phases), _kpis(kpis), _raid(high, as_of)]


def overall_status(
    phases: list[PhaseSummary], kpis: list[KpiView], high: HighRaidItems, as_of: date
) -> StatusRule:
    """The worst of the rules, with that rule's reason (the first of equals)."""
    return worst(status_rules(phases, kpis, high, as_of))


def worst(rules: list[StatusRule]) -> StatusRule:
    return min(rules, key=lambda rule: SEVERITY[rule.rag])


def current_phase(phases: list[PhaseSummary]) -> PhaseSummary | None:
    """The phase in progress, else the last one started, else the first."""
    in_progress = [s for s in phases if s.status == PhaseStatus.IN_PROGRESS]
    started = [s for s in phases if s.status != PhaseStatus.NOT_STARTED]
    return (in_progress or started[-1:] or phases[:1] or [None])[0]


def _schedule(phases: list[PhaseSummary]) -> StatusRule:
    current = current_phase(phases)
    if current is None:
        return StatusRule("Schedule", Rag.GREEN, "No phases yet.")
    variance = current.schedule
    return StatusRule(
        "Schedule",
        variance.rag,
        f"{current.phase.name}: {variance.actual_percent:.0f}% done against "
        f"{variance.planned_percent:.0f}% of its planned span elapsed.",
    )


def _kpis(kpis: list[KpiView]) -> StatusRule:
    counts = Counter(view.status.status for view in kpis)
    rag = (
        Rag.RED if counts[Status.OFF_TRACK] else Rag.AMBER if counts[Status.AT_RISK] else Rag.GREEN
    )
    measured = len(kpis) - counts[Status.NO_DATA]
    why = (
        f"{counts[Status.ON_TRACK]} of {measured} measured KPIs on track, "
        f"{counts[Status.AT_RISK]} at risk, {counts[Status.OFF_TRACK]} off track."
        if measured
        else "No KPI has an actual yet."
    )
    return StatusRule("KPIs", rag, why)


def _raid(high: HighRaidItems, as_of: date) -> StatusRule:
    overdue = high.overdue(as_of)
    rag = Rag.RED if overdue else Rag.AMBER if high.count else Rag.GREEN
    why = f"{high.count} open high RAID item{'s' * (high.count != 1)}"
    why += f" ({high.by_kind}), {len(overdue)} past due." if high.count else "."
    return StatusRule("RAID", rag, why)
