"""The RAID log: risks, assumptions, issues and dependencies of a programme."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, enum_column, utcnow

#: The longest ticket key a RAID item or follow-up keeps.
EXTERNAL_REF_MAX = 80


class RaidKind(enum.StrEnum):
    RISK = "risk"
    ASSUMPTION = "assumption"
    ISSUE = "issue"
    DEPENDENCY = "dependency"


class RaidStatus(enum.StrEnum):
    OPEN = "open"
    MITIGATING = "mitigating"
    CLOSED = "closed"


class RaidItem(Base):
    __tablename__ = "raid_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("phase.id", ondelete="SET NULL"))
    kind: Mapped[RaidKind] = mapped_column(enum_column(RaidKind, "raid_kind"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: 1 (negligible) to 5 (severe).
    severity: Mapped[int] = mapped_column(default=3)
    #: 1 (rare) to 5 (almost certain).
    likelihood: Mapped[int] = mapped_column(default=3)
    status: Mapped[RaidStatus] = mapped_column(
        enum_column(RaidStatus, "raid_status"), default=RaidStatus.OPEN
    )
    due_on: Mapped[date | None]
    #: The option the PMO recommends to the sponsor when the item needs escalating.
    recommendation: Mapped[str | None] = mapped_column(String(500))
    #: The item's key in a ticket system (e.g. a Jira key), unique in the programme.
    external_ref: Mapped[str | None] = mapped_column(String(EXTERNAL_REF_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    #: When the row last changed (transform.clock): what `updated_since` filters on.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped["User | None"] = relationship()  # noqa: F821
    phase: Mapped["Phase | None"] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("severity BETWEEN 1 AND 5", name="severity_range"),
        CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood_range"),
        UniqueConstraint("programme_id", "external_ref"),
    )

    @property
    def score(self) -> int:
        return self.severity * self.likelihood

    def __repr__(self) -> str:
        return f"<RaidItem {self.id} {self.kind} {self.title!r}>"
