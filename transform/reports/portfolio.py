"""The portfolio: every programme a user may see, one line each, worst first.

Each figure is the one the programme's own pages show for the same day: the phase and
next gate of the programme overview, the adoption index of the latest ADKAR wave with
results (whole wave, under the anonymity threshold, with its trend against the previous
shown wave), the KPI scorecard's statuses, the open high RAID items, the change load
heatmap's month for the teams the programme shares with other programmes, and the
benefits register's value to date. Other programmes that share a team are counted, never
named: the change load page names only the viewer's own programmes.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from transform.benefits.queries import amounts, entries_as_of
from transform.extensions import db
from transform.indices.latest import adoption_headline
from transform.indices.programme_trend import WholeTrend, whole_wave_trend
from transform.kpis.queries import kpi_views
from transform.loaders import month_load_percent
from transform.models import (
    ImpactedTeam,
    Initiative,
    Membership,
    Programme,
    ProgrammeStatus,
    Role,
    User,
    ValueEntry,
)
from transform.programmes.queries import programme_overview
from transform.reports.status import SEVERITY, StatusRule, overall_status
from transform.scoring import change_load
from transform.scoring.anonymity import CellState
from transform.scoring.benefits import totals
from transform.scoring.kpi import Status

SORT_RULE = (
    "Worst overall status first (red, amber, green); within a status, the most open high "
    "RAID items first, then the most KPIs off track or at risk, then by name."
)


@dataclass(frozen=True)
class Gate:
    phase: str
    status: str
    planned_on: date


@dataclass(frozen=True)
class Adoption:
    wave: str | None
    #: Respondents of the whole wave; None when its figure is not shown.
    n: int | None
    index: float | None
    trend: WholeTrend | None
    #: What stands in for the figure when there is none, in words.
    note: str | None
    collecting_note: str | None


@dataclass(frozen=True)
class Kpis:
    on_track: int
    at_risk: int
    off_track: int
    measured: int
    total: int
    #: The newest actual counted; None when no KPI has one.
    latest_on: date | None


@dataclass(frozen=True)
class Load:
    impacted: int
    #: Impacted teams that at least one other programme not archived also impacts.
    shared: int
    #: Shared teams busy (70% of capacity or more) in the month, of them saturated.
    busy: int
    saturated: int
    #: The highest load of a shared team in the month, in % of its capacity.
    peak: int | None
    month: date


@dataclass(frozen=True)
class Value:
    currency: str
    initiatives: int
    planned_to_date: float
    actual_to_date: float


@dataclass(frozen=True)
class Line:
    programme_id: int
    name: str
    organisation: str
    #: The viewer's role; None for a site administrator who is not a member.
    role: Role | None
    phase: str | None
    phase_percent: int | None
    status: StatusRule
    next_gate: Gate | None
    adoption: Adoption
    kpis: Kpis
    high_raid: int
    high_raid_kinds: str
    load: Load
    value: Value

    @property
    def sort_key(self) -> tuple:
        attention = self.kpis.off_track + self.kpis.at_risk
        return (SEVERITY[self.status.rag], -self.high_raid, -attention, self.name.lower())


@dataclass(frozen=True)
class Portfolio:
    as_of: date
    lines: list[Line]
    sort_rule: str = SORT_RULE


def visible_programmes(user: User) -> list[tuple[Programme, Role | None]]:
    """Site administrators see every programme not archived; others those they are members
    of, each with the user's role (None where a site administrator is not a member)."""
    roles = dict(
        db.session.execute(
            select(Membership.programme_id, Membership.role).where(Membership.user_id == user.id)
        ).all()
    )
    query = select(Programme).where(Programme.status != ProgrammeStatus.ARCHIVED)
    if not user.is_site_admin:
        query = query.where(Programme.id.in_(roles))
    return [(p, roles.get(p.id)) for p in db.session.scalars(query.order_by(Programme.name))]


def portfolio(user: User, as_of: date) -> Portfolio:
    """The portfolio of the programmes `user` may see, as it stood on `as_of`."""
    visible = visible_programmes(user)
    sharing = _programmes_per_team() if visible else {}
    loads = month_load_percent(as_of) if visible else {}
    lines = [_line(p, role, sharing, loads, as_of) for p, role in visible]
    return Portfolio(as_of, sorted(lines, key=lambda line: line.sort_key))


