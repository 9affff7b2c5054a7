"""Changes to the RAID log: each flushes and leaves an audit event; the request commits."""

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select

from transform.audit import record_change, snapshot
from transform.extensions import db
from transform.models import Programme, RaidItem, RaidKind, RaidStatus, WebhookEvent
from transform.webhooks_out import announce

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


#: What the audit trail keeps beyond the fields the as-of log replays.
SNAPSHOT_FIELDS = (*AUDITED_FIELDS, "external_ref")
#: update_item's default: the item keeps its ticket key.
KEEP = object()


class RefTaken(ValueError):
    """Another item of the programme already has this ticket key."""


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


def create_item(
    programme: Programme, draft: RaidDraft, external_ref: str | None = None, via: str = "web"
) -> RaidItem:
    """Add an item to the programme's RAID log (with its ticket key, from a ticket sync)."""
    _check_ref(programme.id, external_ref, None)
    item = RaidItem(programme_id=programme.id, external_ref=external_ref, **_values(draft))
    db.session.add(item)
    db.session.flush()
    after = snapshot(item, *SNAPSHOT_FIELDS)
    record_change("raid.created", item, programme.id, after=after, via=via)
    announce(programme.id, WebhookEvent.RAID_CHANGED, {"raid_item": after | {"id": item.id}})
    return item


def update_item(item: RaidItem, draft: RaidDraft, external_ref=KEEP, via: str = "web") -> RaidItem:
    """Change an item; its version column refuses the write if someone saved first."""
    before = snapshot(item, *SNAPSHOT_FIELDS)
    if external_ref is not KEEP:
        _check_ref(item.programme_id, external_ref, item.id)
        item.external_ref = external_ref
    for name, value in _values(draft).items():
        setattr(item, name, value)
    after = snapshot(item, *SNAPSHOT_FIELDS)
    if after != before:
        db.session.flush()
        record_change("raid.updated", item, item.programme_id, before=before, after=after, via=via)
        announce(
            item.programme_id, WebhookEvent.RAID_CHANGED, {"raid_item": after | {"id": item.id}}
        )
    return item


def _check_ref(programme_id: int, external_ref: str | None, item_id: int | None) -> None:
    if external_ref is None:
        return
    holder = db.session.scalar(
        select(RaidItem.id).where(
            RaidItem.programme_id == programme_id, RaidItem.external_ref == external_ref
        )
    )
    if holder is not None and holder != item_id:
        raise RefTaken(f"RAID item {holder} of this programme already has this reference.")


def _values(draft: RaidDraft) -> dict:
    values = asdict(draft)
    values["title"] = draft.title.strip()
    values["description"] = draft.description.strip()
    values["recommendation"] = (draft.recommendation or "").strip() or None
    return values
