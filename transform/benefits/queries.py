"""Read models of the benefits register: the filtered list, the roll-ups, one initiative
with its values, and the adoption of the teams it changes (from the latest ADKAR wave)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from transform.charts import ValueSeries, cumulative_value_svg
from transform.extensions import db
from transform.indices.latest import latest_with_results
from transform.indices.service import TeamFigures, wave_dashboard
from transform.models import (
    Initiative,
    InitiativeStage,
    InstrumentKind,
    Phase,
    Programme,
    ValueEntry,
    ValueKind,
    ValueType,
    Wave,
)
from transform.scoring.anonymity import CellState
from transform.scoring.benefits import (
    Amount,
    CumulativePoint,
    TeamAdoption,
    Totals,
    ValueAtRisk,
    cumulative_net,
    expected_net,
    totals,
    value_at_risk,
)


@dataclass(frozen=True)
class BenefitFilters:
    stage: InitiativeStage | None = None
    workstream: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.stage is None and self.workstream is None


@dataclass(frozen=True)
class RegisterRow:
    initiative: Initiative
    planned: Totals
    forecast: Totals
    actual: Totals
    #: Forecast net once there is a forecast, else planned net.
    expected: float
    risk: ValueAtRisk


@dataclass(frozen=True)
class StageTotal:
    stage: InitiativeStage
    count: int
    planned: float
    expected: float
    actual: float


@dataclass(frozen=True)
class Register:
    rows: list[RegisterRow]
    pipeline: list[StageTotal]
    cumulative: list[CumulativePoint]
    planned: Totals
    forecast: Totals
    actual: Totals
    expected: float
    target: float | None

    def chart_svg(self, currency: str) -> str:
        """The cumulative net value chart of these rows, with the target."""
        return chart_svg(self.cumulative, currency, self.target)

    @property
    def at_risk(self) -> float:
        """Value at risk summed over the initiatives that have a figure."""
        return sum(row.risk.value for row in self.rows if row.risk.value is not None)

    @property
    def gap(self) -> float | None:
        """How far the expected net value falls short of the target (negative: beyond it)."""
        return None if self.target is None else self.target - self.expected


def register(programme: Programme, filters: BenefitFilters, today: date) -> Register:
    """The programme's initiatives matching the filters, and the roll-ups of those rows."""
    query = (
        select(Initiative)
        .options(
            selectinload(Initiative.entries),
            selectinload(Initiative.owner),
            selectinload(Initiative.teams),
        )
        .where(Initiative.programme_id == programme.id)
        .order_by(Initiative.stage.desc(), Initiative.name, Initiative.id)
    )
    if filters.stage is not None:
        query = query.where(Initiative.stage == filters.stage)
    if filters.workstream is not None:
        query = query.where(Initiative.workstream == filters.workstream)
    initiatives = db.session.scalars(query).all()
    amounts_of = {initiative.id: amounts(initiative.entries) for initiative in initiatives}
    latest = latest_adoption(programme, today) if initiatives else LatestAdoption(None, {})
    rows = [
        RegisterRow(
            initiative,
            totals(amounts_of[initiative.id], "planned"),
            totals(amounts_of[initiative.id], "forecast"),
            totals(amounts_of[initiative.id], "actual"),
            expected_net(amounts_of[initiative.id]),
            people_beside_value(initiative, latest).risk,
        )
        for initiative in initiatives
    ]
    every_amount = [amount for values in amounts_of.values() for amount in values]
    return Register(
        rows=rows,
        pipeline=_pipeline(rows),
        cumulative=cumulative_net(every_amount),
        planned=totals(every_amount, "planned"),
        forecast=totals(every_amount, "forecast"),
        actual=totals(every_amount, "actual"),
        expected=sum(row.expected for row in rows),
        target=programme.value_target,
    )


def chart_svg(points: list[CumulativePoint], currency: str, target: float | None) -> str:
    """Cumulative net value by month, planned, forecast and actual, as an SVG chart."""

    def series(kind: str) -> tuple:
        return tuple(
            (point.month, getattr(point, kind))
            for point in points
            if getattr(point, kind) is not None
        )

    return cumulative_value_svg(
        ValueSeries(
            f"Cumulative net value ({currency})",
            currency,
            series("planned"),
            series("forecast"),
            series("actual"),
            target,
        )
    )


def _pipeline(rows: list[RegisterRow]) -> list[StageTotal]:
    by_stage: dict[InitiativeStage, list[RegisterRow]] = defaultdict(list)
    for row in rows:
        by_stage[row.initiative.stage].append(row)
    return [
        StageTotal(
            stage,
            len(by_stage[stage]),
            sum(row.planned.net for row in by_stage[stage]),
            sum(row.expected for row in by_stage[stage]),
            sum(row.actual.net for row in by_stage[stage]),
        )
        for stage in InitiativeStage
    ]


