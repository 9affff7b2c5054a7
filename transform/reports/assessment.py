"""The Operational Assessment Report: the deliverable that closes the programme's first phase.

Scope (impacted teams and impact), the KPI baseline, the readiness baseline from the
first survey waves, what the assessment phase found, and priorities derived from those
figures by the rules in PRIORITY_RULES, printed in the report. Every figure comes from
the read models the pages use, as of the report's date; anonymity is applied by them.
"""

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from transform.charts import Bar, bars_svg
from transform.extensions import db
from transform.feedback.queries import FeedFilters
from transform.feedback.themes_view import themes_context
from transform.formatting import format_value
from transform.indices.readiness import ReadinessView, TeamReadiness, readiness_view
from transform.indices.service import TeamFigures, adkar_waves, wave_dashboard
from transform.indices.waves import opened_waves
from transform.kpis.chart import kpi_chart
from transform.kpis.queries import kpi_views
from transform.models import (
    Gate,
    InstrumentKind,
    Phase,
    Programme,
    RaidKind,
    RaidStatus,
    Wave,
)
from transform.programmes.queries import HIGH_RISK_SCORE
from transform.raid.queries import RaidRow, raid_items_as_of
from transform.reports.content import ReportContent
from transform.reports.report_data import (
    STATE_NOTE,
    WAVE_NOTE,
    phase_as_of,
    wave_tree_rows,
)
from transform.scoring.adkar import ADKAR
from transform.scoring.anonymity import CellState
from transform.scoring.bands import Band, whole
from transform.scoring.kpi import Status
from transform.teams.queries import ASPECT_LABELS, ImpactRow, impact_overview
from transform.wave_groups import wave_parents
from transform.waves.queries import wave_counts

SECTIONS = [
    ("summary", "Executive summary"),
    ("scope", "Scope and change impact"),
    ("kpis", "KPI baseline"),
    ("readiness", "Readiness baseline"),
    ("findings", "Findings of the assessment phase"),
    ("priorities", "Recommended priorities"),
    ("method", "Method and data notes"),
]
PRIORITY_TEAMS = 5
PRIORITY_RISKS = 5
PRIORITY_KPIS = 3
EARLY_BARRIERS = ("awareness", "desire")
PRIORITY_RULES = {
    "teams": (
        "Impacted teams whose readiness index reads below 70 (caution or not ready), or whose "
        "ADKAR barrier point (first element with a team mean at or below 50) in the first "
        "adoption survey is Awareness or Desire; "
        f"lowest readiness first, at most {PRIORITY_TEAMS}. Teams whose figures are withheld "
        "for anonymity cannot be ranked and are not listed."
    ),
    "risks": (
        f"Risks not closed with a score (severity × likelihood) of {HIGH_RISK_SCORE} or "
        f"more, raised by the as-of date; highest score first, at most {PRIORITY_RISKS}."
    ),
    "kpis": (
        "KPIs whose latest actual by the as-of date is behind their planned progress; the "
        f"largest gap (planned minus actual progress) first, at most {PRIORITY_KPIS}."
    ),
}


@dataclass(frozen=True)
class KpiRow:
    name: str
    perspective: str
    team: str | None
    owner: str | None
    direction: str
    unit: str
    baseline: str
    baseline_on: date
    target: str
    target_on: date
    latest: str | None
    latest_on: date | None
    status: Status
    #: Planned minus actual progress at the latest actual, in points; positive is behind.
    gap: float | None
    locked_on: date | None
    #: Plan, baseline, target and the actuals to the as-of date, as SVG.
    chart: str


@dataclass(frozen=True)
class BaselineRow:
    team_id: int
    name: str
    depth: int
    #: The first adoption survey's figures for the team; None without such a wave.
    adoption: TeamFigures | None
    #: None when withheld with the team's survey figures, or not computed.
    readiness: TeamReadiness | None
    #: Whether the readiness figures may be shown: the adoption figures' state.
    state: CellState


@dataclass(frozen=True)
class Participation:
    wave: str
    opens_on: date
    closes_on: date
    #: The wave's responses by the as-of date: None below the anonymity threshold.
    responses: int | None
    people: int
    #: How the count reads: the number, or "fewer than N".
    responses_label: str


@dataclass(frozen=True)
class Priority:
    subject: str
    evidence: str


