"""Checking survey responses exported by another tool: pure, no Flask and no database.

`review_responses` reads every row of a table (see import_files) through a column
mapping, its days by transform.value_reading (an order of day and month the file does
not settle is asked for, never guessed), and returns the responses to store with every
problem and a preview of how the rows read; `check_responses` raises ImportRefused
listing every problem, so that nothing is written unless every row is right. Row
numbers are the spreadsheet's: the header is row 1.
"""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from transform.answers import UNANSWERED, ItemSpec, read_answer
from transform.import_preview import Preview, ReadCell, column_reading, preview
from transform.import_problems import PROBLEMS_LISTED, ImportRefused, Problem, unsettled_problem
from transform.value_reading import (
    DateOrder,
    DateText,
    Settlement,
    date_text,
    long_date,
    settle_date_order,
)

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
    #: The column of the source tool's own response id, to skip responses imported before.
    response_id: int | None = None


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
    #: The source tool's response id, only to recognise it in a later, grown export.
    source_id: str | None = None


def default_day(opens_on: date, closes_on: date, today: date) -> date:
    """The day of a response with no date column: today, kept within the wave."""
    return min(max(today, opens_on), closes_on)


# The mapping


def check_mapping(
    mapping: ColumnMapping, items: Sequence[ItemSpec], labels: Sequence[str]
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
    uses.append(("response_id", mapping.response_id, "the response id"))
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
        self.names = {team.id: team.name for team in teams}
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
    """Problems, one per cause: the same message in the same column on several rows is
    one problem naming those rows. The first PROBLEMS_LISTED causes are listed in row
    order, every one counted."""

    def __init__(self):
        self.causes: dict[tuple[str, str], list[int]] = {}
        self.whole: list[Problem] = []
        #: Problems noted, row by row: whether a row had any.
        self.noted = 0

    def add(self, problem: Problem) -> None:
        self.noted += 1
        if problem.line is None:
            self.whole.append(problem)
        else:
            self.causes.setdefault((problem.message, problem.column), []).extend(problem.lines)

    @property
    def total(self) -> int:
        return len(self.whole) + len(self.causes)

    @property
    def listed(self) -> list[Problem]:
        located = [
            Problem.at_rows(message, lines, column=column)
            for (message, column), lines in self.causes.items()
        ]
        located.sort(key=lambda problem: problem.line or 0)
        return (self.whole + located)[:PROBLEMS_LISTED]


@dataclass(frozen=True)
class ResponseReview:
    """The responses of a table as read through a mapping, every problem (the first
    PROBLEMS_LISTED listed, all counted) and the preview of how the rows read."""

    responses: list[CheckedResponse]
    problems: list[Problem]
    total: int
    #: How the date column's days are read; None without a date column.
    dates: Settlement[DateOrder] | None
    preview: Preview
    #: Responses left out as imported into the wave before (by their source id).
    already_imported: int = 0

    def refusal(self) -> ImportRefused | None:
        return ImportRefused(self.problems, self.total) if self.total else None


def review_responses(
    table: "Table",
    mapping: ColumnMapping,
    items: Sequence[ItemSpec],
    teams: Sequence[TeamRef],
    wave_days: tuple[date, date],
    default: date,
    date_order: DateOrder | None = None,
    tool_order: DateOrder | None = None,
) -> ResponseReview:
    """Every row read through the mapping: the responses and every problem found. A
    mapping that cannot work raises ImportRefused. `tool_order` is the order of day and
    month the recognised survey tool documents (see layouts), used when none is chosen."""
    labels = table.labels()
    refusals = check_mapping(mapping, items, labels)
    if refusals:
        raise ImportRefused([Problem(refusal.message) for refusal in refusals])
    problems, days, settled = _Problems(), {}, None
    if mapping.day is not None:
        cells = ((row.line, row.cell(mapping.day)) for row in table.rows)
        days = {line: date_text(text) for line, text in cells if text}
        settled = settle_date_order(days.items(), date_order, tool_order, table.tool)
        for unsettled in settled.unsettled:
            problems.add(unsettled_problem(unsettled, labels[mapping.day]))
    directory = _TeamDirectory(teams, mapping.team_match)
    checker = _RowChecker(mapping, items, directory, labels, problems)
    order = settled.way if settled else None
    read = [
        checker.check(row, days.get(row.line), order, wave_days, default) for row in table.rows
    ]
    checked = [response for response, _cells in read if response]
    if mapping.response_id is not None:
        _note_repeated_ids(checked, labels[mapping.response_id], problems)
    readings = (column_reading("Date", settled),) if settled else ()
    shown = preview(PREVIEW_COLUMNS, (cells for _response, cells in read), len(read), readings)
    return ResponseReview(checked, problems.listed, problems.total, settled, shown)


def _note_repeated_ids(checked: list[CheckedResponse], column: str, problems: _Problems) -> None:
    """A response id on two rows would be one respondent counted twice."""
    rows: dict[str, list[int]] = {}
    for response in checked:
        if response.source_id:
            rows.setdefault(response.source_id, []).append(response.line)
    for source_id, lines in rows.items():
        if len(lines) > 1:
            message = f"The response id “{source_id}” is on more than one row."
            problems.add(Problem.at_rows(message, lines, column=column))


def check_responses(
    table: "Table",
    mapping: ColumnMapping,
    items: Sequence[ItemSpec],
    teams: Sequence[TeamRef],
    wave_days: tuple[date, date],
    default: date,
    date_order: DateOrder | None = None,
    tool_order: DateOrder | None = None,
) -> list[CheckedResponse]:
    """The responses of review_responses(), or ImportRefused listing every problem."""
    review = review_responses(
        table, mapping, items, teams, wave_days, default, date_order, tool_order
    )
    refusal = review.refusal()
    if refusal:
        raise refusal
    return review.responses


#: The preview's columns: how each row's team, date and answers read.
PREVIEW_COLUMNS = ("Team", "Date", "Answers")
DONT_KNOW_SHOWN = "don't know"


class _RowChecker:
    """Reads rows through a mapping, noting every problem."""

    def __init__(self, mapping, items, directory, labels, problems: _Problems):
        self.mapping, self.directory, self.labels = mapping, directory, labels
        self.mapped = [
            (item, mapping.items[item.id])
            for item in items
            if mapping.items.get(item.id) is not None
        ]
        self.problems = problems

    def check(self, row: "Row", day: DateText | None, order, wave_days, default):
        """The row's response (None after noting its problems), and its line with its
        team, date and answers as written and as read, for the preview."""
        before, mapping = self.problems.noted, self.mapping

        def problem(column: int, message: str) -> None:
            self.problems.add(Problem(message, row.line, self.labels[column]))

        readings = [
            (item, column, read_answer(item, row.cell(column))) for item, column in self.mapped
        ]
        if _holds_text_not_answers(readings, row):
            self.problems.add(Problem(_TEXT_NOT_ANSWERS.format(line=row.line), row.line))
            texts = " · ".join(row.cell(column) for _item, column, _answer in readings)
            unread = (row.cell(mapping.team), day.text if day else "", texts)
            return None, (row.line, tuple(ReadCell(text, "") for text in unread))
        team_id, why = self.directory.resolve(row.cell(mapping.team))
        if team_id is None:
            problem(mapping.team, why)
        answers: dict[int, int | None] = {}
        written, read = [], []
        for item, column, answer in readings:
            value = answer.value
            written.append(row.cell(column))
            if answer.refusal:
                problem(column, f"{item.code}: {answer.message}")
            elif value is not UNANSWERED:
                answers[item.id] = value
                read.append(f"{item.code} {DONT_KNOW_SHOWN if value is None else value}")
        submitted_on = default
        if mapping.day is not None:
            submitted_on = self._day(row, day, order, wave_days, problem)
        comment = None
        if mapping.comment is not None:
            comment = row.cell(mapping.comment) or None
            if comment and len(comment) > COMMENT_MAX:
                problem(mapping.comment, f"The comment is longer than {COMMENT_MAX:,} characters.")
        cells = (
            ReadCell(row.cell(mapping.team), self.directory.names.get(team_id, "")),
            ReadCell(day.text if day else "", long_date(submitted_on) if submitted_on else ""),
            ReadCell(" · ".join(text for text in written if text), " · ".join(read)),
        )
        if self.problems.noted > before or submitted_on is None:
            return None, (row.line, cells)
        source_id = row.cell(mapping.response_id) if mapping.response_id is not None else None
        response = CheckedResponse(
            row.line, team_id, submitted_on, comment, answers, source_id or None
        )
        return response, (row.line, cells)

    def _day(self, row, day: DateText | None, order, wave_days, problem) -> date | None:
        """The row's day, or None: missing, no date, outside the wave, or unread for want
        of an order of day and month (listed once for the column)."""
        if day is None:
            problem(self.mapping.day, "The date is missing.")
            return None
        if not day.is_value:
            problem(self.mapping.day, day.why_not)
            return None
        submitted_on = day.read(order)
        why = day_problem(submitted_on, *wave_days) if submitted_on else None
        if why:
            problem(self.mapping.day, why)
            return None
        return submitted_on


_TEXT_NOT_ANSWERS = (
    "Row {line} holds question text, not answers: it looks like a second header row. "
    "Delete it, or export the file again without it."
)


def _holds_text_not_answers(readings, row: "Row") -> bool:
    """Whether every chosen item's cell in the row is text that is no answer at all, as
    in a second header row (one problem for the row instead of one per cell)."""
    if len(readings) < 2:
        return False
    cells = [row.cell(column) for _item, column, _answer in readings]
    wordy = any(len(cell) > 25 or cell.startswith("{") for cell in cells)
    return wordy and all(
        answer.refusal and cell and not any(ch.isdigit() for ch in cell)
        for (_item, _column, answer), cell in zip(readings, cells, strict=True)
    )


def day_problem(day: date, opens_on: date, closes_on: date) -> str | None:
    """Why a response cannot be dated `day` in a wave open those days, or None."""
    if opens_on <= day <= closes_on:
        return None
    return (
        f"{day.isoformat()} is outside the wave, {opens_on.isoformat()} to "
        f"{closes_on.isoformat()}."
    )
