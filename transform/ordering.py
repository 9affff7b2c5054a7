"""Ordered children (phases, items, activities) whose positions stay 1..n and unique."""

from transform.extensions import db


def next_position(rows) -> int:
    return max((row.position for row in rows), default=0) + 1


def renumber(rows) -> None:
    """Positions 1..n in the given order without tripping the unique position constraint.

    Rows are updated one by one, so a direct renumbering can collide with a row not yet
    moved; parking every row on a negative position first avoids that on any database.
    """
    rows = list(rows)
    if all(row.position == index for index, row in enumerate(rows, start=1)):
        return
    for index, row in enumerate(rows, start=1):
        row.position = -index
    db.session.flush()
    for index, row in enumerate(rows, start=1):
        row.position = index
    db.session.flush()


def move(rows, row, offset: int) -> bool:
    """Move `row` earlier (offset -1) or later (+1) among `rows`; False at either end."""
    rows = list(rows)
    index = rows.index(row)
    target = index + offset
    if not 0 <= target < len(rows):
        return False
    rows[index], rows[target] = rows[target], rows[index]
    renumber(rows)
    return True