def build(
    programme: Programme, as_of: date, *, team_id: int | None = None, wave_id: int | None = None
) -> ReportContent:
    phase = _first_phase(programme)
    findings = phase_as_of(phase, as_of) if phase else None
    scope = impact_overview(programme.id)
    kpis = _kpis(programme, as_of)
    baseline, readiness, adkar_wave = _baseline(programme, as_of)
    items = sorted(raid_items_as_of(programme.id, as_of), key=lambda item: item.log_order)
    log = [RaidRow(item, item.is_overdue(as_of)) for item in items]
    themes = (
        themes_context(
            programme, FeedFilters(date_from=findings.window[0], date_to=findings.window[1]), as_of
        )
        if findings and findings.window
        else None
    )
    impacted = {row.impacted.team_id for row in scope.rows}
    priorities = {
        "teams": _priority_teams(baseline, impacted),
        "risks": _priority_risks(log),
        "kpis": _priority_kpis(kpis),
    }
    context = {
        "phase": findings,
        "scope": scope.rows,
        "aspect_labels": ASPECT_LABELS,
        "people": scope.people,
        "high_impact": scope.high,
        "impact_chart": _impact_chart(scope.rows),
        "kpis": kpis,
        "baseline": baseline,
        "readiness": readiness,
        "adkar_wave": _wave_label(adkar_wave),
        "participation": _participation(programme, adkar_wave, as_of),
        "threshold": programme.anonymity_threshold,
        "elements": [element.capitalize() for element in ADKAR],
        "raid": _phase_raid(log, phase, findings),
        "themes": themes,
        "themes_chart": _themes_chart(themes),
        "priorities": priorities,
        "priority_rules": PRIORITY_RULES,
        "state_note": STATE_NOTE,
        "wave_note": WAVE_NOTE,
    }
    return ReportContent(
        template="reports/operational_assessment.html",
        title="Operational Assessment Report",
        subtitle=f"{programme.organisation or programme.name}: scope, baselines, findings "
        "and priorities",
        sections=list(SECTIONS),
        context=context,
    )


def _first_phase(programme: Programme) -> Phase | None:
    return db.session.scalar(
        select(Phase)
        .where(Phase.programme_id == programme.id)
        .options(
            selectinload(Phase.activities),
            selectinload(Phase.gate).selectinload(Gate.criteria),
            selectinload(Phase.gate).selectinload(Gate.decisions),
        )
        .order_by(Phase.position)
        .limit(1)
    )


def _kpis(programme: Programme, as_of: date) -> list[KpiRow]:
    rows = []
    for view in kpi_views(programme, as_of):
        kpi, latest = view.kpi, view.status.latest
        locked = kpi.locked_at.date() if kpi.locked_at else None
        rows.append(
            KpiRow(
                kpi.name,
                kpi.perspective.label,
                kpi.team.name if kpi.team else None,
                kpi.owner.name if kpi.owner else None,
                "Higher is better" if kpi.direction.value == "higher" else "Lower is better",
                kpi.unit,
                _amount(kpi.baseline_value, kpi.unit),
                kpi.baseline_on,
                _amount(kpi.target_value, kpi.unit),
                kpi.target_on,
                _amount(view.latest_actual, kpi.unit) if latest else None,
                view.latest_on,
                view.status.status,
                100 * latest.gap if latest else None,
                locked if locked and locked <= as_of else None,
                kpi_chart(kpi, as_of),
            )
        )
    return rows


def _amount(value: float, unit: str) -> str:
    """A KPI value as the pages format it, without its unit (a column of its own)."""
    text = format_value(value, unit)
    suffix = f" {unit}"
    return text[: -len(suffix)] if unit and text.endswith(suffix) else text


def _baseline(programme: Programme, as_of: date) -> tuple[list, ReadinessView | None, Wave | None]:
    """Per team: the first adoption survey's figures and readiness beside them."""
    waves = [w for w in adkar_waves(programme) if w.opens_on <= as_of]
    if waves:
        dashboard = wave_dashboard(programme, waves[-1], None, as_of)
        rows = [
            BaselineRow(r.team_id, r.name, r.depth, r, r.readiness, r.state)
            for r in dashboard.rows
        ]
        return rows, dashboard.readiness, waves[-1]
    first = opened_waves(programme, InstrumentKind.READINESS, opened_by=as_of)[-1:]
    if not first:
        return [], None, None
    parents = wave_parents(first[0].id)
    team_rows, _ = wave_tree_rows(first[0])
    view = readiness_view(
        programme,
        min(first[0].closes_on, as_of),
        parents,
        pd.DataFrame(),
        [row.team_id for row in team_rows],
    )
    rows = [
        BaselineRow(r.team_id, r.name, r.depth, None, view.teams.get(r.team_id), CellState.SHOWN)
        for r in team_rows
    ]
    return rows, view, None


