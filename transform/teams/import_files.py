"""Reading an uploaded org-structure file, CSV or Excel, into rows: pure, no Flask.

The type is checked by extension and by content; a CSV may be UTF-8 or Windows-1252
and comma, semicolon or tab separated. Header names are matched loosely ("Team ID",
"team_id" and "id" are one column). Problems with the whole file raise ImportRefused.
"""

import csv
import io
import re
from collections.abc import Sequence

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
XLSX_SIGNATURE = b"PK\x03\x04"


def _refuse(message: str) -> ImportRefused:
    return ImportRefused([Problem(message)])


def read_rows(filename: str, data: bytes) -> list[SourceRow]:
    """The rows of a .csv or .xlsx file, checking its type by extension and by content."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ("csv", "xlsx"):
        raise _refuse("Upload a .csv or .xlsx file (save older .xls workbooks as .xlsx).")
    if not data.strip():
        raise _refuse("The file is empty.")
    is_zip = data.startswith(XLSX_SIGNATURE)
    if extension == "xlsx" and not is_zip:
        raise _refuse("The file is named .xlsx but is not an Excel workbook.")
    if extension == "csv" and (is_zip or b"\x00" in data[:4096]):
        raise _refuse("The file is named .csv but is not text; save it as CSV.")
    table = _xlsx_table(data) if extension == "xlsx" else _csv_table(data)
    return _source_rows(table)


def _csv_table(data: bytes):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse("The file is not UTF-8 or Windows-1252 text; save it as “CSV UTF-8”.")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise _refuse(f"The file is not valid CSV: {error}.") from None


def _xlsx_table(data: bytes):
    from openpyxl import load_workbook

    unreadable = "The file could not be read as an Excel workbook."
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged or foreign zip fails in many ways, all meaning the same
        raise _refuse(unreadable) from None
    try:
        if not workbook.worksheets:
            raise _refuse("The workbook has no worksheet.")
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception:
                raise _refuse(unreadable) from None
            yield [_cell_text(value) for value in values]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(cells: Sequence[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _normal_header(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


def _source_rows(table) -> list[SourceRow]:
    rows = iter(enumerate(table, start=1))
    for _line, header in rows:
        if any(cell.strip() for cell in header):
            break
    else:
        raise _refuse("The file is empty.")
    positions = _column_positions(header)
    found: list[SourceRow] = []
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(found) == MAX_ROWS:
            raise _refuse(f"The file has more than {MAX_ROWS:,} teams; split it into parts.")

        found.append(SourceRow(line, *(_cell(cells, positions[name]) for name in FIELDS)))
    if not found:
        raise _refuse("The file has a header row but no teams.")
    return found


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
