"""Change load: the summed impact hitting each team per month, against what it can absorb.

A programme's change hits an impacted team from MONTHS_BEFORE_GO_LIVE months before the
month of its go-live to MONTHS_AFTER_GO_LIVE month after it (preparation, cut-over,
embedding): four months in all. A change with no go-live date hits the team in every
month of the programme's span, from the month it starts to the month it ends.

In each month it hits, a change adds its points: its degree of impact (0-100, from the
change impact assessment) rounded to whole points, or, when it was not assessed, the
default of its impact level (LEVEL_POINTS: low 20, medium 50, high 80). A team's
points in a month are the sum over every change hitting it then, whichever programme
it comes from; a change counts for the team it is recorded against only.

A team's capacity is the points a month it can absorb: its own, or DEFAULT_CAPACITY
(one transformational change). The load ratio is points / capacity. Bands: below 70%
fine, 70% to 100% busy, above 100% saturated; a month with no change is empty.
"""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

DEFAULT_CAPACITY = 100
LEVEL_POINTS = {"low": 20, "medium": 50, "high": 80}
MONTHS_BEFORE_GO_LIVE = 2
MONTHS_AFTER_GO_LIVE = 1
#: Load ratio, in percent, from which a month is busy; above SATURATED_ABOVE, saturated.
BUSY_FROM = 70
SATURATED_ABOVE = 100


class Band(enum.StrEnum):
    EMPTY = "empty"
    FINE = "fine"
    BUSY = "busy"
    SATURATED = "saturated"


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `month`."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def window(first: date, months: int) -> tuple[date, ...]:
    """The first days of `months` consecutive months from the month of `first`."""
    if months < 1:
        raise ValueError("a window has at least one month")
    return tuple(add_months(month_start(first), n) for n in range(months))


def band(points: int, capacity: int) -> Band:
    """The band of a month's points against a capacity, in whole-number arithmetic."""
    if points <= 0:
        return Band.EMPTY
    if points * 100 > capacity * SATURATED_ABOVE:
        return Band.SATURATED
    if points * 100 >= capacity * BUSY_FROM:
        return Band.BUSY
    return Band.FINE


@dataclass(frozen=True)
class Change:
    """One programme's change to one team."""

    team_id: int
    programme_id: int
    go_live_on: date | None
    starts_on: date
    ends_on: date
    #: Degree of impact 0-100 from the assessment; None when not assessed.
    degree: float | None
    #: "low", "medium" or "high": the level's default points stand in for a missing degree.
    level: str

    @property
    def points(self) -> int:
        if self.degree is None:
            return LEVEL_POINTS[self.level]
        return int(self.degree + 0.5)

    @property
    def first_month(self) -> date:
        if self.go_live_on is None:
            return month_start(self.starts_on)
        return add_months(self.go_live_on, -MONTHS_BEFORE_GO_LIVE)

    @property
    def last_month(self) -> date:
        if self.go_live_on is None:
            return month_start(self.ends_on)
        return add_months(self.go_live_on, MONTHS_AFTER_GO_LIVE)

    def hits(self, month: date) -> bool:
        return self.first_month <= month <= self.last_month


@dataclass(frozen=True)
class Contribution:
    programme_id: int
    go_live_on: date | None
    points: int


@dataclass(frozen=True)
class Cell:
    month: date
    points: int
    capacity: int
    #: The changes hitting the team this month, the heaviest first.
    contributions: tuple[Contribution, ...]

    @property
    def percent(self) -> int:
        """The load ratio in whole percent."""
        return int(100 * self.points / self.capacity + 0.5)

    @property
    def band(self) -> Band:
        return band(self.points, self.capacity)


@dataclass(frozen=True)
class Row:
    team_id: int
    capacity: int
    capacity_is_default: bool
    cells: tuple[Cell, ...]

    @property
    def peak(self) -> Cell:
        """The month with the highest load, the earliest of equals."""
        return max(self.cells, key=lambda cell: (cell.points, -cell.month.toordinal()))

    @property
    def saturated_months(self) -> int:
        return sum(cell.band == Band.SATURATED for cell in self.cells)


@dataclass(frozen=True)
class Grid:
    months: tuple[date, ...]
    rows: tuple[Row, ...]

    @property
    def saturated_cells(self) -> int:
        return sum(row.saturated_months for row in self.rows)

    @property
    def saturated_teams(self) -> int:
        return sum(row.saturated_months > 0 for row in self.rows)

    @property
    def busy_cells(self) -> int:
        return sum(cell.band == Band.BUSY for row in self.rows for cell in row.cells)


def capacity_of(capacity: int | None) -> int:
    return DEFAULT_CAPACITY if capacity is None else capacity


def change_load(
    changes: Iterable[Change],
    teams: Mapping[int, int | None],
    first: date,
    months: int,
) -> Grid:
    """The teams × months grid of points for the changes in the window from `first`.

    `teams` maps team id to its own capacity (None for the default), in display order.
    Rows follow that order and hold the teams any change hits within the window;
    changes to teams not in `teams` are left out, which is how a caller narrows the grid
    to part of the org tree.
    """
    month_list = window(first, months)
    by_team: dict[int, list[Change]] = {}
    for change in changes:
        if change.team_id in teams and any(change.hits(month) for month in month_list):
            by_team.setdefault(change.team_id, []).append(change)
    rows = []
    for team_id, own_capacity in teams.items():
        if team_id not in by_team:
            continue
        capacity = capacity_of(own_capacity)
        cells = tuple(
            _cell(month, capacity, [c for c in by_team[team_id] if c.hits(month)])
            for month in month_list
        )
        rows.append(Row(team_id, capacity, own_capacity is None, cells))
    return Grid(months=month_list, rows=tuple(rows))


def _cell(month: date, capacity: int, changes: list[Change]) -> Cell:
    contributions = sorted(
        (Contribution(c.programme_id, c.go_live_on, c.points) for c in changes),
        key=lambda contribution: (-contribution.points, contribution.programme_id),
    )
    return Cell(
        month=month,
        points=sum(contribution.points for contribution in contributions),
        capacity=capacity,
        contributions=tuple(contributions),
    )
