"""Webhooks: a URL a PMO registers for a programme's events, and each signed delivery."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, enum_column, utcnow


class WebhookEvent(enum.StrEnum):
    GATE_DECIDED = "gate.decided"
    WAVE_OPENED = "wave.opened"
    WAVE_CLOSED = "wave.closed"
    REPORT_PUBLISHED = "report.published"
    RAID_CHANGED = "raid.changed"

    @property
    def label(self) -> str:
        return {
            "gate.decided": "Stage gate decided",
            "wave.opened": "Survey wave opened",
            "wave.closed": "Survey wave closed",
            "report.published": "Report published",
            "raid.changed": "RAID item created or changed",
        }[self.value]


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Webhook(Base):
    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    #: Shared with the receiver, which checks each body's HMAC-SHA256 with it.
    secret: Mapped[str] = mapped_column(String(200))
    #: The event names it receives, space separated (WebhookEvent values).
    events: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deliveries: Mapped[list["WebhookDelivery"]] = relationship(
        back_populates="webhook", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def event_list(self) -> list[WebhookEvent]:
        return [WebhookEvent(name) for name in self.events.split()]

    def __repr__(self) -> str:
        return f"<Webhook {self.id} {self.url!r}>"


class WebhookDelivery(Base):
    __tablename__ = "webhook_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("webhook.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(40))
    #: The JSON body sent, byte for byte what was signed.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    #: The receiver's HTTP status on the last attempt; null when it could not be reached.
    response_status: Mapped[int | None]
    error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]

    webhook: Mapped[Webhook] = relationship(back_populates="deliveries")

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.event} {self.status}>"
