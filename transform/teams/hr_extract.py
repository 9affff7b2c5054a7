"""A person-level HR extract turned into one row per team: pure, no Flask.

An HR system exports one row per employee: their department (or team), the department
their manager is in (or a parent column), and much else. The PMO chooses the team column
and the parent column (and, optionally, a column with the team's name when the team
column holds codes); each team's headcount is the number of its people in the file.
A team's parent is the parent value of its rows that is not the team itself: most people's
manager is in their own team, the head's is in the team above. A team given two parents,
or a person without a team, is a problem listing every row it is on; the org import then
checks the teams as it checks a team file (a cycle of parents, names too long, …).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from transform import tabular_files
from transform.import_problems import Problem, rows_label
from transform.teams.importing import SourceRow

MAX_PEOPLE = 200_000
TEAM_HEADERS = ("department", "team", "department name", "org unit", "unit", "team name")
PARENT_HEADERS = (
    "manager department",
    "manager's department",
    "managers department",
    "parent department",
    "parent",
    "parent team",
)


@dataclass(frozen=True)
class PeopleColumns:
    """The chosen columns, as 0-based indexes; `parent` and `name` may be None."""

    team: int | None
    parent: int | None = None
    name: int | None = None


@dataclass(frozen=True)
class Extract:
    """The header row and each non-blank row below it with its row number."""

    headers: tuple[str, ...]
    rows: list[tuple[int, list[str]]]


def read_extract(filename: str, data: bytes) -> Extract:
    """The extract's header and rows; transform.tabular_files.TableRefused when the
    file cannot be read."""
    sheet = tabular_files.read_table(filename, data)
    headers, rows = tabular_files.data_rows(
        sheet.rows,
        MAX_PEOPLE,
        "people",
        lambda header: tuple(str(cell).strip() for cell in header),
    )
    return Extract(headers, rows)


def _key(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("_", " ").split()).casefold()


def suggest_columns(headers: Sequence[str]) -> PeopleColumns:
    """The team and parent columns where a header names them as HR systems usually do."""
    keys = [_key(header) for header in headers]

    def find(names) -> int | None:
        return next((keys.index(name) for name in names if name in keys), None)

    return PeopleColumns(find(TEAM_HEADERS), find(PARENT_HEADERS))


def team_rows(extract: Extract, columns: PeopleColumns) -> tuple[list[SourceRow], list[Problem]]:
    """One row per team (on the row of its first person) with its people counted, and
    every problem. A parent must be a team of the file or of the org chart, as in a team
    file: the org import says so otherwise."""
    label = _labels(extract.headers)
    people: dict[str, list[int]] = {}
    names: dict[str, dict[str, list[int]]] = {}
    parents: dict[str, dict[str, list[int]]] = {}
    problems: list[Problem] = []
    missing = []
    for line, cells in extract.rows:
        team = tabular_files.cell(cells, columns.team)
        if not team:
            missing.append(line)
            continue
        people.setdefault(team, []).append(line)
        if columns.name is not None and (name := tabular_files.cell(cells, columns.name)):
            names.setdefault(team, {}).setdefault(name, []).append(line)
        parent = tabular_files.cell(cells, columns.parent) if columns.parent is not None else ""
        if parent and parent != team:
            parents.setdefault(team, {}).setdefault(parent, []).append(line)
    if missing:
        message = f"The team ({label[columns.team]}) is missing: every person needs a team."
        problems.append(Problem.at_rows(message, missing))
    rows = []
    for team, lines in people.items():
        parent = _one(team, parents.get(team, {}), "parents", problems)
        name = _one(team, names.get(team, {}), "names", problems) or team
        rows.append(SourceRow(lines[0], team, name, parent, str(len(lines))))
    return sorted(rows, key=lambda row: row.line), problems


def _one(team: str, found: dict[str, list[int]], what: str, problems: list[Problem]) -> str:
    """The one value a team was given; "" and a problem when it was given several."""
    if len(found) <= 1:
        return next(iter(found), "")
    each = "; ".join(f"{value} ({rows_label(lines).lower()})" for value, lines in found.items())
    lines = [line for value_lines in found.values() for line in value_lines]
    message = f"Team {team} has two or more {what}: {each}."
    problems.append(Problem.at_rows(message, lines, subject=team))
    return ""


def _labels(headers: Sequence[str]) -> list[str]:
    return [header or f"column {index + 1}" for index, header in enumerate(headers)]
