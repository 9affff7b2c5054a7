"""Checking an org-structure import: pure, no Flask and no database.

`plan_import` checks the rows of a file (see import_files) against the teams that
exist and returns what to create and update, or raises ImportRefused listing every
problem, so that nothing is written unless all is well. Row numbers are the
spreadsheet's: the header is row 1.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

NAME_MAX = 160
EXTERNAL_ID_MAX = 64
HEADCOUNT_MAX = 1_000_000


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: the rows concerned, none for the whole file."""

    message: str
    lines: tuple[int, ...] = ()
    team_id: str = ""

    @property
    def where(self) -> str:
        if not self.lines:
            return "File"
        label = "Row" if len(self.lines) == 1 else "Rows"
        return f"{label} {', '.join(str(line) for line in self.lines)}"


class ImportRefused(ValueError):
    """The file cannot be imported; `problems` lists every reason found."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = list(problems)


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


def plan_import(rows: Sequence[SourceRow], existing: Sequence[ExistingTeam]) -> ImportPlan:
    """What to create and update, or ImportRefused with every bad row."""
    by_external_id = {team.external_id: team for team in existing if team.external_id}
    in_file = {row.team_id for row in rows if row.team_id}
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    valid: dict[str, tuple[SourceRow, int]] = {}
    for row in rows:
        row_problems = _row_problems(row, first_line, in_file | by_external_id.keys())
        problems.extend(row_problems)
        if row.team_id and row.team_id not in first_line:
            first_line[row.team_id] = row.line
        if not row_problems:
            valid[row.team_id] = (row, int(_integer(row.headcount)))
    problems.extend(_cycles(rows, first_line, existing))
    if problems:
        problems.sort(key=lambda problem: problem.lines)
        raise ImportRefused(problems)
    return _plan(valid, by_external_id)


def _row_problems(row: SourceRow, first_line: dict[str, int], known: set[str]) -> list[Problem]:
    def problem(message: str) -> Problem:
        return Problem(message, (row.line,), row.team_id)

    found = []
    if not row.team_id:
        found.append(problem("The team id is missing."))
    elif len(row.team_id) > EXTERNAL_ID_MAX:
        found.append(problem(f"The team id is longer than {EXTERNAL_ID_MAX} characters."))
    elif row.team_id in first_line:
        found.append(problem(f"Team id {row.team_id} is also on row {first_line[row.team_id]}."))
    if not row.name:
        found.append(problem("The name is missing."))
    elif len(row.name) > NAME_MAX:
        found.append(problem(f"The name is longer than {NAME_MAX} characters."))
    if row.parent_id and row.parent_id == row.team_id:
        found.append(problem(f"{row.team_id} is its own parent."))
    elif row.parent_id and row.parent_id not in known:
        found.append(
            problem(f"Parent id {row.parent_id} is neither in the file nor an existing team.")
        )
    headcount = _integer(row.headcount)
    if not row.headcount:
        found.append(problem("The headcount is missing; give 0 for a team with no people."))
    elif headcount is None:
        found.append(problem(f"Headcount “{row.headcount}” is not a whole number."))
    elif headcount < 0:
        found.append(problem(f"Headcount {row.headcount} is negative."))
    elif headcount > HEADCOUNT_MAX:
        found.append(problem(f"Headcount {row.headcount} is more than {HEADCOUNT_MAX:,}."))
    return found


def _integer(text: str) -> int | None:
    """A whole number written as digits, also as Excel writes it ("12.0")."""
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if re.fullmatch(r"[+-]?\d+\.0*", text):
        return int(text.split(".")[0])
    return None


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
    where = Problem("", tuple(lines)).where
    verb = "forms" if len(lines) == 1 else "form"
    return Problem(
        f"{where} {verb} a cycle: {chain} (each is under the next).",
        tuple(lines),
        label[ordered[0]],
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