@dataclass(frozen=True)
class EntryAsOf:
    """A value entry as it stood at the end of a past day: its amount of then."""

    kind: ValueKind
    value_type: ValueType
    month: date
    amount: float
    confirmed_at: datetime | None


def entries_as_of(entries: list[ValueEntry], end: datetime) -> list[EntryAsOf]:
    """The entries entered by `end`, each with the amount it held then: its current one
    if last entered by then, else the last it was changed from by then. (Their
    `superseded` amounts are read: load them with the entries.)"""
    kept = []
    for entry in entries:
        if entry.entered_at <= end:
            amount = entry.amount
        else:
            earlier = [s for s in entry.superseded if s.entered_at <= end]
            if not earlier:
                continue
            amount = earlier[-1].amount
        kept.append(
            EntryAsOf(entry.kind, entry.value_type, entry.month, amount, entry.confirmed_at)
        )
    return kept


def amounts(entries: list[ValueEntry] | list[EntryAsOf]) -> list[Amount]:
    return [
        Amount(entry.kind.value, entry.value_type.value, entry.month, entry.amount)
        for entry in entries
    ]


def workstreams(programme_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(Initiative.workstream)
            .where(Initiative.programme_id == programme_id, Initiative.workstream != "")
            .distinct()
            .order_by(Initiative.workstream)
        )
    )


def phases(programme_id: int) -> list[Phase]:
    return list(
        db.session.scalars(
            select(Phase).where(Phase.programme_id == programme_id).order_by(Phase.position)
        )
    )


def find_initiative(programme_id: int, initiative_id: int) -> Initiative | None:
    """The initiative if it belongs to the programme."""
    return db.session.scalar(
        select(Initiative).where(
            Initiative.id == initiative_id, Initiative.programme_id == programme_id
        )
    )


@dataclass(frozen=True)
class InitiativeValues:
    #: The entries by month, then kind (planned, forecast, actual), then type.
    entries: list[ValueEntry]
    planned: Totals
    forecast: Totals
    actual: Totals
    expected: float

    def chart_svg(self, currency: str) -> str:
        return chart_svg(cumulative_net(amounts(self.entries)), currency, None)

    @property
    def unconfirmed_actuals(self) -> int:
        return sum(1 for e in self.entries if e.kind == ValueKind.ACTUAL and not e.is_confirmed)


def initiative_values(initiative: Initiative) -> InitiativeValues:
    kinds, types = list(ValueKind), list(ValueType)
    entries = sorted(
        initiative.entries,
        key=lambda e: (e.month, kinds.index(e.kind), types.index(e.value_type)),
    )
    values = amounts(entries)
    return InitiativeValues(
        entries,
        totals(values, "planned"),
        totals(values, "forecast"),
        totals(values, "actual"),
        expected_net(values),
    )


@dataclass(frozen=True)
class TeamFigure:
    team_id: int
    name: str
    #: shown / below_threshold / no_data, or "not_surveyed" when the wave left it out.
    state: str
    respondents: int | None = None
    adoption_index: float | None = None
    adoption_rate: float | None = None


@dataclass(frozen=True)
class PeopleBesideValue:
    wave: Wave | None
    teams: list[TeamFigure]
    risk: ValueAtRisk


@dataclass(frozen=True)
class LatestAdoption:
    """The latest ADKAR wave with results as of a day, and its team rows by team id."""

    wave: Wave | None
    rows: dict[int, TeamFigures]


def latest_adoption(programme: Programme, today: date) -> LatestAdoption:
    wave = latest_with_results(programme, InstrumentKind.ADKAR, today).wave
    if wave is None:
        return LatestAdoption(None, {})
    dashboard = wave_dashboard(programme, wave, None, today)
    return LatestAdoption(wave, {row.team_id: row for row in dashboard.rows})


def people_beside_value(
    initiative: Initiative, latest: LatestAdoption, entries: list[ValueEntry] | None = None
) -> PeopleBesideValue:
    """The adoption of the initiative's teams in the latest ADKAR wave with results, and
    the value at risk of its entries (all of them unless given); a team hidden for
    anonymity contributes no figure."""
    figures = []
    for team in initiative.teams:
        row = latest.rows.get(team.id)
        if row is None:
            figures.append(TeamFigure(team.id, team.name, "not_surveyed"))
        elif row.state != CellState.SHOWN or row.adoption_rate is None:
            figures.append(TeamFigure(team.id, team.name, str(row.state)))
        else:
            figures.append(
                TeamFigure(
                    team.id,
                    team.name,
                    "shown",
                    row.n,
                    row.adoption_index.value if row.adoption_index else None,
                    row.adoption_rate.value,
                )
            )
    adoption = [
        TeamAdoption(f.team_id, f.respondents, f.adoption_rate)
        for f in figures
        if f.state == "shown" and f.respondents and f.adoption_rate is not None
    ]
    return PeopleBesideValue(
        latest.wave,
        figures,
        value_at_risk(amounts(initiative.entries if entries is None else entries), adoption),
    )
