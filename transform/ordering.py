"""Ordered children (phases, items, activities) whose positions stay 1..n and unique."""

from transform.audit import record_change
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


def remove_child(parent, collection: str, child, snapshot: dict) -> None:
    """Remove a child from the parent's ordered collection, audited; later ones move up."""
    record_change("deleted", child, None, before=snapshot)
    getattr(parent, collection).remove(child)
    db.session.flush()
    renumber(getattr(parent, collection))


def move_child(parent, collection: str, child, offset: int, snapshot) -> None:
    """Move a child earlier (offset -1) or later (+1), audited; at either end it stays put.

    `snapshot` gives the audited values of a child.
    """
    before = snapshot(child)
    if not move(getattr(parent, collection), child, offset):
        return
    # The loaded collection still holds the old order; reload it from the positions.
    db.session.expire(parent, [collection])
    record_change("updated", child, None, before=before, after=snapshot(child))
