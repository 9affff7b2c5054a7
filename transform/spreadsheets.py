"""Cells that a spreadsheet will never run: text that would start a formula is escaped.

A text starting with =, +, -, @, a tab or a carriage return is read by Excel, LibreOffice
and Google Sheets as a formula when it comes from a CSV file (OWASP "CSV injection"). In
a CSV such text gets a leading apostrophe, which spreadsheets show as text and do not
display. A workbook needs none: its cells carry their type, and a text cell is never a
formula, so text is written there exactly as it is.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value, with text that could start a formula prefixed by an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A CSV document with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def workbook_row(sheet, values: Iterable, date_format: str = "yyyy-mm-dd") -> list:
    """A row of write-only cells for `sheet`: text typed as text (never a formula, so
    written without an apostrophe), dates shown in `date_format`."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never "f": openpyxl reads "=…" as a formula
        elif isinstance(value, date):
            cell.number_format = date_format
        row.append(cell)
    return row
