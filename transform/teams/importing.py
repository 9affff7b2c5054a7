"""Checking an org-structure import: pure, no Flask and no database.

`review_import` checks the rows of a file (see import_files) against the teams that
exist, reading headcounts by transform.value_reading (a decimal mark the file does not
settle is asked for, never guessed), and returns what to create and update with every
problem and a preview of how the rows read; `plan_import` raises ImportRefused listing
every problem, so that nothing is written unless all is well. Row numbers are the
spreadsheet's: the header is row 1.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from transform.import_preview import Preview, ReadCell, column_reading, preview
from transform.import_problems import ImportRefused, Problem, rows_label
from transform.value_reading import (
    DecimalMark,
    NumberText,
    Settlement,
    number_text,
    plain_number,
    settle_decimal_mark,
)

NAME_MAX = 160
EXTERNAL_ID_MAX = 64
HEADCOUNT_MAX = 1_000_000


@dataclass(frozen=True)
class SourceRow:
    """One row of the file as text, with its row number."""

    line: int
    team_id: str
    name: str
    parent_id: str
    headcount: str


@dataclass(frozen=True)
class ExistingTeam:
    id: int
    external_id: str | None
    name: str
    parent_id: int | None
    headcount: int


@dataclass(frozen=True)
class TeamChange:
    """A team to create (team_id None) or update, with its parent by external id."""

    line: int
    external_id: str
    name: str
    parent_external_id: str | None
    headcount: int
    team_id: int | None = None


@dataclass(frozen=True)
class ImportPlan:
    #: Teams to create, parents before their children.
    creates: list[TeamChange]
    updates: list[TeamChange]
    unchanged: int


# Checking rows against the teams that exist

#: The preview's columns, as the file names them.
PREVIEW_COLUMNS = ("team id", "name", "parent id", "headcount")


@dataclass(frozen=True)
class TeamsReview:
    """What the file would change (None while any row is wrong), every problem, how its
    headcounts are read and the preview of its rows."""

    plan: ImportPlan | None
    problems: list[Problem]
    headcounts: Settlement[DecimalMark]
    preview: Preview


def review_import(
    rows: Sequence[SourceRow],
    existing: Sequence[ExistingTeam],
    decimal_mark: DecimalMark | None = None,
    file_mark: DecimalMark | None = None,
) -> TeamsReview:
    """Every row checked: the plan, or every problem; headcounts read with the decimal
    mark chosen, else the one the file settles (see settle_decimal_mark)."""
    by_external_id = {team.external_id: team for team in existing if team.external_id}
    known = {row.team_id for row in rows if row.team_id} | by_external_id.keys()
    numbers = {row.line: number_text(row.headcount) for row in rows if row.headcount}
    settled = settle_decimal_mark(numbers.items(), decimal_mark, file_mark)
    problems = [Problem.at_rows(u.message, u.lines) for u in settled.unsettled]
    first_line: dict[str, int] = {}
    valid: dict[str, tuple[SourceRow, int]] = {}
    headcounts: dict[int, float | None] = {}
    for row in rows:
        headcount = numbers[row.line].read(settled.way) if row.line in numbers else None
        headcounts[row.line] = headcount
        row_problems = _row_problems(row, numbers.get(row.line), headcount, first_line, known)
        problems.extend(row_problems)
        if row.team_id and row.team_id not in first_line:
            first_line[row.team_id] = row.line
        if not row_problems and headcount is not None:
            valid[row.team_id] = (row, int(headcount))
    problems.extend(_cycles(rows, first_line, existing))
    problems.sort(key=lambda problem: problem.lines)
    plan = None if problems else _plan(valid, by_external_id)
    shown = preview(
        PREVIEW_COLUMNS,
        ((row.line, _preview_cells(row, headcounts[row.line])) for row in rows),
        len(rows),
        (column_reading("headcount", settled),),
    )
    return TeamsReview(plan, problems, settled, shown)


def plan_import(
    rows: Sequence[SourceRow],
    existing: Sequence[ExistingTeam],
    decimal_mark: DecimalMark | None = None,
    file_mark: DecimalMark | None = None,
) -> ImportPlan:
    """What to create and update, or ImportRefused with every bad row."""
    review = review_import(rows, existing, decimal_mark, file_mark)
    if review.problems:
        raise ImportRefused(review.problems)
    return review.plan


def _preview_cells(row: SourceRow, headcount: float | None) -> tuple[ReadCell, ...]:
    return (
        ReadCell(row.team_id),
        ReadCell(row.name),
        ReadCell(row.parent_id),
        ReadCell(row.headcount, plain_number(headcount) if headcount is not None else ""),
    )


def _row_problems(
    row: SourceRow,
    number: NumberText | None,
    headcount: float | None,
    first_line: dict[str, int],
    known: set[str],
) -> list[Problem]:
    """The row's problems; a headcount read neither way for want of a decimal mark
    (`headcount` None) is listed once for the column, not here."""
    messages = []
    if not row.team_id:
        messages.append("The team id is missing.")
    elif len(row.team_id) > EXTERNAL_ID_MAX:
        messages.append(f"The team id is longer than {EXTERNAL_ID_MAX} characters.")
    elif row.team_id in first_line:
        messages.append(f"Team id {row.team_id} is also on row {first_line[row.team_id]}.")
    if not row.name:
        messages.append("The name is missing.")
    elif len(row.name) > NAME_MAX:
        messages.append(f"The name is longer than {NAME_MAX} characters.")
    if row.parent_id and row.parent_id == row.team_id:
        messages.append(f"{row.team_id} is its own parent.")
    elif row.parent_id and row.parent_id not in known:
        messages.append(f"Parent id {row.parent_id} is neither in the file nor an existing team.")
    if number is None:
        messages.append("The headcount is missing; give 0 for a team with no people.")
    elif not number.is_value or number.is_percent:
        messages.append(f"Headcount “{row.headcount}” is not a whole number.")
    elif headcount is not None and not headcount.is_integer():
        messages.append(f"Headcount “{row.headcount}” is not a whole number.")
    elif headcount is not None and headcount < 0:
        messages.append(f"Headcount {row.headcount} is negative.")
    elif headcount is not None and headcount > HEADCOUNT_MAX:
        messages.append(f"Headcount {row.headcount} is more than {HEADCOUNT_MAX:,}.")
    return [Problem(message, row.line, subject=row.team_id) for message in messages]


def _cycles(
    rows: Sequence[SourceRow], first_line: dict[str, int], existing: Sequence[ExistingTeam]
) -> list[Problem]:
    """One problem per loop in the tree the file would make, naming its teams in order.

    Existing teams keep their parents unless the file lists them, so a loop can run
    through teams the file does not mention; those are named but have no row.
    """
    # Nodes: a file row by its team id, an existing team not in the file by its database id.
    parent: dict[str | int, str | int | None] = {}
    label: dict[str | int, str] = {}
    line_of: dict[str | int, int] = {}
    key_of_external = {}
    for team in existing:
        key = team.external_id if team.external_id else team.id
        key_of_external[team.id] = key
        label[key] = team.external_id or team.name
    for team in existing:
        if team.external_id not in first_line:
            parent[key_of_external[team.id]] = key_of_external.get(team.parent_id)
    for row in rows:
        if row.team_id and first_line.get(row.team_id) == row.line:
            own_parent = row.parent_id and row.parent_id != row.team_id
            parent[row.team_id] = row.parent_id if own_parent else None
            label[row.team_id] = row.team_id
            line_of[row.team_id] = row.line
    problems, state = [], {}  # state: node -> walk number, or "done"
    for walk, start in enumerate(line_of):
        path, node = [], start
        while node in parent and node not in state:
            state[node] = walk
            path.append(node)
            node = parent[node]
        if node in state and state[node] == walk:
            loop = path[path.index(node) :]
            problems.append(_cycle_problem(loop, label, line_of))
        for visited in path:
            state[visited] = "done"
    return problems


def _cycle_problem(loop: list, label: dict, line_of: dict) -> Problem:
    lines = sorted(line_of[node] for node in loop if node in line_of)
    start = min(range(len(loop)), key=lambda i: line_of.get(loop[i], float("inf")))
    ordered = loop[start:] + loop[:start]
    chain = " → ".join(label[node] for node in [*ordered, ordered[0]])
    where = rows_label(lines)
    verb = "forms" if len(lines) == 1 else "form"
    return Problem.at_rows(
        f"{where} {verb} a cycle: {chain} (each is under the next).",
        lines,
        subject=label[ordered[0]],
    )


def _plan(
    valid: dict[str, tuple[SourceRow, int]], by_external_id: dict[str, ExistingTeam]
) -> ImportPlan:
    creates, updates, unchanged = [], [], 0
    for team_id, (row, headcount) in valid.items():
        existing = by_external_id.get(team_id)
        change = TeamChange(
            line=row.line,
            external_id=team_id,
            name=row.name,
            parent_external_id=row.parent_id or None,
            headcount=headcount,
            team_id=existing.id if existing else None,
        )
        if existing is None:
            creates.append(change)
        elif _differs(existing, change, by_external_id):
            updates.append(change)
        else:
            unchanged += 1
    return ImportPlan(_parents_first(creates), updates, unchanged)


def _differs(existing: ExistingTeam, change: TeamChange, by_external_id) -> bool:
    parent = by_external_id.get(change.parent_external_id) if change.parent_external_id else None
    new_parent_id = parent.id if parent else None
    if change.parent_external_id and parent is None:
        return True  # its parent is a team this import creates
    return (existing.name, existing.parent_id, existing.headcount) != (
        change.name,
        new_parent_id,
        change.headcount,
    )


def _parents_first(creates: list[TeamChange]) -> list[TeamChange]:
    """New teams ordered so that each comes after a new parent it has."""
    new = {change.external_id: change for change in creates}
    depth: dict[str, int] = {}
    for change in creates:
        chain, node = [], change.external_id
        while node in new and node not in depth:
            chain.append(node)
            node = new[node].parent_external_id
        level = depth.get(node, -1)  # -1 above a team whose parent exists already
        for external_id in reversed(chain):
            level += 1
            depth[external_id] = level
    return sorted(creates, key=lambda change: depth[change.external_id])
