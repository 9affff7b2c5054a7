"""Read models for the change load heatmap: every programme's changes, named only to members.

The load counts the changes of every programme that is not archived, whoever looks;
a programme's name is shown only to its members. Everyone else reads "another
programme", so the page tells a PMO that a team is busy without telling them with what.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select

from transform.extensions import db
from transform.load.org import TeamInfo
from transform.models import (
    ImpactedTeam,
    ImpactScore,
    Membership,
    Programme,
    ProgrammeStatus,
    User,
)
from transform.scoring import change_load as core
from transform.scoring.impact import impact_degree


@dataclass(frozen=True)
class Source:
    """A change hitting a team in a month, as the viewer may see it."""

    #: None for a programme the viewer is not a member of.
    programme_name: str | None
    go_live_on: date | None
    points: int

    @property
    def label(self) -> str:
        return self.programme_name or "Another programme"


@dataclass(frozen=True)
class CellView:
    team: TeamInfo
    cell: core.Cell
    sources: tuple[Source, ...]

    @property
    def others(self) -> int:
        """How many programmes the viewer may not name contribute to this cell."""
        return sum(source.programme_name is None for source in self.sources)

    @property
    def summary(self) -> str:
        """One line for a tooltip: the load and what makes it up, others unnamed."""
        cell = self.cell
        head = (
            f"{self.team.name}, {cell.month:%b %Y}: {cell.points} of {cell.capacity} points "
            f"({cell.percent}%), {cell.band.value}"
        )
        named = [f"{s.programme_name} {s.points}" for s in self.sources if s.programme_name]
        if self.others:
            points = sum(s.points for s in self.sources if s.programme_name is None)
            plural = "programme" if self.others == 1 else "programmes"
            named.append(f"{self.others} other {plural} {points}")
        return f"{head}. {'; '.join(named)}" if named else head


@dataclass(frozen=True)
class RowView:
    team: TeamInfo
    row: core.Row
    cells: tuple[CellView, ...]


@dataclass(frozen=True)
class LoadView:
    grid: core.Grid
    rows: tuple[RowView, ...]


def change_load(user: User, teams: list[TeamInfo], first: date, months: int) -> LoadView:
    """The heatmap of the given teams for the window, with programmes named for `user`."""
    month_list = core.window(first, months)
    only_team = teams[0].id if len(teams) == 1 else None
    changes = changes_in_window(month_list[0], month_list[-1], only_team)
    grid = core.change_load(
        changes, {team.id: team.change_capacity for team in teams}, first, months
    )
    names = member_programme_names(user.id)
    by_id = {team.id: team for team in teams}
    rows = []
    for row in grid.rows:
        team = by_id[row.team_id]
        cells = tuple(_cell_view(team, cell, names) for cell in row.cells)
        rows.append(RowView(team, row, cells))
    return LoadView(grid, tuple(rows))


def cell(user: User, team: TeamInfo, month: date) -> CellView:
    """One team's load in one month, with what makes it up."""
    view = change_load(user, [team], month, 1)
    if view.rows:
        return view.rows[0].cells[0]
    capacity = core.capacity_of(team.change_capacity)
    return CellView(team, core.Cell(month, 0, capacity, ()), ())


def _cell_view(team: TeamInfo, cell_: core.Cell, names: dict[int, str]) -> CellView:
    sources = tuple(
        Source(names.get(c.programme_id), c.go_live_on, c.points) for c in cell_.contributions
    )
    # The viewer's own programmes first, each group the heaviest first.
    sources = tuple(sorted(sources, key=lambda s: (s.programme_name is None, -s.points)))
    return CellView(team, cell_, sources)


def changes_in_window(first: date, last: date, team_id: int | None) -> list[core.Change]:
    """The changes of programmes not archived that may hit teams within the months.

    The database narrows by the window (and to one team if given); the core decides
    exactly which months each change hits and leaves out teams it was not asked about.
    """
    earliest_go_live = core.add_months(first, -core.MONTHS_AFTER_GO_LIVE)
    go_live_before = core.add_months(last, core.MONTHS_BEFORE_GO_LIVE + 1)
    in_window = or_(
        and_(
            ImpactedTeam.go_live_on.is_not(None),
            ImpactedTeam.go_live_on >= earliest_go_live,
            ImpactedTeam.go_live_on < go_live_before,
        ),
        and_(
            ImpactedTeam.go_live_on.is_(None),
            Programme.starts_on < core.add_months(last, 1),
            Programme.ends_on >= first,
        ),
    )
    conditions = [Programme.status != ProgrammeStatus.ARCHIVED, in_window]
    if team_id is not None:
        conditions.append(ImpactedTeam.team_id == team_id)
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    for impacted_id, aspect, score in db.session.execute(
        select(ImpactScore.impacted_team_id, ImpactScore.aspect, ImpactScore.score)
        .join(ImpactedTeam, ImpactedTeam.id == ImpactScore.impacted_team_id)
        .join(Programme, Programme.id == ImpactedTeam.programme_id)
        .where(*conditions)
    ):
        scores[impacted_id][aspect.value] = score
    rows = db.session.execute(
        select(
            ImpactedTeam.id,
            ImpactedTeam.team_id,
            ImpactedTeam.programme_id,
            ImpactedTeam.go_live_on,
            ImpactedTeam.impact_level,
            Programme.starts_on,
            Programme.ends_on,
        )
        .join(Programme, Programme.id == ImpactedTeam.programme_id)
        .where(*conditions)
    )
    return [
        core.Change(
            team_id=team_id,
            programme_id=programme_id,
            go_live_on=go_live_on,
            starts_on=starts_on,
            ends_on=ends_on,
            degree=impact_degree(scores.get(impacted_id, {})),
            level=level.value,
        )
        for impacted_id, team_id, programme_id, go_live_on, level, starts_on, ends_on in rows
    ]


def member_programme_names(user_id: int) -> dict[int, str]:
    """The names of the programmes the user is a member of: the only names they may see."""
    return dict(
        db.session.execute(
            select(Programme.id, Programme.name)
            .join(Membership, Membership.programme_id == Programme.id)
            .where(Membership.user_id == user_id)
        ).all()
    )
