"""Reading an uploaded survey export, CSV or Excel, into a table: pure, no Flask.

The bytes are read by transform.tabular_files (UTF-8 with or without a BOM, else
Windows-1252; comma, semicolon or tab separated; the first worksheet of a workbook),
so every importer accepts the same files. Unlike the org chart, a survey
export has columns of its own choosing: the header row is kept as it is and the user
maps its columns to items in a second step. Problems with the whole file raise
ImportRefused.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from transform import tabular_files
from transform.tabular_files import TableRefused
from transform.wave_data.importing import ImportRefused, Problem
from transform.wave_data.layouts import Skipped, recognise

MAX_ROWS = 20_000
HEADER_LABEL_MAX = 60


@dataclass(frozen=True)
class Row:
    """One row of the file as text, with its spreadsheet row number (the header is 1)."""

    line: int
    cells: tuple[str, ...]

    def cell(self, index: int) -> str:
        return self.cells[index].strip() if index < len(self.cells) else ""


@dataclass(frozen=True)
class Table:
    """The header row, stripped, and the non-blank rows of answers below it; the survey
    tool whose layout the file has (None: a plain header), each column's statement, and
    the rows below the header skipped as not answers (see layouts)."""

    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    tool: str | None = None
    statements: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()

    def labels(self) -> list[str]:
        return column_labels(self.headers)

    def label(self, index: int) -> str:
        return self.labels()[index]


def column_labels(headers: Sequence[str]) -> list[str]:
    """The columns as people see them in a spreadsheet: letter and header, shortened."""
    labels = []
    for index, header in enumerate(headers):
        if len(header) > HEADER_LABEL_MAX:
            header = header[: HEADER_LABEL_MAX - 1].rstrip() + "…"
        letter = column_letter(index)
        labels.append(f"{letter} · {header}" if header else f"Column {letter}")
    return labels


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: A, …, Z, AA, …"""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _refuse(message: str) -> ImportRefused:
    return ImportRefused([Problem(message)])


def read_table(filename: str, data: bytes) -> Table:
    """The table in a .csv or .xlsx file, checking its type by extension and by content."""
    try:
        return _table(tabular_files.read_table(filename, data).rows)
    except TableRefused as refused:
        raise _refuse(refused.message) from None


def _table(lines: Iterable[Sequence[str]]) -> Table:
    numbered = iter(enumerate(lines, start=1))
    for _line, header in numbered:
        if any(cell.strip() for cell in header):
            break
    else:
        raise _refuse("The file is empty.")
    rows: list[Row] = []
    for line, cells in numbered:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == MAX_ROWS + 2:
            raise _refuse(f"The file has more than {MAX_ROWS:,} responses; split it into parts.")
        rows.append(Row(line, tuple(cells)))
    layout = recognise(header, [(row.line, row.cells) for row in rows[:2]])
    skipped = {row.line for row in layout.skipped}
    rows = [row for row in rows if row.line not in skipped]
    if len(rows) > MAX_ROWS:
        raise _refuse(f"The file has more than {MAX_ROWS:,} responses; split it into parts.")
    if not rows:
        raise _refuse("The file has a header row but no responses.")
    headers, statements = list(layout.headers), list(layout.statements)
    statements += [""] * (len(headers) - len(statements))
    while headers and not headers[-1] and not statements[len(headers) - 1]:
        headers.pop()
    return Table(
        tuple(headers),
        tuple(rows),
        layout.tool,
        tuple(statements[: len(headers)]),
        layout.skipped,
    )


def table_bytes(table: Table) -> bytes:
    """The table as JSON, to keep it between the import's steps: a large workbook is
    parsed once, and the rows imported are exactly the rows mapped."""
    rows = [[row.line, row.cells] for row in table.rows]
    stored = {
        "headers": table.headers,
        "rows": rows,
        "tool": table.tool,
        "statements": table.statements,
        "skipped": [[skipped.line, skipped.why] for skipped in table.skipped],
    }
    return json.dumps(stored, ensure_ascii=False).encode()


def table_from_bytes(data: bytes) -> Table:
    stored = json.loads(data)
    rows = tuple(Row(line, tuple(cells)) for line, cells in stored["rows"])
    return Table(
        tuple(stored["headers"]),
        rows,
        stored.get("tool"),
        tuple(stored.get("statements", ())),
        tuple(Skipped(line, why) for line, why in stored.get("skipped", ())),
    )
