"""Evaluate a stage gate's criteria: ticked checklists, and figures read from data.

Each kind of computed criterion has one evaluator, which says met, not met or cannot
judge, with the figures behind it. A data criterion is met only when it judged every
team it covers; one that could judge none, or found no failure among some, cannot judge.
Adoption criteria read the latest wave with results (adoption.latest), as the pages do.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from transform import clock
from transform.extensions import db
from transform.formatting import format_value
from transform.indices.latest import WaveChoice, latest_with_results, own_counts
from transform.indices.service import TeamFigures, wave_dashboard
from transform.kpis.queries import kpi_view
from transform.models import (
    GateCriterion,
    GateCriterionKind,
    ImpactedTeam,
    InstrumentKind,
    Kpi,
    Programme,
    Team,
)
from transform.scoring.adkar import UNDETERMINED
from transform.scoring.anonymity import CellState
from transform.scoring.bands import READY_FROM, reaches, whole
from transform.scoring.kpi import Status
from transform.templating import format_date

#: Barrier points that mean a team has not yet accepted the change.
EARLY_ELEMENTS = ("awareness", "desire")


class CriterionState(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    #: The data cannot tell: no team could be judged, or no team failed but some could
    #: not be judged. Never read as met.
    CANNOT_JUDGE = "cannot_judge"

    @property
    def label(self) -> str:
        return {"met": "Met", "not_met": "Not met", "cannot_judge": "Cannot judge"}[self.value]


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
    """The state of each criterion, in order, as of today."""
    return [_EVALUATORS[criterion.kind](programme, criterion) for criterion in criteria]


def _checklist(_programme: Programme, criterion: GateCriterion) -> CriterionResult:
    state = CriterionState.MET if criterion.is_met else CriterionState.NOT_MET
    detail = "Ticked by the PMO." if criterion.is_met else "Not yet ticked by the PMO."
    return CriterionResult(criterion, state, detail)


def _cannot_judge(criterion: GateCriterion, why: str) -> CriterionResult:
    return CriterionResult(criterion, CriterionState.CANNOT_JUDGE, why)


def _judged_state(failed: list, judged: int, teams: int) -> CriterionState:
    """Met only when every team was judged and none failed."""
    if failed:
        return CriterionState.NOT_MET
    if judged < teams or teams == 0:
        return CriterionState.CANNOT_JUDGE
    return CriterionState.MET


def _wave_words(choice: WaveChoice) -> str:
    """Which wave a criterion read."""
    return f"In “{choice.wave.name}”, the latest survey wave with results"


def _with_collecting(choice: WaveChoice, detail: str) -> str:
    """The detail, then the newer wave still collecting, if any."""
    if choice.collecting_note is None:
        return detail.strip()
    return f"{detail.strip()} {choice.collecting_note}"


def _response_minimum(programme: Programme, criterion: GateCriterion) -> CriterionResult:
    """Every impacted team has at least the anonymity threshold of responses in the
    programme's latest wave with results, so its scores can be shown at the gate.

    Counts below the threshold read "fewer than N": an exact small count would tell how
    many responses would lift the group over it.
    """
    minimum = max(int(criterion.threshold or programme.anonymity_threshold), 1)
    choice = latest_with_results(programme, None, clock.today())
    if choice.wave is None:
        return _cannot_judge(criterion, choice.collecting_note or "No survey wave has opened yet.")
    teams = impacted_team_names(programme)
    if not teams:
        return _cannot_judge(criterion, "No impacted teams are set.")
    counts = own_counts(choice.wave, clock.today())
    short = [name for team_id, name in teams.items() if counts.get(team_id, 0) < minimum]
    detail = (
        f"{_wave_words(choice)}: {len(teams) - len(short)} of {len(teams)} impacted teams "
        f"have at least {minimum} responses."
    )
    if short:
        detail += f" Fewer than {minimum}: " + ", ".join(short) + "."
    state = CriterionState.NOT_MET if short else CriterionState.MET
    return CriterionResult(criterion, state, _with_collecting(choice, detail))


def _no_early_barrier(programme: Programme, criterion: GateCriterion) -> CriterionResult:
    """No impacted team's barrier point is Awareness or Desire in the latest ADKAR wave
    with results.

    A team's barrier point is the one the dashboard shows (scoring.adkar.
    team_barrier_point). Teams whose figures are hidden for anonymity, or whose barrier
    point cannot be told, are not judged; they are named and counted.
    """
    choice, rows = _latest_impacted_rows(programme)
    if not rows:
        return _cannot_judge(criterion, _why_no_rows(choice))
    early, hidden, untold = [], [], []
    for row in rows:
        if row.state != CellState.SHOWN:
            hidden.append(row.name)
        elif row.barrier_point == UNDETERMINED:
            untold.append(row.name)
        elif row.barrier_point in EARLY_ELEMENTS:
            early.append(f"{row.name} ({row.barrier_point.capitalize()})")
    judged = len(rows) - len(hidden) - len(untold)
    detail = f"{_wave_words(choice)}: {judged} of {len(rows)} impacted teams judged. "
    if early:
        detail += "Barrier point at Awareness or Desire: " + ", ".join(early) + ". "
    elif judged:
        detail += "None of them has its barrier point at Awareness or Desire. "
    if hidden:
        detail += "Not judged, hidden for anonymity: " + ", ".join(hidden) + ". "
    if untold:
        detail += "Not judged, barrier point cannot be told: " + ", ".join(untold) + ". "
    state = _judged_state(early, judged, len(rows))
    return CriterionResult(criterion, state, _with_collecting(choice, detail))


def _readiness_minimum(programme: Programme, criterion: GateCriterion) -> CriterionResult:
    """Every impacted team's readiness index beside the latest ADKAR wave with results
    reaches the minimum.

    The index is compared as pages show it, in whole points (bands.reaches): 69.6 shows
    70 and passes "at least 70". A team whose figures are withheld for anonymity, or
    whose index is missing, cannot be vouched for: it is named, and the criterion is not
    met while any team is below the minimum, and cannot be judged while any team is
    unjudged.
    """
    minimum = float(criterion.threshold if criterion.threshold is not None else READY_FROM)
    choice, rows = _latest_impacted_rows(programme)
    if not rows:
        return _cannot_judge(criterion, _why_no_rows(choice))
    low, unjudged = [], []
    for row in rows:
        result = row.readiness.result if row.readiness else None
        if row.state != CellState.SHOWN or result is None or result.is_missing:
            unjudged.append(row.name)
        elif not reaches(result.value, minimum):
            low.append(f"{row.name} ({whole(result.value)})")
    judged = len(rows) - len(unjudged)
    detail = (
        f"{_wave_words(choice)}: {judged} of {len(rows)} impacted teams judged; "
        f"{judged - len(low)} have a readiness index of at least {minimum:.0f}."
    )
    if low:
        detail += " Below: " + ", ".join(low) + "."
    if unjudged:
        detail += " Not judged (hidden for anonymity or no data): " + ", ".join(unjudged) + "."
    state = _judged_state(low, judged, len(rows))
    return CriterionResult(criterion, state, _with_collecting(choice, detail))


def _latest_impacted_rows(programme: Programme) -> tuple[WaveChoice, list[TeamFigures]]:
    """The latest ADKAR wave with results, and its dashboard rows of the programme's
    impacted teams as of today (none without such a wave)."""
    choice = latest_with_results(programme, InstrumentKind.ADKAR, clock.today())
    if choice.wave is None:
        return choice, []
    impacted = impacted_team_names(programme)
    dashboard = wave_dashboard(programme, choice.wave, None, clock.today())
    return choice, [row for row in dashboard.rows if row.team_id in impacted]


def _why_no_rows(choice: WaveChoice) -> str:
    if choice.wave is not None:
        return "No impacted teams are set."
    return choice.collecting_note or "No ADKAR survey wave has opened yet."


def impacted_team_names(programme: Programme) -> dict[int, str]:
    """The programme's impacted teams, id to name, by name."""
    return dict(
        db.session.execute(
            select(Team.id, Team.name)
            .join(ImpactedTeam, ImpactedTeam.team_id == Team.id)
            .where(ImpactedTeam.programme_id == programme.id)
            .order_by(Team.name)
        ).all()
    )


def _kpi_on_track(programme: Programme, criterion: GateCriterion) -> CriterionResult:
    """The watched KPI's latest actual is on track against its plan."""
    kpi = db.session.get(Kpi, criterion.kpi_id) if criterion.kpi_id else None
    if kpi is None or kpi.programme_id != programme.id:
        return CriterionResult(criterion, CriterionState.NOT_MET, "The KPI it watches is gone.")
    latest = kpi_view(kpi).status.latest
    if latest is None:
        return _cannot_judge(criterion, f"{kpi.name} has no actual yet.")
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
