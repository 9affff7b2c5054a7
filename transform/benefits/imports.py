"""Value entries from a CSV or Excel file, all or nothing: every row goes through the same
rules as the form (service.record_value); one bad row and nothing is kept, and every bad
row is listed with its column. The request's transaction rolls back on the refusal."""

import math
import re
from dataclasses import dataclass
from datetime import date

from transform.benefits import service
from transform.benefits.queries import find_initiative
from transform.import_problems import PROBLEMS_LISTED, ImportRefused, Problem, file_refused
from transform.models import Programme, ValueKind, ValueType
from transform.tabular_files import Layout, TableRefused, read_rows

MAX_ROWS = 5_000
LAYOUT = Layout(
    fields=("initiative_id", "month", "kind", "value_type", "amount", "reason"),
    labels=("Initiative id", "Month", "Kind", "Type", "Amount", "Reason"),
    aliases={
        "initiative id": "initiative_id",
        "initiative": "initiative_id",
        "month": "month",
        "kind": "kind",
        "type": "value_type",
        "value type": "value_type",
        "amount": "amount",
        "reason": "reason",
    },
    what="values",
)
#: The file's column for each form field a refusal names.
COLUMNS = {"kind": "Kind", "month": "Month", "amount": "Amount", "reason": "Reason"}
MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?(?:[ T].*)?$")


@dataclass(frozen=True)
class SourceRow:
    line: int
    initiative_id: str
    month: str
    kind: str
    value_type: str
    amount: str
    reason: str


def import_values(programme: Programme, filename: str, data: bytes, by_id: int) -> int:
    """Record every row's value; ImportRefused listing each bad row if any is bad."""
    try:
        rows = read_rows(filename, data, LAYOUT, SourceRow, MAX_ROWS).rows
    except TableRefused as error:
        raise file_refused(error.message) from error
    problems = []
    for row in rows:
        try:
            initiative, draft = _read(programme, row)
            service.record_value(initiative, draft, by_id)
        except RowProblem as problem:
            problems.append(Problem(problem.message, line=row.line, column=problem.column))
        except service.Refused as refusal:
            problems += [
                Problem(message, line=row.line, column=COLUMNS.get(field, ""))
                for field, message in refusal.errors.items()
            ]
    if problems:
        raise ImportRefused(problems[:PROBLEMS_LISTED], total=len(problems))
    return len(rows)


class RowProblem(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def _read(programme: Programme, row: SourceRow):
    initiative = None
    if str(row.initiative_id).isdigit():
        initiative = find_initiative(programme.id, int(row.initiative_id))
    if initiative is None:
        raise RowProblem("Initiative id", "No initiative of this programme has this id.")
    match = MONTH.match(str(row.month))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise RowProblem("Month", "Write the month as year-month, e.g. 2026-06.")
    month = date(int(match.group(1)), int(match.group(2)), 1)
    kind = _choice(ValueKind, row.kind, "Kind")
    value_type = _choice(ValueType, row.value_type, "Type")
    try:
        amount = float(str(row.amount))
    except ValueError:
        amount = math.nan
    if not math.isfinite(amount) or abs(amount) >= 1e12:
        raise RowProblem("Amount", "Write the amount as a plain number, e.g. 12500.50.")
    return initiative, service.ValueDraft(kind, value_type, month, amount, row.reason or "")


def _choice(enum_cls, text: str, column: str):
    value = re.sub(r"[\s\-]+", "_", str(text).strip().lower())
    try:
        return enum_cls(value)
    except ValueError:
        names = ", ".join(member.value for member in enum_cls)
        raise RowProblem(column, f"Write one of: {names}.") from None
