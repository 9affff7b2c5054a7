"""Record who changed what, when, with the values before and after."""

from datetime import date, datetime
from enum import Enum

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import insert

from transform.extensions import db
from transform.models import AuditEvent


def snapshot(record, *fields: str) -> dict:
    """The named attributes of a record as JSON-ready values."""
    return {name: _plain(getattr(record, name)) for name in fields}


def record_change(
    action: str,
    record,
    programme_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    via: str = "web",
) -> AuditEvent:
    """Add an audit event for a change to `record` by the current user; flush only."""
    user_id = current_user.id if has_request_context() and current_user.is_authenticated else None
    event = AuditEvent(
        user_id=user_id,
        programme_id=programme_id,
        action=action,
        entity=record.__tablename__,
        entity_id=record.id,
        before=before,
        after=after,
        via=via,
    )
    db.session.add(event)
    return event


def record_changes(
    action: str,
    entity: str,
    changes: list[tuple[int, dict | None, dict | None]],
    programme_id: int | None = None,
    via: str = "web",
) -> None:
    """Audit events for many records of one kind, as (id, before, after), in one statement.

    For imports: an event each as record_change writes it, without an INSERT each.
    """
    if not changes:
        return
    user_id = current_user.id if has_request_context() and current_user.is_authenticated else None
    db.session.execute(
        insert(AuditEvent),
        [
            {
                "user_id": user_id,
                "programme_id": programme_id,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "before": before,
                "after": after,
                "via": via,
            }
            for entity_id, before, after in changes
        ],
    )


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