def _participation(programme: Programme, adkar_wave: Wave | None, as_of: date):
    """Responses and people asked in the first readiness and ADKAR waves."""
    waves = opened_waves(programme, InstrumentKind.READINESS, opened_by=as_of)[-1:]
    result = []
    for wave in waves + ([adkar_wave] if adkar_wave else []):
        counts = wave_counts(wave, programme.anonymity_threshold, as_of)
        shown = counts.total if counts.total_shown else None
        result.append(
            Participation(
                wave.name, wave.opens_on, wave.closes_on, shown, counts.people, counts.total_label
            )
        )
    return result


def _wave_label(wave: Wave | None) -> tuple[str, date, date] | None:
    return (wave.name, wave.opens_on, wave.closes_on) if wave else None


def _phase_raid(log: list[RaidRow], phase, findings) -> list[tuple[str, RaidRow]]:
    """The RAID items linked to the phase, or raised while it ran, with why each is here."""
    if phase is None:
        return []
    window, rows = findings.window, []
    for row in log:
        raised = row.item.created_at.date()
        if row.item.phase_id == phase.id:
            rows.append(("Linked to the phase", row))
        elif window and window[0] <= raised <= window[1]:
            rows.append(("Raised during the phase", row))
    return rows


def _priority_teams(rows: list[BaselineRow], impacted: set[int]) -> list[Priority]:
    ranked = []
    for row in rows:
        if row.team_id not in impacted or row.state != CellState.SHOWN:
            continue
        reasons, index = [], None
        result = row.readiness.result if row.readiness else None
        if result and not result.is_missing:
            index = result.value
            if result.band != Band.READY:
                shown = f"{whole(result.value)} ({result.band.label.lower()})"
                reasons.append(f"readiness index {shown}")
        barrier = row.adoption.barrier_point if row.adoption else None
        if barrier in EARLY_BARRIERS:
            reasons.append(f"barrier point {barrier.capitalize()} (n = {row.adoption.n})")
        if reasons:
            ranked.append((index if index is not None else 101.0, row.name, reasons))
    ranked.sort(key=lambda item: (item[0], item[1].casefold()))
    return [Priority(name, "; ".join(reasons)) for _, name, reasons in ranked[:PRIORITY_TEAMS]]


def _priority_risks(log: list[RaidRow]) -> list[Priority]:
    risks = sorted(
        (
            row.item
            for row in log
            if row.item.kind == RaidKind.RISK
            and row.item.status != RaidStatus.CLOSED
            and row.item.score >= HIGH_RISK_SCORE
        ),
        key=lambda item: (-item.score, -item.severity, item.id),
    )
    return [
        Priority(
            risk.title,
            f"score {risk.score} (severity {risk.severity} × likelihood {risk.likelihood}), "
            f"{risk.status.value}, owner {risk.owner.name if risk.owner else 'none'}",
        )
        for risk in risks[:PRIORITY_RISKS]
    ]


def _priority_kpis(rows: list[KpiRow]) -> list[Priority]:
    behind = sorted((row for row in rows if row.gap and row.gap > 0), key=lambda r: -r.gap)
    return [
        Priority(
            row.name,
            f"{row.gap:.0f} points of progress behind plan at {row.latest} {row.unit} on "
            f"{row.latest_on.day} {row.latest_on:%b %Y} ({row.status.label.lower()})",
        )
        for row in behind[:PRIORITY_KPIS]
    ]


def _impact_chart(scope: list[ImpactRow]) -> str | None:
    assessed = sorted((row for row in scope if row.degree is not None), key=lambda r: -r.degree)
    if not assessed:
        return None
    tones = {"high": "low", "medium": "mid", "low": "neutral"}
    return bars_svg(
        [
            Bar(
                row.impacted.team.name,
                row.degree,
                tones[row.impacted.impact_level.value],
                f"{row.degree:.0f}",
            )
            for row in assessed
        ],
        "Degree of impact by team (0-100)",
        maximum=100,
    )


def _themes_chart(themes: dict | None) -> str | None:
    if not themes or not themes["barrier_rows"]:
        return None
    return bars_svg(
        [Bar(name, total, "neutral") for name, _, total in themes["barrier_rows"]],
        "Barriers logged by change agents during the phase",
    )
