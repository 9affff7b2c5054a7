"""What an org chart box says of a team beyond its name: this month's change load, and
its adoption index in the latest wave with results of the viewer's programmes.

Figures pass the same anonymity rules as the dashboard (they come from its cache): a
hidden team gets no colour, only the word.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from transform.extensions import db
from transform.indices.cache import cached_dashboard
from transform.indices.latest import latest_with_results
from transform.loaders import month_load_percent
from transform.models import ImpactedTeam, InstrumentKind, Programme
from transform.scoring.anonymity import CellState
from transform.scoring.bands import Band, band, whole


@dataclass(frozen=True)
class TeamMark:
    #: This month's change load in % of the team's capacity; None when nothing changes.
    load_percent: float | None = None
    #: The programme whose team page the box links to, and its latest adoption index.
    programme_id: int | None = None
    adoption: int | None = None
    band: Band | None = None
    #: "hidden for anonymity", "no results yet": why there is no adoption figure.
    adoption_note: str = ""


def team_marks(programmes: list[Programme], today: date) -> dict[int, TeamMark]:
    """Each team's mark: load for every team, adoption from the first of `programmes`
    (the viewer's) that impacts it."""
    loads = month_load_percent(today)
    impacted = db.session.execute(
        select(ImpactedTeam.team_id, ImpactedTeam.programme_id).where(
            ImpactedTeam.programme_id.in_([p.id for p in programmes])
        )
    ).all()
    first_programme: dict[int, int] = {}
    for team_id, programme_id in impacted:
        first_programme.setdefault(team_id, programme_id)
    figures = {p.id: _latest_rows(p, today) for p in programmes}
    marks = {}
    for team_id in set(loads) | set(first_programme):
        programme_id = first_programme.get(team_id)
        row = figures.get(programme_id, {}).get(team_id) if programme_id else None
        marks[team_id] = _mark(loads.get(team_id), programme_id, row)
    return marks


def _latest_rows(programme: Programme, today: date) -> dict:
    choice = latest_with_results(programme, InstrumentKind.ADKAR, today)
    if choice.wave is None:
        return {}
    dashboard = cached_dashboard(programme, choice.wave, None, today).dashboard
    return {row.team_id: row for row in dashboard.rows}


def _mark(load: float | None, programme_id: int | None, row) -> TeamMark:
    if programme_id is None:
        return TeamMark(load)
    if row is None or row.state == CellState.NO_DATA:
        return TeamMark(load, programme_id, adoption_note="no adoption results yet")
    if row.state != CellState.SHOWN or row.adoption_index.value is None:
        return TeamMark(load, programme_id, adoption_note="adoption hidden for anonymity")
    value = row.adoption_index.value
    return TeamMark(load, programme_id, whole(value), band(value))


def teams_with_results(programme: Programme, today: date) -> set[int]:
    """The teams whose adoption figures are shown in the programme's latest ADKAR wave with
    results: the ones a team report can say something about."""
    return {
        team_id
        for team_id, row in _latest_rows(programme, today).items()
        if row.state == CellState.SHOWN
    }
