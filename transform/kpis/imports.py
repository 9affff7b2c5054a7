"""Importing KPI actuals from a CSV or Excel extract (KPI, date, value): all or nothing.

`read_file` reads the file (see transform.tabular_files); `review_actuals` reads every
row's date and value (see transform.value_reading: an order of day and month, or a
decimal mark, that the file does not settle is asked for, never guessed) and checks it
against the programme's KPIs without touching the database, listing every problem and
previewing how the rows read; `import_reviewed` writes the actuals of a review without
problems. Row numbers are the spreadsheet's: the header is row 1.
"""

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from transform.import_preview import Preview, ReadCell, column_reading, preview
from transform.import_problems import (
    PROBLEMS_LISTED,
    ImportRefused,
    Problem,
    file_refused,
    unsettled_problem,
)
from transform.kpis.actual_values import (
    Actual,
    ImportSummary,
    KpiSpec,
    date_problem,
    is_percent_unit,
    kpi_specs,
    kpis_with_checkpoints,
    programme_kpis,
    write_actuals,
)
from transform.models import Programme
from transform.scoring.kpi import value_problem
from transform.spreadsheets import FORMULA_STARTS
from transform.tabular_files import FileRows, Layout, TableRefused, read_rows
from transform.templating import format_date
from transform.value_reading import (
    Choices,
    DateOrder,
    DateText,
    DecimalMark,
    NumberText,
    Settlement,
    date_text,
    decimal_mark_of_file,
    long_date,
    number_text,
    plain_number,
    settle_date_order,
    settle_decimal_mark,
)

MAX_ROWS = 20_000
#: The columns as the template names them; the template adds each KPI's unit, not read.
COLUMNS = ("KPI", "Date", "Value")
TEMPLATE_COLUMNS = ("KPI", "Unit", "Date", "Value")
LAYOUT = Layout(
    fields=("kpi", "date", "value"),
    labels=COLUMNS,
    aliases=dict.fromkeys(("kpi", "kpi name", "kpiname"), "kpi")
    | dict.fromkeys(("date", "on date", "checkpoint date"), "date")
    | dict.fromkeys(("value", "actual", "actual value", "actuals"), "value"),
    what="actuals",
)


@dataclass(frozen=True)
class SourceRow:
    """One row of the file as text, with its row number."""

    line: int
    kpi: str
    date: str
    value: str


# Reading the file


def read_file(filename: str, data: bytes) -> FileRows[SourceRow]:
    """The rows of a .csv or .xlsx file, checking its type by extension and by content."""
    try:
        return read_rows(filename, data, LAYOUT, SourceRow, MAX_ROWS, percent_cells=True)
    except TableRefused as refused:
        raise file_refused(refused.message) from None


# Reviewing the rows, pure


@dataclass(frozen=True)
class Review:
    """A file's actuals as read with the choices given, every problem in row order, and
    the preview of how the rows read."""

    actuals: list[Actual]
    problems: list[Problem]
    preview: Preview
    dates: Settlement[DateOrder]
    values: Settlement[DecimalMark]

    def refusal(self) -> ImportRefused | None:
        if not self.problems:
            return None
        return ImportRefused(self.problems[:PROBLEMS_LISTED], len(self.problems))


@dataclass(frozen=True)
class _ReadRow:
    row: SourceRow
    kpi: KpiSpec | None
    on_date: date | None
    value: float | None


def review_actuals(
    source: FileRows[SourceRow], kpis: Sequence[KpiSpec], choices: Choices
) -> Review:
    """Every row read and checked: the actuals, and every problem of every row."""
    by_name: dict[str, list[KpiSpec]] = {}
    for kpi in kpis:
        by_name.setdefault(name_key(kpi.name), []).append(kpi)
    dates = {row.line: date_text(row.date) for row in source.rows if row.date}
    values = {row.line: number_text(row.value) for row in source.rows if row.value}
    order = settle_date_order(dates.items(), choices.date_order)
    mark = settle_decimal_mark(
        values.items(), choices.decimal_mark, decimal_mark_of_file(source.delimiter)
    )
    problems = [unsettled_problem(u, "Date") for u in order.unsettled]
    problems += [unsettled_problem(u, "Value") for u in mark.unsettled]
    actuals: list[Actual] = []
    first_row: dict[tuple[int, date], int] = {}
    read = []
    for row in source.rows:
        found = len(problems)
        kpi = _match_kpi(row, by_name, problems)
        on_date = _read_date(row, dates.get(row.line), order.way, kpi, problems)
        value = _read_value(row, values.get(row.line), mark.way, kpi, problems)
        read.append(_ReadRow(row, kpi, on_date, value))
        if kpi is None or on_date is None:
            continue
        earlier = first_row.setdefault((kpi.id, on_date), row.line)
        if earlier != row.line:
            message = f"{kpi.name} on {format_date(on_date)} is also on row {earlier}."
            problems.append(Problem(message, row.line, "Date"))
        if len(problems) == found and value is not None:
            actuals.append(Actual(row.line, kpi.id, on_date, value))
    problems.sort(key=lambda problem: problem.line or 0)
    readings = (column_reading("Date", order), column_reading("Value", mark))
    shown = preview(COLUMNS, _preview_rows(read), len(read), readings)
    return Review(actuals, problems, shown, order, mark)


