"""Checking survey responses exported by another tool: pure, no Flask and no database.

`check_responses` reads every row of a table (see import_files) through a column
mapping and returns the responses to store, or raises ImportRefused listing every
problem, so that nothing is written unless every row is right. Row numbers are the
spreadsheet's: the header is row 1.
"""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from transform.import_problems import PROBLEMS_LISTED, ImportRefused, Problem
from transform.wave_data.answers import UNANSWERED, AnswerSpec, read_answer, read_day

if TYPE_CHECKING:
    from transform.wave_data.import_files import Row, Table

#: The respondent form's limit on a comment.
COMMENT_MAX = 2000


class TeamMatch(enum.StrEnum):
    """What the team column holds."""

    NAME = "name"
    EXTERNAL_ID = "external_id"
    #: Our own team id, as the API names teams.
    ID = "id"


@dataclass(frozen=True)
class ColumnMapping:
    """Which column (a 0-based index, or None) holds what."""

    #: item id -> the column of its answers, None for "not in the file"
    items: Mapping[int, int | None]
    team: int | None
    team_match: str = TeamMatch.NAME
    day: int | None = None
    comment: int | None = None


@dataclass(frozen=True)
class MappingProblem:
    """A mapping that cannot work; `target` is "team", "items" or an item id."""

    target: str | int
    message: str


@dataclass(frozen=True)
class TeamRef:
    id: int
    name: str
    external_id: str | None
    #: Whether the wave targets this team: only those take responses.
    is_target: bool


@dataclass(frozen=True)
class CheckedResponse:
    line: int
    team_id: int
    submitted_on: date
    comment: str | None
    #: item id -> value on the item's scale, None for "don't know"; unanswered items absent
    answers: dict[int, int | None]


def default_day(opens_on: date, closes_on: date, today: date) -> date:
    """The day of a response with no date column: today, kept within the wave."""
    return min(max(today, opens_on), closes_on)


# The mapping


def check_mapping(
    mapping: ColumnMapping, items: Sequence[AnswerSpec], labels: Sequence[str]
) -> list[MappingProblem]:
    """Why the mapping cannot be used, one problem per field; empty when it can."""
    problems = []
    if mapping.team is None:
        problems.append(MappingProblem("team", "Choose the column that names the team."))
    if not any(column is not None for column in mapping.items.values()):
        problems.append(MappingProblem("items", "Choose a column for at least one item."))
    for item in items:
        if item.is_required and mapping.items.get(item.id) is None:
            message = f"{item.code} is required: choose the column with its answers."
            problems.append(MappingProblem(item.id, message))
    used: dict[int, str] = {}
    uses = [("team", mapping.team, "the team"), ("day", mapping.day, "the date")]
    uses.append(("comment", mapping.comment, "the comment"))
    uses += [(item.id, mapping.items.get(item.id), item.code) for item in items]
    for target, column, what in uses:
        if column is None:
            continue
        if column in used:
            problems.append(
                MappingProblem(
                    target, f"Column {labels[column]} is already chosen for {used[column]}."
                )
            )
        else:
            used[column] = what
    return problems


# The rows


class _TeamDirectory:
    """Team cells resolved to the wave's teams, by name (any case) or by external id."""

    def __init__(self, teams: Sequence[TeamRef], match: str):
        self.match = match
        self.teams: dict[str, list[TeamRef]] = {}
        for team in teams:
            key = self._key(self._identity(team))
            if key:
                self.teams.setdefault(key, []).append(team)
        self.resolved: dict[str, tuple[int | None, str]] = {}

    def _identity(self, team: TeamRef) -> str | None:
        if self.match == TeamMatch.ID:
            return str(team.id)
        return team.external_id if self.match == TeamMatch.EXTERNAL_ID else team.name

    def _key(self, text: str | None) -> str:
        if self.match != TeamMatch.NAME:
            return (text or "").strip()
        return " ".join((text or "").split()).casefold()

    def resolve(self, text: str) -> tuple[int | None, str]:
        """The team's id, or None and why not."""
        if text not in self.resolved:
            self.resolved[text] = self._resolve(text)
        return self.resolved[text]

    def _resolve(self, text: str) -> tuple[int | None, str]:
        what = "team" if self.match == TeamMatch.NAME else "team id"
        if not text:
            return None, f"The {what} is missing."
        found = self.teams.get(self._key(text), [])
        targets = [team for team in found if team.is_target]
        if len(targets) == 1:
            return targets[0].id, ""
        if len(targets) > 1:
            return None, f"Several of the wave's teams are named “{text}”: match by team id."
        if found:
            return None, f"{what.capitalize()} “{text}” is not one of the teams this wave surveys."
        return None, f"Unknown {what} “{text}”."


