"""Importing KPI actuals from a CSV or Excel extract (KPI, date, value): all or nothing.

`read_rows` reads the file (see transform.tabular_files), `check_actuals` checks every
row against the programme's KPIs without touching the database and raises
ImportRefused listing every problem, and `import_actuals` writes the actuals only when
no row is wrong. Row numbers are the spreadsheet's: the header is row 1.

The API sends actuals as typed values by KPI id: `check_actual_values` applies the same
rules to them, `stale_values` finds those sent against a checkpoint version that has
moved on, and `write_actuals` is the one writer of both.
"""

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from transform.audit import record_change
from transform.extensions import db
from transform.import_problems import PROBLEMS_LISTED, ImportRefused, Problem, file_refused
from transform.models import Checkpoint, Kpi, Programme
from transform.scoring.kpi import value_problem
from transform.spreadsheets import FORMULA_STARTS
from transform.tabular_files import TableRefused, data_rows, read_table
from transform.templating import format_date
from transform.validation import implausible_date

MAX_ROWS = 20_000
#: The columns as the template names them; the template adds each KPI's unit, not read.
COLUMNS = ("KPI", "Date", "Value")
TEMPLATE_COLUMNS = ("KPI", "Unit", "Date", "Value")
FIELDS = ("kpi", "date", "value")
HEADER_NAMES = (
    dict.fromkeys(("kpi", "kpi name", "kpiname"), "kpi")
    | dict.fromkeys(("date", "on date", "checkpoint date"), "date")
    | dict.fromkeys(("value", "actual", "actual value", "actuals"), "value")
)
PERCENT_UNITS = frozenset({"%", "percent", "per cent", "pct"})

#: A time of day after a date (Excel date cells read as "2026-03-31 00:00:00") is ignored.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_YEAR_FIRST = re.compile(r"(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})" + _TIME)
_DAY_FIRST = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})" + _TIME)
#: A plain number, or one with commas between groups of three digits: 1234.5, 1,234.5.
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class SourceRow:
    """One row of the file as text, with its row number."""

    line: int
    kpi: str
    date: str
    value: str


@dataclass(frozen=True)
class KpiSpec:
    """What checking a row needs to know of a KPI."""

    id: int
    name: str
    unit: str
    baseline_on: date
    min_value: float | None
    max_value: float | None


@dataclass(frozen=True)
class Actual:
    """A checked row: the KPI's actual value on a date."""

    line: int
    kpi_id: int
    on_date: date
    value: float


# Reading the file


def read_rows(filename: str, data: bytes) -> list[SourceRow]:
    """The rows of a .csv or .xlsx file, checking its type by extension and by content."""
    try:
        return _source_rows(read_table(filename, data, percent_cells=True))
    except TableRefused as refused:
        raise file_refused(refused.message) from None


def _source_rows(table: Iterable[list[str]]) -> list[SourceRow]:
    positions, rows = data_rows(table, MAX_ROWS, "actuals", _column_positions)
    return [
        SourceRow(line, *(cells[i].strip() if i < len(cells) else "" for i in positions.values()))
        for line, cells in rows
    ]


