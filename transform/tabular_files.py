"""Reading an uploaded CSV or Excel file into rows of cell text: pure, no Flask.

Every importer reads files the same way: the type is checked by extension and by
content (an .xlsx must be a zip, a .csv must not be binary); a CSV may be UTF-8, with
or without a BOM, or Windows-1252, separated by commas, semicolons or tabs; a workbook
is read from its first worksheet. Rows come back as lists of text, the header
included, for each importer to match its own columns. A file that cannot be read at
all raises TableRefused, whose message the importer shows as a problem with the file.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

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


def read_table(filename: str, data: bytes, percent_cells: bool = False) -> Iterator[list[str]]:
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
        return xlsx_rows(data, percent_cells=percent_cells)
    return csv_rows(data)


def csv_rows(data: bytes) -> Iterator[list[str]]:
    """The rows of CSV bytes: UTF-8 (with or without a BOM) or else Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableRefused("The file is not UTF-8 or Windows-1252 text; save it as “CSV UTF-8”.")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
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
    """A workbook cell's value as text: whole floats without ".0", dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _formatted_cell_text(cell) -> str:
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", None) or ""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if is_number and "%" in number_format:
        # Excel keeps 87% as 0.87; round away the binary noise of the multiplication.
        return cell_text(float(round(value * 100, 10))) + "%"
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