class _Problems:
    """Problems in row order: the first PROBLEMS_LISTED kept, every one counted."""

    def __init__(self):
        self.listed: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.listed) < PROBLEMS_LISTED:
            self.listed.append(problem)


def check_responses(
    table: "Table",
    mapping: ColumnMapping,
    items: Sequence[AnswerSpec],
    teams: Sequence[TeamRef],
    wave_days: tuple[date, date],
    default: date,
) -> list[CheckedResponse]:
    """The responses in the table, or ImportRefused listing every problem found."""
    labels = table.labels()
    refusals = check_mapping(mapping, items, labels)
    if refusals:
        raise ImportRefused([Problem(refusal.message) for refusal in refusals])
    checker = _RowChecker(
        mapping, items, _TeamDirectory(teams, mapping.team_match), wave_days, default, labels
    )
    checked = [response for row in table.rows if (response := checker.check(row))]
    if checker.problems.total:
        raise ImportRefused(checker.problems.listed, checker.problems.total)
    return checked


class _RowChecker:
    """Reads rows through a mapping, noting every problem."""

    def __init__(self, mapping, items, directory, wave_days, default, labels):
        self.mapping, self.directory, self.labels = mapping, directory, labels
        self.wave_days, self.default = wave_days, default
        self.mapped = [
            (item, mapping.items[item.id])
            for item in items
            if mapping.items.get(item.id) is not None
        ]
        self.problems = _Problems()

    def check(self, row: "Row") -> CheckedResponse | None:
        """The row's response, or None after noting its problems."""
        before, mapping = self.problems.total, self.mapping

        def problem(column: int, message: str) -> None:
            self.problems.add(Problem(message, row.line, self.labels[column]))

        team_id, why = self.directory.resolve(row.cell(mapping.team))
        if team_id is None:
            problem(mapping.team, why)
        answers: dict[int, int | None] = {}
        for item, column in self.mapped:
            value, why = read_answer(item, row.cell(column))
            if why:
                problem(column, f"{item.code}: {why}")
            elif value is not UNANSWERED:
                answers[item.id] = value
        submitted_on = self.default
        if mapping.day is not None:
            submitted_on, why = read_day(row.cell(mapping.day), *self.wave_days)
            if why:
                problem(mapping.day, why)
        comment = None
        if mapping.comment is not None:
            comment = row.cell(mapping.comment) or None
            if comment and len(comment) > COMMENT_MAX:
                problem(mapping.comment, f"The comment is longer than {COMMENT_MAX:,} characters.")
        if self.problems.total > before:
            return None
        return CheckedResponse(row.line, team_id, submitted_on, comment, answers)


# Suggesting a mapping from the header

TEAM_HEADERS = {"team", "team name", "department", "unit", "org unit", "business unit"}
TEAM_ID_HEADERS = {"team id", "teamid", "team code", "team external id", "external id"}
DAY_HEADERS = {"date", "day", "submitted on", "submitted", "date submitted", "submission date"}
DAY_HEADERS |= {"completion time", "end date", "end time", "timestamp", "completed"}
COMMENT_HEADERS = {"comment", "comments", "other comments", "any other comments", "remarks"}


def _header_key(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("_", " ").split()).casefold().rstrip("?:.")


def suggest_mapping(headers: Sequence[str], items: Sequence[AnswerSpec]) -> ColumnMapping:
    """Columns whose header is an item's code or text, and likely team, date and comment."""
    first: dict[str, int] = {}
    for index, header in enumerate(headers):
        first.setdefault(_header_key(header), index)

    def find(names) -> int | None:
        found = [first[name] for name in names if name in first]
        return min(found) if found else None

    by_item = {}
    for item in items:
        by_item[item.id] = find([_header_key(item.code), _header_key(item.text)])
    team, match = find(TEAM_HEADERS), TeamMatch.NAME
    if team is None and (team := find(TEAM_ID_HEADERS)) is not None:
        match = TeamMatch.EXTERNAL_ID
    return ColumnMapping(by_item, team, match, find(DAY_HEADERS), find(COMMENT_HEADERS))