def _line(programme, role, sharing, loads, as_of: date) -> Line:
    overview = programme_overview(programme, as_of)
    kpis = kpi_views(programme, as_of)
    current, gate = overview.current_phase, overview.next_gate
    return Line(
        programme_id=programme.id,
        name=programme.name,
        organisation=programme.organisation or "",
        role=role,
        phase=current.phase.name if current else None,
        phase_percent=current.percent_done if current else None,
        status=overall_status(overview.phases, kpis, overview.open_high_raid, as_of),
        next_gate=Gate(gate.phase.name, gate.gate_status.value, gate.phase.planned_end)
        if gate
        else None,
        adoption=_adoption(programme, as_of),
        kpis=_kpis(kpis),
        high_raid=overview.open_high_raid.count,
        high_raid_kinds=overview.open_high_raid.by_kind,
        load=_load(programme.id, sharing, loads, as_of),
        value=_value(programme, as_of),
    )


def _adoption(programme: Programme, as_of: date) -> Adoption:
    headline = adoption_headline(programme, as_of)
    choice, total = headline.choice, headline.total
    collecting = choice.collecting_note if choice.wave else None
    if choice.wave is None:
        note = choice.collecting_note or "No adoption survey yet."
        return Adoption(None, None, None, None, note, None)
    shown = total.state == CellState.SHOWN and total.adoption_index.value is not None
    if not shown:
        note = f"Fewer than {choice.threshold} responses in all."
        return Adoption(choice.wave.name, None, None, None, note, collecting)
    trend = whole_wave_trend(programme, choice.wave, as_of)
    return Adoption(choice.wave.name, total.n, total.adoption_index.value, trend, None, collecting)


def _kpis(views) -> Kpis:
    counts = {status: 0 for status in Status}
    for view in views:
        counts[view.status.status] += 1
    dates = [view.latest_on for view in views if view.latest_on is not None]
    return Kpis(
        counts[Status.ON_TRACK],
        counts[Status.AT_RISK],
        counts[Status.OFF_TRACK],
        len(views) - counts[Status.NO_DATA],
        len(views),
        max(dates, default=None),
    )


def _programmes_per_team() -> dict[int, dict[int, set[int]]]:
    """For each programme not archived, its impacted teams and the programmes on each."""
    on_team: dict[int, set[int]] = defaultdict(set)
    rows = db.session.execute(
        select(ImpactedTeam.team_id, ImpactedTeam.programme_id)
        .join(Programme, Programme.id == ImpactedTeam.programme_id)
        .where(Programme.status != ProgrammeStatus.ARCHIVED)
    ).all()
    for team_id, programme_id in rows:
        on_team[team_id].add(programme_id)
    sharing: dict[int, dict[int, set[int]]] = defaultdict(dict)
    for team_id, programme_id in rows:
        sharing[programme_id][team_id] = on_team[team_id]
    return sharing


def _load(programme_id: int, sharing, loads: dict[int, float], as_of: date) -> Load:
    teams = sharing.get(programme_id, {})
    shared = [team for team, on in teams.items() if len(on) > 1]
    percents = [loads.get(team, 0.0) for team in shared]
    return Load(
        impacted=len(teams),
        shared=len(shared),
        busy=sum(p >= change_load.BUSY_FROM for p in percents),
        saturated=sum(p > change_load.SATURATED_ABOVE for p in percents),
        peak=round(max(percents)) if percents else None,
        month=change_load.month_start(as_of),
    )


def _value(programme: Programme, as_of: date) -> Value:
    """Planned and realised (actual) net value of the months up to the day, entered by
    then, as the sponsor report's value section counts them."""
    end = datetime.combine(as_of, time.max)
    entries = entries_as_of(
        db.session.scalars(
            select(ValueEntry)
            .join(Initiative, Initiative.id == ValueEntry.initiative_id)
            .where(Initiative.programme_id == programme.id)
            .options(selectinload(ValueEntry.superseded))
        ).all(),
        end,
    )
    initiatives = db.session.scalars(
        select(Initiative.id).where(
            Initiative.programme_id == programme.id, Initiative.created_at <= end
        )
    ).all()
    to_date = [value for value in amounts(entries) if value.month <= as_of]
    return Value(
        programme.currency,
        len(initiatives),
        totals(to_date, "planned").net,
        totals(to_date, "actual").net,
    )
