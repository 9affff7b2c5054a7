"""Changes to the RAID log: each flushes and leaves an audit event; the request commits."""

from dataclasses import asdict, dataclass
from datetime import date

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import Programme, RaidItem, RaidKind, RaidStatus

AUDITED_FIELDS = (
    "kind",
    "title",
    "description",
    "phase_id",
    "owner_id",
    "severity",
    "likelihood",
    "status",
    "due_on",
    "recommendation",
)


@dataclass(frozen=True)
class RaidDraft:
    """The editable values of a RAID item, already validated by the form."""

    kind: RaidKind
    title: str
    description: str
    phase_id: int | None
    owner_id: int | None
    severity: int
    likelihood: int
    status: RaidStatus
    due_on: date | None
    #: The option the PMO recommends when the item goes to the sponsor; None if none.
    recommendation: str | None = None


def create_item(programme: Programme, draft: RaidDraft) -> RaidItem:
    """Add an item to the programme's RAID log."""
    item = RaidItem(programme_id=programme.id, **_values(draft))
    db.session.add(item)
    db.session.flush()
    record_change("raid.created", item, programme.id, after=snapshot(item, *AUDITED_FIELDS))
    return item


def update_item(item: RaidItem, draft: RaidDraft) -> RaidItem:
    """Change an item; its version column refuses the write if someone saved first."""
    before = snapshot(item, *AUDITED_FIELDS)
    for name, value in _values(draft).items():
        setattr(item, name, value)
    after = snapshot(item, *AUDITED_FIELDS)
    if after != before:
        db.session.flush()
        record_change("raid.updated", item, item.programme_id, before=before, after=after)
    return item


def _values(draft: RaidDraft) -> dict:
    values = asdict(draft)
    values["title"] = draft.title.strip()
    values["description"] = draft.description.strip()
    values["recommendation"] = (draft.recommendation or "").strip() or None
    return values
