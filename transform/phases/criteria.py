"""Evaluate a stage gate's criteria: ticked checklists, and figures read from data.

Each kind of computed criterion has one evaluator, which says met or not met with the
figures behind it.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from transform import clock
from transform.adoption.service import TeamFigures, adkar_waves, wave_dashboard
from transform.extensions import db
from transform.kpis.status import format_value, kpi_view
from transform.models import (
    GateCriterion,
    GateCriterionKind,
    ImpactedTeam,
    Kpi,
    Programme,
    Response,
    Team,
    Wave,
    WaveStatus,
)
from transform.scoring.adkar import ADKAR as ADKAR_ORDER
from transform.scoring.bands import READY_FROM, reaches, whole
from transform.scoring.kpi import Status
from transform.templating import format_date


class CriterionState(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"

    @property
    def label(self) -> str:
        return {"met": "Met", "not_met": "Not met"}[self.value]


@dataclass(frozen=True)
class CriterionResult:
    criterion: GateCriterion
    state: CriterionState
    #: The figures behind the state, in words.
    detail: str

    @property
    def is_computed(self) -> bool:
        return self.criterion.kind != GateCriterionKind.CHECKLIST


def evaluate_criteria(
    programme: Programme, criteria: list[GateCriterion]
) -> list[CriterionResult]:
    """The state of each criterion, in order."""
    return [_EVALUATORS[criterion.kind](programme, criterion) for criterion in criteria]


def _checklist(_programme: Programme, criterion: GateCriterion) -> CriterionResult:
    state = CriterionState.MET if criterion.is_met else CriterionState.NOT_MET
    detail = "Ticked by the PMO." if criterion.is_met else "Not yet ticked by the PMO."
    return CriterionResult(criterion, state, detail)


def _response_minimum(programme: Programme, criterion: GateCriterion) -> CriterionResult:
    """Every impacted team has at least the anonymity threshold of responses in the
    programme's latest opened wave, so its scores can be shown at the gate."""
    minimum = int(criterion.threshold or programme.anonymity_threshold)
    wave = db.session.scalar(
        select(Wave)
        .where(Wave.programme_id == programme.id, Wave.status != WaveStatus.DRAFT)
        .order_by(Wave.opens_on.desc(), Wave.id.desc())
        .limit(1)
    )
    if wave is None:
        return CriterionResult(criterion, CriterionState.NOT_MET, "No survey wave has opened yet.")
    counts = db.session.execute(
        select(Team.name, func.count(Response.id))
        .select_from(ImpactedTeam)
        .join(Team, Team.id == ImpactedTeam.team_id)
        .outerjoin(Response, (Response.team_id == Team.id) & (Response.wave_id == wave.id))
        .where(ImpactedTeam.programme_id == programme.id)
        .group_by(Team.id, Team.name)
        .order_by(Team.name)
    ).all()
    if not counts:
        return CriterionResult(criterion, CriterionState.NOT_MET, "No impacted teams are set.")
    short = [f"{name} ({count})" for name, count in counts if count < minimum]
    reached = len(counts) - len(short)
    detail = (
        f"{reached} of {len(counts)} impacted teams have at least {minimum} responses "
        f"in “{wave.name}”."
    )
    if short:
        detail += " Short: " + ", ".join(short) + "."
        return CriterionResult(criterion, CriterionState.NOT_MET, detail)
    return CriterionResult(criterion, CriterionState.MET, detail)


def _no_early_barrier(programme: Programme, criterion: GateCriterion) -> CriterionResult:
    """No impacted team is stuck at Awareness or Desire in the latest ADKAR wave.

    A team's barrier point is the first ADKAR element whose team mean is at or below the
    middle of the scale (50 on 0-100); teams whose figures are hidden for anonymity
    cannot be judged and are named as such.
    """
    waves = adkar_waves(programme)
    if not waves:
        return CriterionResult(
            criterion, CriterionState.NOT_MET, "No ADKAR survey wave has opened yet."
        )
    rows = _impacted_rows(programme, waves[0])
    early, hidden = [], []
    for row in rows:
        if row.state.value != "shown":
            hidden.append(row.name)
            continue
        stage = next(
            (
                name
                for name, e in zip(ADKAR_ORDER, row.elements, strict=True)
                if e.value is not None and e.value <= 50
            ),
            None,
        )
        if stage in ("awareness", "desire"):
            early.append(f"{row.name} ({stage})")
    detail = f"In “{waves[0].name}”: "
    detail += (
        ("stuck early: " + ", ".join(early) + ". ")
        if early
        else "no team stuck at Awareness or Desire. "
    )
    if hidden:
        detail += "Not judged (hidden for anonymity): " + ", ".join(hidden) + "."
    state = CriterionState.NOT_MET if early else CriterionState.MET
    return CriterionResult(criterion, state, detail.strip())


