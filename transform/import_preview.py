"""What an import shows before it writes: how each column's values were read, and the
first rows as written and as read. Pure: each importer fills it, one template shows it."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from transform.value_reading import Settlement

#: Rows shown as written and as read; the rest are counted.
PREVIEW_ROWS = 20


@dataclass(frozen=True)
class ReadCell:
    """A cell as the file has it, and as the import reads it: "" when it could not be
    read, None for text taken as it is written (a name, an id)."""

    written: str
    read: str | None = None

    @property
    def reads_otherwise(self) -> bool:
        return bool(self.read) and self.read != self.written

    @property
    def is_unread(self) -> bool:
        return self.read == "" and bool(self.written)


@dataclass(frozen=True)
class ColumnReading:
    """How a column's dates or numbers are read: settled or not, and why."""

    column: str
    how: str
    is_settled: bool


@dataclass(frozen=True)
class Preview:
    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[ReadCell, ...]], ...]
    total: int
    readings: tuple[ColumnReading, ...]

    @property
    def unshown(self) -> int:
        return self.total - len(self.rows)


def column_reading(column: str, settlement: Settlement) -> ColumnReading:
    return ColumnReading(column, settlement.how, not settlement.unsettled)


def preview(
    columns: Sequence[str],
    rows: Iterable[tuple[int, Sequence[ReadCell]]],
    total: int,
    readings: Sequence[ColumnReading],
) -> Preview:
    """A preview of the first PREVIEW_ROWS of the rows (read lazily, so that only those
    are formatted) out of `total`."""
    shown = []
    for line, cells in rows:
        if len(shown) == PREVIEW_ROWS:
            break
        shown.append((line, tuple(cells)))
    return Preview(tuple(columns), tuple(shown), total, tuple(readings))
