"""Read models for the change load heatmap: every programme's changes, named only to members.

The load counts the changes of every programme that is not archived, whoever looks;
a programme's name is shown only to its members. Everyone else reads "another
programme", so the page tells a PMO that a team is busy without telling them with what.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from transform.extensions import db
from transform.load.org import TeamInfo
from transform.loaders import changes_in_window
from transform.models import (
    Membership,
    Programme,
    User,
)
from transform.scoring import change_load as core


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


def member_programme_names(user_id: int) -> dict[int, str]:
    """The names of the programmes the user is a member of: the only names they may see."""
    return dict(
        db.session.execute(
            select(Programme.id, Programme.name)
            .join(Membership, Membership.programme_id == Programme.id)
            .where(Membership.user_id == user_id)
        ).all()
    )
