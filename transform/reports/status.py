"""A programme's overall status in one word and its reason, as the portfolio shows it.

The same three rules as the sponsor progress report's cover, worst one wins:
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
class OverallStatus:
    rag: Rag
    #: The area whose rule set the status ("Schedule", "KPIs" or "RAID").
    area: str
    reason: str


def overall_status(
    phases: list[PhaseSummary], kpis: list[KpiView], high: HighRaidItems, as_of: date
) -> OverallStatus:
    """The worst of the schedule, KPI and RAID rules, with that rule's reason."""
    rules = [_schedule(phases), _kpis(kpis), _raid(high, as_of)]
    return min(rules, key=lambda rule: SEVERITY[rule.rag])


def _schedule(phases: list[PhaseSummary]) -> OverallStatus:
    in_progress = [s for s in phases if s.status == PhaseStatus.IN_PROGRESS]
    started = [s for s in phases if s.status != PhaseStatus.NOT_STARTED]
    current = (in_progress or started[-1:] or [None])[0]
    if current is None:
        return OverallStatus(Rag.GREEN, "Schedule", "No phase has started yet.")
    variance = current.schedule
    return OverallStatus(
        variance.rag,
        "Schedule",
        f"{current.phase.name}: {variance.actual_percent:.0f}% done against "
        f"{variance.planned_percent:.0f}% of its planned span elapsed.",
    )


def _kpis(kpis: list[KpiView]) -> OverallStatus:
    counts = Counter(view.status.status for view in kpis)
    rag = (
        Rag.RED if counts[Status.OFF_TRACK] else Rag.AMBER if counts[Status.AT_RISK] else Rag.GREEN
    )
    measured = len(kpis) - counts[Status.NO_DATA]
    reason = (
        f"{counts[Status.OFF_TRACK]} off track and {counts[Status.AT_RISK]} at risk of "
        f"{measured} measured."
        if measured
        else "No KPI has an actual yet."
    )
    return OverallStatus(rag, "KPIs", reason)


def _raid(high: HighRaidItems, as_of: date) -> OverallStatus:
    overdue = high.overdue(as_of)
    rag = Rag.RED if overdue else Rag.AMBER if high.count else Rag.GREEN
    reason = (
        f"{high.count} open high RAID item(s) ({high.by_kind}), {len(overdue)} past due."
        if high.count
        else "No open high RAID item."
    )
    return OverallStatus(rag, "RAID", reason)
