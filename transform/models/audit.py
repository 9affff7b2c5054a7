"""The audit trail: who changed what, when, with the values before and after."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE")
    )
    #: created, updated, deleted, or a life-cycle verb such as "gate.approved".
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None]
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    #: "web", "cli", or "api:<token name>".
    via: Mapped[str] = mapped_column(String(120), default="web")

    user: Mapped["User | None"] = relationship()  # noqa: F821

    __table_args__ = (Index("ix_audit_event_programme_at", "programme_id", "at"),)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.entity}:{self.entity_id}>"
