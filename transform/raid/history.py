"""The RAID log as it stood at the end of a day, rebuilt from the audit trail.

Every change to an item leaves an audit event with the audited fields before and after
(raid.service). Starting from each item's current values and undoing, newest first, the
changes made after the day gives the item as it stood then; items raised after the day
are left out. A report for a past date reads these, so closing or re-scoring an item
later does not change what that report says.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from transform.clock import end_of_day
from transform.extensions import db
from transform.models import AuditEvent, Phase, RaidItem, RaidKind, RaidStatus, User
from transform.raid.service import AUDITED_FIELDS


@dataclass(frozen=True)
class RaidItemAsOf:
    """A RAID item's values at the end of a day, under the names RaidItem uses."""

    id: int
    kind: RaidKind
    title: str
    description: str
    phase_id: int | None
    phase: Phase | None
    owner: User | None
    severity: int
    likelihood: int
    status: RaidStatus
    due_on: date | None
    created_at: datetime

    @property
    def score(self) -> int:
        return self.severity * self.likelihood

    @property
    def is_open(self) -> bool:
        return self.status != RaidStatus.CLOSED

    def is_overdue(self, on: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < on

    @property
    def log_order(self) -> tuple:
        """The RAID log's order: open first, highest score, soonest due, then raised."""
        return (
            not self.is_open,
            -self.score,
            self.due_on is None,
            self.due_on or date.min,
            self.id,
        )


def raid_items_as_of(programme_id: int, as_of: date) -> list[RaidItemAsOf]:
    """The programme's items raised by the day, each as it stood at its end, by id."""
    cutoff = end_of_day(as_of)
    items = db.session.scalars(
        select(RaidItem)
        .options(joinedload(RaidItem.owner), joinedload(RaidItem.phase))
        .where(RaidItem.programme_id == programme_id, RaidItem.created_at < cutoff)
        .order_by(RaidItem.id)
    ).all()
    values = {item.id: _current(item) for item in items}
    later = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.programme_id == programme_id,
            AuditEvent.entity == RaidItem.__tablename__,
            AuditEvent.at >= cutoff,
            AuditEvent.entity_id.in_(list(values)),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()
    for event in later:
        values[event.entity_id].update(_read(event.before or {}))
    people = _by_id(User, {v["owner_id"] for v in values.values()})
    phases = _by_id(Phase, {v["phase_id"] for v in values.values()})
    return [
        RaidItemAsOf(
            id=item.id,
            kind=values[item.id]["kind"],
            title=values[item.id]["title"],
            description=values[item.id]["description"],
            phase_id=values[item.id]["phase_id"],
            phase=phases.get(values[item.id]["phase_id"]),
            owner=people.get(values[item.id]["owner_id"]),
            severity=values[item.id]["severity"],
            likelihood=values[item.id]["likelihood"],
            status=values[item.id]["status"],
            due_on=values[item.id]["due_on"],
            created_at=item.created_at,
        )
        for item in items
    ]


_FIELDS = AUDITED_FIELDS
#: How the audit trail's JSON values read back.
_READERS = {
    "kind": RaidKind,
    "status": RaidStatus,
    "due_on": lambda value: None if value is None else date.fromisoformat(value),
}


def _current(item: RaidItem) -> dict:
    return {name: getattr(item, name) for name in _FIELDS}


def _read(before: dict) -> dict:
    return {
        name: _READERS.get(name, lambda value: value)(value)
        for name, value in before.items()
        if name in _FIELDS
    }


def _by_id(model, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}