def _preview_rows(read: Iterable[_ReadRow]):
    for each in read:
        row, kpi = each.row, each.kpi
        value = ""
        if each.value is not None:
            unit = kpi.unit if kpi else ""
            value = plain_number(each.value) + (unit if unit == "%" else f" {unit}").rstrip()
        cells = (
            ReadCell(row.kpi, kpi.name if kpi else ""),
            ReadCell(row.date, long_date(each.on_date) if each.on_date else ""),
            ReadCell(row.value, value),
        )
        yield row.line, cells


def name_key(name: str) -> str:
    """How a KPI is matched by name: case and spacing aside, as the file import does."""
    return " ".join(name.split()).casefold()


def _match_kpi(row: SourceRow, by_name, problems: list[Problem]) -> KpiSpec | None:
    if not row.kpi:
        problems.append(Problem("The KPI is missing.", row.line, "KPI"))
        return None
    key = name_key(row.kpi)
    if key not in by_name and row.kpi.startswith("'") and row.kpi[1:].startswith(FORMULA_STARTS):
        key = name_key(row.kpi[1:])  # a name our template CSV escaped as a formula
    matches = by_name.get(key, [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        message = f"{len(matches)} KPIs are named “{row.kpi}”: rename one before importing."
    else:
        message = f"“{row.kpi}” is not a KPI of this programme."
        close = difflib.get_close_matches(key, list(by_name), n=1, cutoff=0.75)
        if close:
            message += f" Did you mean “{by_name[close[0]][0].name}”?"
    problems.append(Problem(message, row.line, "KPI"))
    return None


def _read_date(row: SourceRow, text: DateText | None, order, kpi, problems) -> date | None:
    """The row's date, or None: missing, no date, or unread for want of an order (listed
    once for the column)."""
    if text is None:
        problems.append(Problem("The date is missing.", row.line, "Date"))
        return None
    if not text.is_value:
        problems.append(Problem(text.why_not, row.line, "Date"))
        return None
    on_date = text.read(order)
    message = date_problem(on_date, kpi) if kpi is not None and on_date else None
    if message:
        problems.append(Problem(message, row.line, "Date"))
        return None
    return on_date


def _read_value(row: SourceRow, text: NumberText | None, mark, kpi, problems) -> float | None:
    """The row's value, or None: missing, no number, out of bounds, or unread for want of
    a decimal mark (listed once for the column)."""
    if text is None:
        message = "The value is missing; leave the row out to keep the KPI's actual as it is."
        problems.append(Problem(message, row.line, "Value"))
        return None
    if not text.is_value:
        message = f"“{row.value}” is not a number: write it as 1234.5 or 1,234.5."
        problems.append(Problem(message, row.line, "Value"))
        return None
    value = text.read(mark)
    if kpi is None or value is None:
        return value
    if text.is_percent and not is_percent_unit(kpi.unit):
        message = f"“{row.value}” is a percentage, but {kpi.name} is measured in {kpi.unit}."
        problems.append(Problem(message, row.line, "Value"))
        return None
    problem = value_problem(value, kpi.min_value, kpi.max_value, kpi.unit)
    if problem:
        problems.append(Problem(f"{row.value} {problem}.", row.line, "Value"))
        return None
    return value


# The template and the import


def template_rows(programme: Programme, today: date) -> list[tuple[str, str, str, str]]:
    """A template row per KPI: its name, its unit and an example date; the value blank."""
    return [
        (kpi.name, kpi.unit, max(today, kpi.baseline_on).isoformat(), "")
        for kpi in programme_kpis(programme)
    ]


def review_file(programme: Programme, filename: str, data: bytes, choices: Choices) -> Review:
    """The file read with the choices given, against the programme's KPIs; no write.
    A file that cannot be read as a table at all raises ImportRefused."""
    source = read_file(filename, data)
    return review_actuals(source, kpi_specs(kpis_with_checkpoints(programme)), choices)


def import_reviewed(programme: Programme, review: Review, filename: str) -> ImportSummary:
    """Set the actuals of a review without problems on the programme's KPIs; flush only."""
    kpis = kpis_with_checkpoints(programme)
    return write_actuals(kpis, review.actuals, "import", {"file": filename})
