"""The sponsor progress report: where the programme stands on a date, in a few pages.

Everything comes from the read models the pages use, taken as of the report's date:
phases, gates and schedule variance as they stood then, RAID items as the audit trail
says they stood, the latest ADKAR wave with results by then and the responses submitted
by then (anonymity applied by the adoption service), KPI checkpoints on or before it, and
feedback logged in the 90 days up to it. Re-rendered for its date after later data
arrived, the report reads the same. Agent assignments removed since are not kept: the
report shows the assignments made by the date that still stand, and says so.

The overall status is the worst of three plain rules, printed in the report:
- schedule: the RAG of the phase in progress (else the last phase started);
- KPIs: red if any is off track, amber if any is at risk;
- RAID: red if an open high RAID item (any kind, score 12 or more) is past its due date,
  amber if any is open.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from transform.agents.queries import coverage_page
from transform.extensions import db
from transform.indices.cache import current_dashboard
from transform.indices.latest import latest_with_results
from transform.indices.service import TeamFigures
from transform.kpis.chart import kpi_chart
from transform.kpis.queries import KpiView, kpi_views
from transform.models import (
    FeedbackEntry,
    Gate,
    GateDecision,
    InstrumentKind,
    Perspective,
    Phase,
    Programme,
    RaidKind,
)
from transform.phases.history import decisions_as_of
from transform.phases.timeline import timeline_svg
from transform.programmes.queries import HIGH_RISK_SCORE, programme_overview
from transform.raid.queries import RaidItemAsOf, raid_items_as_of
from transform.reports import sponsor_story as story
from transform.reports.commentary import Commentary
from transform.reports.content import ReportContent
from transform.reports.headline import Headline, changes, previous_published, trend
from transform.reports.sponsor_value import value_section
from transform.reports.status import current_phase, status_rules, worst
from transform.scoring.adkar import ADKAR
from transform.scoring.kpi import Status

FEEDBACK_DAYS = 90
SECTIONS = [
    ("summary", "Executive summary"),
    ("decisions", "Decisions needed from the sponsor"),
    ("phases", "Phases and gate decisions"),
    ("adoption", "Adoption and readiness by team"),
    ("barriers", "ADKAR barriers and the teams that lag"),
    ("kpis", "KPI scorecard"),
    ("value", "Benefits and value"),
    ("network", "Change agents and barrier themes"),
    ("risks", "Open high RAID items and overdue actions"),
]


@dataclass(frozen=True)
class GateLine:
    phase: Phase
    gate: Gate | None
    decisions: list[GateDecision]


@dataclass(frozen=True)
class AgentActivity:
    name: str
    teams: int
    people: int
    entries: int
    last_entry_on: date | None


def build(
    programme: Programme,
    as_of: date,
    *,
    team_id: int | None = None,
    wave_id: int | None = None,
    commentary: Commentary | None = None,
) -> ReportContent:
    """The report's content; `commentary` is the PMO's, given only when publishing."""
    overview = programme_overview(programme, as_of)
    choice = latest_with_results(programme, InstrumentKind.ADKAR, as_of)
    # The latest wave with results; while none has any, the newest, whose page then says
    # that its groups are below the threshold. The dashboard page keeps the wave scored
    # for the current data, so a report after a dashboard view does not score it again.
    wave = choice.wave or choice.collecting
    dashboard = current_dashboard(programme, wave, None, as_of) if wave else None
    kpis = kpi_views(programme, as_of)
    high = overview.open_high_raid
    rules = status_rules(overview.phases, kpis, high, as_of)
    overall = worst(rules).rag
    shown_rows = [r for r in dashboard.rows if r.state.value == "shown"] if dashboard else []
    lagging = sorted(
        (r for r in shown_rows if r.adoption_index and r.adoption_index.value is not None),
        key=lambda r: r.adoption_index.value,
    )[:5]
    themes, entries = _themes(programme, as_of)
    current = current_phase(overview.phases)
    total = dashboard.total if dashboard and dashboard.total.state.value == "shown" else None
    kpi_counts = Counter(view.status.status for view in kpis)
    headline = Headline(
        status=overall.value,
        phase=current.phase.name if current else None,
        phase_progress=current.percent_done if current else None,
        adoption_index=round(total.adoption_index.value, 1)
        if total and total.adoption_index.value is not None
        else None,
        adoption_n=total.n if total else 0,
        kpis_on_track=kpi_counts[Status.ON_TRACK],
        kpis_total=len(kpis),
        high_risks=high.count,
    )
    previous = previous_published(programme.id, as_of)
    points = trend(programme.id, as_of, headline)
    context = {
        "overall": overall,
        "rules": rules,
        "current": current,
        "phases": overview.phases,
        "gates": _gate_lines(programme, as_of),
        "timeline": timeline_svg(programme, overview.phases, as_of),
        "dashboard": dashboard,
        "collecting_note": choice.collecting_note if choice.wave else None,
        "elements": [element.capitalize() for element in ADKAR],
        "readiness_counts": _readiness_counts(shown_rows),
        "lagging": lagging,
        "kpi_groups": _by_perspective(kpis),
        "kpi_counts": kpi_counts,
        "kpi_charts": {view.kpi.id: kpi_chart(view.kpi, as_of) for view in kpis},
        "kpi_total": len(kpis),
        "value": value_section(programme, as_of),
        "high_raid": high,
        "overdue_actions": _overdue_actions(programme, as_of),
        "overdue_activities": overview.overdue_activities,
        "themes": themes,
        "entries": entries,
        "feedback_from": as_of - timedelta(days=FEEDBACK_DAYS),
        "agents": _agent_activity(programme, as_of),
        "decisions": story.decisions(overview.phases, kpis, high, as_of),
        "cover": story.cover(programme),
        "milestones": story.next_milestones(programme, overview.phases, as_of),
        "headline": headline,
        "previous": previous,
        "changes": changes(headline, previous),
        "trend_points": points,
        "trends": story.trend_charts(points),
        "commentary": commentary,
    }
    return ReportContent(
        template="reports/sponsor_progress.html",
        title="Sponsor progress report",
        subtitle=f"Where {programme.name} stands: delivery, adoption, value and risk",
        sections=list(SECTIONS),
        context=context,
        headline=headline.as_json(),
    )


def _gate_lines(programme: Programme, as_of: date) -> list[GateLine]:
    phases = db.session.scalars(
        select(Phase)
        .where(Phase.programme_id == programme.id)
        .options(selectinload(Phase.gate).selectinload(Gate.decisions))
        .order_by(Phase.position)
    ).all()
    lines = []
    for phase in phases:
        decisions = decisions_as_of(phase.gate, as_of) if phase.gate else []
        lines.append(GateLine(phase, phase.gate, decisions))
    return lines


def _readiness_counts(rows: list[TeamFigures]) -> Counter:
    counts: Counter = Counter()
    for row in rows:
        result = row.readiness.result if row.readiness else None
        counts[result.band.value if result and result.band else "unknown"] += 1
    return counts


def _by_perspective(kpis: list[KpiView]) -> list[tuple[Perspective, list[KpiView]]]:
    return [
        (perspective, members)
        for perspective in Perspective
        if (members := [v for v in kpis if v.kpi.perspective == perspective])
    ]


def _overdue_actions(programme: Programme, as_of: date) -> list[RaidItemAsOf]:
    """Open issues, dependencies and assumptions past due below the high score (the high
    ones are in the table of high RAID items, marked overdue), as they stood on the day."""
    return sorted(
        (
            item
            for item in raid_items_as_of(programme.id, as_of)
            if item.kind != RaidKind.RISK
            and item.is_overdue(as_of)
            and item.score < HIGH_RISK_SCORE
        ),
        key=lambda item: (item.due_on, item.id),
    )


def _themes(programme: Programme, as_of: date) -> tuple[list[tuple[str, int]], int]:
    """Barrier categories of the feedback of the last 90 days, most frequent first."""
    since = as_of - timedelta(days=FEEDBACK_DAYS)
    rows = db.session.execute(
        select(FeedbackEntry.barrier, func.count(FeedbackEntry.id))
        .where(
            FeedbackEntry.programme_id == programme.id,
            FeedbackEntry.observed_on > since,
            FeedbackEntry.observed_on <= as_of,
        )
        .group_by(FeedbackEntry.barrier)
    ).all()
    total = sum(count for _, count in rows)
    themes = sorted(
        ((str(barrier), count) for barrier, count in rows if str(barrier) != "none"),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return themes[:6], total


def _agent_activity(programme: Programme, as_of: date) -> list[AgentActivity]:
    coverage = coverage_page(programme, as_of)
    since = as_of - timedelta(days=FEEDBACK_DAYS)
    entries = dict(
        db.session.execute(
            select(FeedbackEntry.agent_id, func.count(FeedbackEntry.id))
            .where(
                FeedbackEntry.programme_id == programme.id,
                FeedbackEntry.observed_on > since,
                FeedbackEntry.observed_on <= as_of,
            )
            .group_by(FeedbackEntry.agent_id)
        ).all()
    )
    last = dict(
        db.session.execute(
            select(FeedbackEntry.agent_id, func.max(FeedbackEntry.observed_on))
            .where(FeedbackEntry.programme_id == programme.id, FeedbackEntry.observed_on <= as_of)
            .group_by(FeedbackEntry.agent_id)
        ).all()
    )
    loads = {load.agent_id: load for load in coverage.coverage.loads}
    return [
        AgentActivity(
            name,
            len(loads[agent_id].team_ids) if agent_id in loads else 0,
            loads[agent_id].people if agent_id in loads else 0,
            entries.get(agent_id, 0),
            last.get(agent_id),
        )
        for agent_id, name in coverage.agents.items()
    ]
