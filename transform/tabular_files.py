"""Reading an uploaded CSV or Excel file into rows of cell text: pure, no Flask.

Every importer reads files the same way: the type is checked by extension and by
content (an .xlsx must be a zip, a .csv must not be binary); a CSV may be UTF-8, with
or without a BOM, or Windows-1252, separated by commas, semicolons or tabs; a workbook
is read from its first worksheet. Rows come back as lists of text, the header
included, for each importer to match its own columns; a workbook's number cells come
as transform.value_reading.TypedNumber, so that no importer reads them again as text.
The sheet also says which separator a CSV used: it tells how its numbers are written.
A file that cannot be read at all raises TableRefused, whose message the importer shows
as a problem with the file.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from transform.value_reading import TypedNumber

EXTENSIONS = ("csv", "xlsx")
XLSX_SIGNATURE = b"PK\x03\x04"

T = TypeVar("T")


class TableRefused(ValueError):
    """The file cannot be read as a table; the message says why, for the user."""

    @property
    def message(self) -> str:
        return str(self)


def extension_of(filename: str) -> str:
    """The file name's extension, lower case, without the dot; "" when there is none."""
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


@dataclass(frozen=True)
class Sheet:
    """The rows of a file, read as they are iterated, and the separator of a CSV's fields
    (None for a workbook)."""

    rows: Iterator[list[str]]
    delimiter: str | None = None


def read_table(filename: str, data: bytes, percent_cells: bool = False) -> Sheet:
    """The rows of a .csv or .xlsx file as text, header first, read as they are iterated.

    The file's type is checked at once; a file that turns out unreadable part way
    raises TableRefused during the iteration. With percent_cells, an Excel number
    formatted as a percentage reads as the percentage people see ("87%" for 0.87).
    """
    extension = extension_of(filename)
    if extension not in EXTENSIONS:
        raise TableRefused("Upload a .csv or .xlsx file (save older .xls workbooks as .xlsx).")
    if not data.strip():
        raise TableRefused("The file is empty.")
    is_zip = data.startswith(XLSX_SIGNATURE)
    if extension == "xlsx" and not is_zip:
        raise TableRefused("The file is named .xlsx but is not an Excel workbook.")
    if extension == "csv" and (is_zip or b"\x00" in data[:4096]):
        raise TableRefused("The file is named .csv but is not text; save it as CSV.")
    if extension == "xlsx":
        return Sheet(xlsx_rows(data, percent_cells=percent_cells))
    text = _csv_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return Sheet(csv_rows(text, delimiter), delimiter)


def _csv_text(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without a BOM) or else Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableRefused("The file is not UTF-8 or Windows-1252 text; save it as “CSV UTF-8”.")


def csv_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    """The rows of CSV text."""
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise TableRefused(f"The file is not valid CSV: {error}.") from None


def xlsx_rows(data: bytes, percent_cells: bool = False) -> Iterator[list[str]]:
    """The rows of the first worksheet of an .xlsx workbook, as text."""
    from openpyxl import load_workbook

    unreadable = "The file could not be read as an Excel workbook."
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged or foreign zip fails in many ways, all meaning the same
        raise TableRefused(unreadable) from None
    try:
        if not workbook.worksheets:
            raise TableRefused("The workbook has no worksheet.")
        rows = workbook.worksheets[0].iter_rows(values_only=not percent_cells)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception:
                raise TableRefused(unreadable) from None
            if percent_cells:
                yield [_formatted_cell_text(cell) for cell in values]
            else:
                yield [cell_text(value) for value in values]
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A workbook cell's value as text: numbers as TypedNumber, whole floats without ".0",
    dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return TypedNumber(value)


def cell(cells: Sequence[str], index: int) -> str:
    """The row's cell at `index` without surrounding spaces ("" beyond the row's end); a
    workbook's number cell stays a TypedNumber."""
    if index >= len(cells):
        return ""
    value = cells[index]
    return value if isinstance(value, TypedNumber) else value.strip()


def _formatted_cell_text(sheet_cell) -> str:
    value = getattr(sheet_cell, "value", None)
    number_format = getattr(sheet_cell, "number_format", None) or ""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and "%" in number_format:
        # Excel keeps 87% as 0.87; round away the binary noise of the multiplication.
        return TypedNumber(cell_text(float(round(value * 100, 10))) + "%")
    return cell_text(value)


def data_rows(
    table: Iterable[list[str]],
    max_rows: int,
    what: str,
    read_header: Callable[[list[str]], T],
) -> tuple[T, list[tuple[int, list[str]]]]:
    """What `read_header` makes of the header (the first row with any text), then the
    non-blank rows below it, each with its row number as a spreadsheet shows it. The
    header is read first, so a file with wrong columns says so before anything else.
    `what` names the rows in messages."""
    rows = iter(enumerate(table, start=1))
    for _line, header in rows:
        if any(cell.strip() for cell in header):
            break
    else:
        raise TableRefused("The file is empty.")
    columns = read_header(header)
    found: list[tuple[int, list[str]]] = []
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(found) == max_rows:
            raise TableRefused(f"The file has more than {max_rows:,} {what}; split it into parts.")
        found.append((line, cells))
    if not found:
        raise TableRefused(f"The file has a header row but no {what}.")
    return columns, found


# Files of named columns


@dataclass(frozen=True)
class Layout:
    """The columns an importer reads, each a field: its label (as the template names it)
    and, in `aliases`, the header names that mean it (lower case, single-spaced)."""

    fields: tuple[str, ...]
    labels: tuple[str, ...]
    aliases: Mapping[str, str]
    #: What the rows are, in messages: "teams", "actuals".
    what: str


@dataclass(frozen=True)
class FileRows(Generic[T]):
    """The rows an importer made of a file, and the separator of a CSV's fields (None for
    a workbook): it tells how the file writes numbers."""

    rows: list[T]
    delimiter: str | None = None


def read_rows(
    filename: str,
    data: bytes,
    layout: Layout,
    make_row: Callable[..., T],
    max_rows: int,
    percent_cells: bool = False,
) -> FileRows[T]:
    """Each data row of the file as make_row(row number, *its cells of the layout's
    fields, in order); the header names the columns in any order, loosely (case, spaces,
    underscores and hyphens aside), and may have others. TableRefused if it cannot."""
    sheet = read_table(filename, data, percent_cells=percent_cells)
    positions, rows = data_rows(sheet.rows, max_rows, layout.what, lambda h: _positions(h, layout))
    made = [make_row(line, *(cell(cells, index) for index in positions)) for line, cells in rows]
    return FileRows(made, sheet.delimiter)


def _positions(header: Sequence[str], layout: Layout) -> list[int]:
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        field = layout.aliases.get(re.sub(r"[\s_\-]+", " ", text.strip().lower()))
        if field is None:
            continue
        if field in positions:
            raise TableRefused(f"The column “{text.strip()}” appears more than once.")
        positions[field] = index
    fields = zip(layout.labels, layout.fields, strict=True)
    missing = [label for label, field in fields if field not in positions]
    if missing:
        raise TableRefused(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
            f"The first row must name the columns {', '.join(layout.labels)}."
        )
    return [positions[field] for field in layout.fields]
