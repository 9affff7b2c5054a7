"""Reading an uploaded org-structure file, CSV or Excel, into rows: pure, no Flask.

The bytes are read by transform.tabular_files, as every importer reads them: the type
is checked by extension and by content; a CSV may be UTF-8 or Windows-1252 and comma,
semicolon or tab separated. Header names are matched loosely ("Team ID", "team_id" and
"id" are one column). Problems with the whole file raise ImportRefused.
"""

import re
from collections.abc import Sequence

from transform.tabular_files import TableRefused, data_rows, read_table
from transform.teams.importing import ImportRefused, Problem, SourceRow

MAX_ROWS = 20_000
#: The columns as the template names them, and the SourceRow field each fills.
COLUMNS = ("team id", "name", "parent id", "headcount")
FIELDS = ("team_id", "name", "parent_id", "headcount")
HEADER_NAMES = {
    "team id": "team_id",
    "teamid": "team_id",
    "id": "team_id",
    "name": "name",
    "team name": "name",
    "parent id": "parent_id",
    "parentid": "parent_id",
    "parent": "parent_id",
    "parent team id": "parent_id",
    "headcount": "headcount",
    "head count": "headcount",
}


def _refuse(message: str) -> ImportRefused:
    return ImportRefused([Problem(message)])


def read_rows(filename: str, data: bytes) -> list[SourceRow]:
    """The rows of a .csv or .xlsx file, checking its type by extension and by content."""
    try:
        return _source_rows(read_table(filename, data))
    except TableRefused as refused:
        raise _refuse(refused.message) from None


def _cell(cells: Sequence[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _normal_header(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def _source_rows(table) -> list[SourceRow]:
    positions, rows = data_rows(table, MAX_ROWS, "teams", _column_positions)
    return [
        SourceRow(line, *(_cell(cells, positions[name]) for name in FIELDS))
        for line, cells in rows
    ]


def _column_positions(header: Sequence[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        column = HEADER_NAMES.get(_normal_header(text))
        if column is None:
            continue
        if column in positions:
            raise _refuse(f"The column “{text.strip()}” appears more than once.")
        positions[column] = index
    missing = [label for label, name in zip(COLUMNS, FIELDS, strict=True) if name not in positions]
    if missing:
        raise _refuse(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
            f"The first row must name the columns {', '.join(COLUMNS)}."
        )
    return positions