def _readiness_minimum(programme: Programme, criterion: GateCriterion) -> CriterionResult:
    """Every impacted team's readiness index at the latest ADKAR wave reaches the minimum.

    The index is compared as pages show it, in whole points (bands.reaches): 69.6 shows
    70 and passes "at least 70". A team whose figures are withheld for anonymity, or
    whose index is missing, cannot be vouched for: it is named and the criterion is not
    met while it stays so.
    """
    minimum = float(criterion.threshold if criterion.threshold is not None else READY_FROM)
    waves = adkar_waves(programme)
    if not waves:
        return CriterionResult(
            criterion, CriterionState.NOT_MET, "No ADKAR survey wave has opened yet."
        )
    rows = _impacted_rows(programme, waves[0])
    if not rows:
        return CriterionResult(criterion, CriterionState.NOT_MET, "No impacted teams are set.")
    low, unjudged = [], []
    for row in rows:
        result = row.readiness.result if row.readiness else None
        if row.state.value != "shown" or result is None or result.is_missing:
            unjudged.append(row.name)
        elif not reaches(result.value, minimum):
            low.append(f"{row.name} ({whole(result.value)})")
    reached = len(rows) - len(low) - len(unjudged)
    detail = (
        f"In “{waves[0].name}”: {reached} of {len(rows)} impacted teams have a readiness "
        f"index of at least {minimum:.0f}."
    )
    if low:
        detail += " Below: " + ", ".join(low) + "."
    if unjudged:
        detail += " Not judged (hidden for anonymity or no data): " + ", ".join(unjudged) + "."
    state = CriterionState.NOT_MET if low or unjudged else CriterionState.MET
    return CriterionResult(criterion, state, detail)


def _impacted_rows(programme: Programme, wave: Wave) -> list[TeamFigures]:
    """The dashboard rows of the programme's impacted teams for the wave."""
    impacted = set(
        db.session.scalars(
            select(ImpactedTeam.team_id).where(ImpactedTeam.programme_id == programme.id)
        )
    )
    dashboard = wave_dashboard(programme, wave, None, clock.today())
    return [row for row in dashboard.rows if row.team_id in impacted]


def _kpi_on_track(programme: Programme, criterion: GateCriterion) -> CriterionResult:
    """The watched KPI's latest actual is on track against its plan."""
    kpi = db.session.get(Kpi, criterion.kpi_id) if criterion.kpi_id else None
    if kpi is None or kpi.programme_id != programme.id:
        return CriterionResult(criterion, CriterionState.NOT_MET, "The KPI it watches is gone.")
    latest = kpi_view(kpi).status.latest
    if latest is None:
        return CriterionResult(criterion, CriterionState.NOT_MET, f"{kpi.name} has no actual yet.")
    detail = (
        f"{kpi.name}: {format_value(latest.actual, kpi.unit)} on {format_date(latest.on_date)}, "
        f"{latest.progress:.0%} of the way to target against {latest.planned_progress:.0%} "
        f"planned: {latest.status.label.lower()}."
    )
    state = CriterionState.MET if latest.status == Status.ON_TRACK else CriterionState.NOT_MET
    return CriterionResult(criterion, state, detail)


_EVALUATORS: dict[GateCriterionKind, Callable[[Programme, GateCriterion], CriterionResult]] = {
    GateCriterionKind.CHECKLIST: _checklist,
    GateCriterionKind.RESPONSE_MINIMUM: _response_minimum,
    GateCriterionKind.NO_EARLY_BARRIER: _no_early_barrier,
    GateCriterionKind.READINESS_MINIMUM: _readiness_minimum,
    GateCriterionKind.KPI_ON_TRACK: _kpi_on_track,
}