def _column_positions(header: Sequence[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        column = HEADER_NAMES.get(re.sub(r"[\s_\-]+", " ", text.strip().lower()))
        if column is None:
            continue
        if column in positions:
            raise file_refused(f"The column “{text.strip()}” appears more than once.")
        positions[column] = index
    missing = [label for label, name in zip(COLUMNS, FIELDS, strict=True) if name not in positions]
    if missing:
        raise file_refused(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
            f"The first row must name the columns {', '.join(COLUMNS)}."
        )
    return {name: positions[name] for name in FIELDS}


# Checking the rows, pure


def check_actuals(rows: Sequence[SourceRow], kpis: Sequence[KpiSpec]) -> list[Actual]:
    """The actuals of the rows, or ImportRefused listing every problem of every row."""
    by_name: dict[str, list[KpiSpec]] = {}
    for kpi in kpis:
        by_name.setdefault(_name_key(kpi.name), []).append(kpi)
    problems: list[Problem] = []
    actuals: list[Actual] = []
    first_row: dict[tuple[int, date], int] = {}
    for row in rows:
        found = len(problems)
        kpi = _match_kpi(row, by_name, problems)
        on_date = _read_date(row, kpi, problems)
        value = _read_value(row, kpi, problems)
        if kpi is None or on_date is None:
            continue
        earlier = first_row.setdefault((kpi.id, on_date), row.line)
        if earlier != row.line:
            problems.append(
                Problem(
                    f"{kpi.name} on {format_date(on_date)} is also on row {earlier}.",
                    row.line,
                    "Date",
                )
            )
        if len(problems) == found and value is not None:
            actuals.append(Actual(row.line, kpi.id, on_date, value))
    if problems:
        raise ImportRefused(problems[:PROBLEMS_LISTED], len(problems))
    return actuals


@dataclass(frozen=True)
class ActualValue:
    """An actual as the API sends it: typed already, its KPI named by id. `line` is its
    position in the request; `version` the checkpoint's version the sender last read."""

    line: int
    kpi_id: int
    on_date: date
    value: float
    version: int | None = None


def check_actual_values(values: Sequence[ActualValue], kpis: Sequence[KpiSpec]) -> list[Actual]:
    """The actuals by the rules of check_actuals, or ImportRefused listing every problem,
    each at its value's line and field (kpi_id, on_date or value)."""
    by_id = {kpi.id: kpi for kpi in kpis}
    problems: list[Problem] = []
    actuals: list[Actual] = []
    first_line: dict[tuple[int, date], int] = {}
    for item in values:
        kpi = by_id.get(item.kpi_id)
        if kpi is None:
            message = f"{item.kpi_id} is not the id of a KPI of this programme."
            problems.append(Problem(message, item.line, "kpi_id"))
            continue
        found = len(problems)
        message = _date_problem(item.on_date, kpi)
        if message is None:
            earlier = first_line.setdefault((kpi.id, item.on_date), item.line)
            if earlier != item.line:
                message = f"{kpi.name} on {format_date(item.on_date)} is also item {earlier}."
        if message:
            problems.append(Problem(message, item.line, "on_date"))
        problem = value_problem(item.value, kpi.min_value, kpi.max_value, kpi.unit)
        if problem:
            problems.append(Problem(f"{item.value:.12g} {problem}.", item.line, "value"))
        if len(problems) == found:
            actuals.append(Actual(item.line, kpi.id, item.on_date, item.value))
    if problems:
        raise ImportRefused(problems[:PROBLEMS_LISTED], len(problems))
    return actuals


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _match_kpi(row: SourceRow, by_name, problems: list[Problem]) -> KpiSpec | None:
    if not row.kpi:
        problems.append(Problem("The KPI is missing.", row.line, "KPI"))
        return None
    key = _name_key(row.kpi)
    if key not in by_name and row.kpi.startswith("'") and row.kpi[1:].startswith(FORMULA_STARTS):
        key = _name_key(row.kpi[1:])  # a name our template CSV escaped as a formula
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


def _read_date(row: SourceRow, kpi: KpiSpec | None, problems: list[Problem]) -> date | None:
    if not row.date:
        problems.append(Problem("The date is missing.", row.line, "Date"))
        return None
    on_date = parse_date(row.date)
    if on_date is None:
        message = f"“{row.date}” is not a date: write it as 2026-03-31 or 31/03/2026."
        problems.append(Problem(message, row.line, "Date"))
        return None
    message = _date_problem(on_date, kpi) if kpi is not None else None
    if message:
        problems.append(Problem(message, row.line, "Date"))
        return None
    return on_date


def _date_problem(on_date: date, kpi: KpiSpec) -> str | None:
    implausible = implausible_date(on_date)
    if implausible:
        return implausible
    if on_date >= kpi.baseline_on:
        return None
    return (
        f"{format_date(on_date)} is before the baseline date "
        f"{format_date(kpi.baseline_on)} of {kpi.name}."
    )


def _read_value(row: SourceRow, kpi: KpiSpec | None, problems: list[Problem]) -> float | None:
    if not row.value:
        message = "The value is missing; leave the row out to keep the KPI's actual as it is."
        problems.append(Problem(message, row.line, "Value"))
        return None
    text, is_percent = row.value, row.value.endswith("%")
    if is_percent:
        text = text[:-1].rstrip()
    value = parse_number(text)
    if value is None:
        message = f"“{row.value}” is not a number: write it as 1234.5 or 1,234.5."
        problems.append(Problem(message, row.line, "Value"))
        return None
    if kpi is None:
        return value
    if is_percent and not is_percent_unit(kpi.unit):
        message = f"“{row.value}” is a percentage, but {kpi.name} is measured in {kpi.unit}."
        problems.append(Problem(message, row.line, "Value"))
        return None
    problem = value_problem(value, kpi.min_value, kpi.max_value, kpi.unit)
    if problem:
        problems.append(Problem(f"{row.value} {problem}.", row.line, "Value"))
        return None
    return value


def is_percent_unit(unit: str) -> bool:
    return unit.strip().casefold() in PERCENT_UNITS


def parse_date(text: str) -> date | None:
    """A date written year first (2026-03-31, as Excel date cells read) or day first."""
    year_first, day_first = _YEAR_FIRST.fullmatch(text), _DAY_FIRST.fullmatch(text)
    try:
        if year_first:
            return date(int(year_first[1]), int(year_first[3]), int(year_first[4]))
        if day_first:
            return date(int(day_first[4]), int(day_first[3]), int(day_first[1]))
    except ValueError:
        return None
    return None


def parse_number(text: str) -> float | None:
    """The number in the text, commas allowed between thousands; None if it is none."""
    text = text.replace("\u2212", "-")  # the minus sign some tools write
    if not _NUMBER.fullmatch(text):
        return None
    return float(text.replace(",", ""))


# The programme's KPIs


def programme_kpis(programme: Programme) -> list[Kpi]:
    """The programme's KPIs by name, as the import page and the template list them."""
    return list(
        db.session.scalars(
            select(Kpi).where(Kpi.programme_id == programme.id).order_by(Kpi.name, Kpi.id)
        )
    )


def template_rows(programme: Programme, today: date) -> list[tuple[str, str, str, str]]:
    """A template row per KPI: its name, its unit and an example date; the value blank."""
    return [
        (kpi.name, kpi.unit, max(today, kpi.baseline_on).isoformat(), "")
        for kpi in programme_kpis(programme)
    ]


# Writing the actuals


@dataclass(frozen=True)
class Replaced:
    """An actual the file changed: the KPI's name and unit, the date, old and new."""

    kpi_name: str
    unit: str
    on_date: date
    old: float
    new: float


@dataclass
class ImportSummary:
    imported: int = 0
    updated: int = 0
    created: int = 0
    unchanged: int = 0
    kpis_changed: int = 0
    replaced: list[Replaced] = field(default_factory=list)


def import_actuals(programme: Programme, filename: str, data: bytes) -> ImportSummary:
    """Set the file's actuals on the programme's KPIs, or raise ImportRefused; flush only."""
    rows = read_rows(filename, data)
    kpis = kpis_with_checkpoints(programme)
    actuals = check_actuals(rows, kpi_specs(kpis))
    return write_actuals(kpis, actuals, "import", {"file": filename})


def kpis_with_checkpoints(programme: Programme) -> list[Kpi]:
    return list(
        db.session.scalars(
            select(Kpi)
            .where(Kpi.programme_id == programme.id)
            .options(selectinload(Kpi.checkpoints))
            .order_by(Kpi.id)
        )
    )


def kpi_specs(kpis: Sequence[Kpi]) -> list[KpiSpec]:
    return [KpiSpec(k.id, k.name, k.unit, k.baseline_on, k.min_value, k.max_value) for k in kpis]


def stale_values(values: Sequence[ActualValue], kpis: Sequence[Kpi]) -> list[Problem]:
    """The values sent with a checkpoint version that is not the checkpoint's current one
    (or for a checkpoint that does not exist): each changed since its sender read it."""
    existing = {(c.kpi_id, c.on_date): c for kpi in kpis for c in kpi.checkpoints}
    names = {kpi.id: kpi.name for kpi in kpis}
    problems = []
    for item in values:
        if item.version is None:
            continue
        checkpoint = existing.get((item.kpi_id, item.on_date))
        where = f"{names.get(item.kpi_id, item.kpi_id)} on {format_date(item.on_date)}"
        if checkpoint is None:
            message = f"{where} has no checkpoint to be at version {item.version}."
        elif checkpoint.version != item.version:
            message = (
                f"{where} is at version {checkpoint.version}, not {item.version}: "
                "it changed since it was read."
            )
        else:
            continue
        problems.append(Problem(message, item.line, "version"))
    return problems


def write_actuals(
    kpis: Sequence[Kpi], actuals: Sequence[Actual], via: str, source: dict
) -> ImportSummary:
    """Set checked actuals on the KPIs (loaded with their checkpoints), one audit event per
    KPI changed, with `source` added to its after-values; flush only."""
    by_id = {kpi.id: kpi for kpi in kpis}
    existing = {(c.kpi_id, c.on_date): c for kpi in kpis for c in kpi.checkpoints}
    summary = ImportSummary(imported=len(actuals))
    changes: dict[int, tuple[dict, dict]] = {}
    for actual in actuals:
        kpi = by_id[actual.kpi_id]
        checkpoint = existing.get((kpi.id, actual.on_date))
        old = checkpoint.actual_value if checkpoint else None
        if checkpoint is None:
            kpi.checkpoints.append(Checkpoint(on_date=actual.on_date, actual_value=actual.value))
            summary.created += 1
        elif old == actual.value:
            summary.unchanged += 1
            continue
        else:
            checkpoint.actual_value = actual.value
            summary.updated += 1
            if old is not None:
                summary.replaced.append(
                    Replaced(kpi.name, kpi.unit, actual.on_date, old, actual.value)
                )
        before, after = changes.setdefault(kpi.id, ({}, {}))
        before[actual.on_date.isoformat()] = old
        after[actual.on_date.isoformat()] = actual.value
    db.session.flush()
    for kpi_id, (before, after) in changes.items():
        kpi = by_id[kpi_id]
        record_change(
            "kpi.actuals_imported",
            kpi,
            kpi.programme_id,
            {"actuals": before},
            {"actuals": after, **source},
            via=via,
        )
    summary.kpis_changed = len(changes)
    db.session.flush()
    return summary
