"""Read models for the webhook settings page: each webhook with its latest deliveries."""

from sqlalchemy import select

from transform.extensions import db
from transform.models import Webhook, WebhookDelivery

#: Deliveries listed per webhook, newest first.
RECENT_DELIVERIES = 20


def webhooks(programme_id: int) -> list[Webhook]:
    return list(
        db.session.scalars(
            select(Webhook).where(Webhook.programme_id == programme_id).order_by(Webhook.id)
        )
    )


def recent_deliveries(hook: Webhook) -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == hook.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(RECENT_DELIVERIES)
        )
    )


def find_webhook(programme_id: int, webhook_id: int) -> Webhook | None:
    return db.session.scalar(
        select(Webhook).where(Webhook.id == webhook_id, Webhook.programme_id == programme_id)
    )
