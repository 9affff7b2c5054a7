"""The sponsor report's story around its figures: who it is for (the cover), what the
sponsor must decide, what comes next, and how the headline figures moved since the last
published report. Everything here reads figures sponsor.build already has; nothing is
scored again.
"""

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from transform.charts import small_trend_svg
from transform.charts.kpi import KPI_ADOPTION, KPI_PLAN
from transform.extensions import db
from transform.kpis.queries import KpiView
from transform.models import Activity, GateStatus, Membership, Phase, Programme, Role
from transform.phases.queries import PhaseSummary
from transform.programmes.queries import HighRaidItems
from transform.reports.headline import TrendPoint
from transform.scoring.kpi import Status

#: Milestones and gates listed in the executive summary.
NEXT_ITEMS = 5


@dataclass(frozen=True)
class Cover:
    client: str
    sponsors: list[str]
    pmo_lead: str | None


@dataclass(frozen=True)
class Decision:
    kind: str
    title: str
    detail: str
    since: date | None
    #: The option the PMO recommends, where it gave one.
    recommendation: str | None


@dataclass(frozen=True)
class Milestone:
    on: date
    title: str
    kind: str


def cover(programme: Programme) -> Cover:
    """Client, sponsors and PMO lead (the first PMO admin to join) of the programme."""
    members = db.session.scalars(
        select(Membership)
        .options(joinedload(Membership.user))
        .where(Membership.programme_id == programme.id)
        .order_by(Membership.created_at, Membership.id)
    ).all()
    sponsors = [m.user.name for m in members if m.role == Role.SPONSOR]
    admins = [m.user.name for m in members if m.role == Role.ADMIN]
    return Cover(programme.organisation or "", sponsors, admins[0] if admins else None)


def decisions(
    phases: list[PhaseSummary], kpis: list[KpiView], high: HighRaidItems, as_of: date
) -> list[Decision]:
    """Gates awaiting the sponsor, overdue high RAID items to escalate, and KPIs off
    track that need corrective action or a re-baseline, oldest first within each kind."""
    found = []
    for s in phases:
        if s.gate_status == GateStatus.SUBMITTED and s.gate is not None:
            found.append(
                Decision(
                    "Gate",
                    f"Gate decision: {s.phase.name}",
                    "Submitted by the PMO; approve, defer or reject.",
                    s.gate.submitted_at.date() if s.gate.submitted_at else None,
                    s.gate.recommendation,
                )
            )
    for item in sorted(high.overdue(as_of), key=lambda item: (item.due_on, item.id)):
        owner = item.owner.name if item.owner else "no owner"
        found.append(
            Decision(
                "Escalation",
                f"Overdue high {item.kind.value}: {item.title}",
                f"Score {item.score} (severity {item.severity} × likelihood "
                f"{item.likelihood}), owner {owner}; past its due date.",
                item.due_on,
                item.recommendation,
            )
        )
    for view in kpis:
        if view.status.status == Status.OFF_TRACK:
            latest = view.status.latest
            found.append(
                Decision(
                    "Re-baseline",
                    f"Corrective action or re-baseline: {view.kpi.name}",
                    f"{latest.progress:.0%} of the way to target against "
                    f"{latest.planned_progress:.0%} planned.",
                    latest.on_date,
                    None,
                )
            )
    return found


def next_milestones(programme: Programme, phases: list[PhaseSummary], as_of: date):
    """The next gates (a phase's planned end) and deliverables due after the day."""
    items = [
        Milestone(s.phase.planned_end, f"{s.phase.name} gate", "Gate")
        for s in phases
        if s.gate is not None
        and s.gate_status != GateStatus.APPROVED
        and s.phase.planned_end >= as_of
    ]
    due = db.session.execute(
        select(Activity.name, Activity.due_on, Phase.name)
        .join(Phase, Activity.phase_id == Phase.id)
        .where(
            Phase.programme_id == programme.id,
            Activity.is_deliverable.is_(True),
            Activity.due_on >= as_of,
            (Activity.done_on.is_(None)) | (Activity.done_on > as_of),
        )
        .order_by(Activity.due_on, Activity.id)
        .limit(NEXT_ITEMS)
    ).all()
    items += [Milestone(on, f"{name} ({phase})", "Deliverable") for name, on, phase in due]
    return sorted(items, key=lambda item: (item.on, item.kind))[:NEXT_ITEMS]


def trend_charts(points: list[TrendPoint]) -> dict[str, Markup]:
    """Adoption index and KPIs on track at each published report and now, as small SVGs."""
    return {
        "adoption": Markup(
            small_trend_svg(
                [(p.as_of, p.adoption_index) for p in points],
                "Adoption index at each published report and now",
                KPI_ADOPTION,
                maximum=100,
            )
        ),
        "kpis": Markup(
            small_trend_svg(
                [(p.as_of, float(p.kpis_on_track)) for p in points],
                "KPIs on track at each published report and now",
                KPI_PLAN,
                maximum=max([1, *(p.kpis_total for p in points)]) * 1.25,
            )
        ),
    }
