"""RAID log entries written as plain data and added to a programme."""

from dataclasses import dataclass
from datetime import date, timedelta

from transform.demo.dates import at
from transform.extensions import db
from transform.models import Programme, RaidItem, RaidKind, RaidStatus, User


@dataclass(frozen=True)
class RaidSpec:
    kind: RaidKind
    title: str
    description: str
    owner: str
    severity: int
    likelihood: int
    status: RaidStatus = RaidStatus.OPEN
    #: Days from the demo day; negative is in the past.
    due_in_days: int | None = None
    #: Position of the phase the item belongs to, if any.
    phase: int | None = None
    #: Days before the demo day the item was raised.
    raised_days_ago: int = 60


def add_raid_items(
    programme: Programme, specs: tuple[RaidSpec, ...], people: dict[str, User], today: date
) -> list[RaidItem]:
    """Add the RAID items to the programme, dated relative to today."""
    phases = {phase.position: phase for phase in programme.phases}
    items = [
        RaidItem(
            programme_id=programme.id,
            phase=phases[spec.phase] if spec.phase else None,
            kind=spec.kind,
            title=spec.title,
            description=spec.description,
            owner=people[spec.owner],
            severity=spec.severity,
            likelihood=spec.likelihood,
            status=spec.status,
            due_on=today + timedelta(days=spec.due_in_days)
            if spec.due_in_days is not None
            else None,
            created_at=at(max(programme.starts_on, today - timedelta(days=spec.raised_days_ago))),
        )
        for spec in specs
    ]
    db.session.add_all(items)
    db.session.flush()
    return items
