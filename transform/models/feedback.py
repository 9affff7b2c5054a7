"""Change agents' dated observations of teams, and the follow-up actions they raise."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Adkar, Base, enum_column, utcnow


class Resistance(enum.StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class BarrierCategory(enum.StrEnum):
    UNCLEAR_WHY = "unclear_why"
    NO_TIME_FOR_TRAINING = "no_time_for_training"
    TOOL_ISSUES = "tool_issues"
    MANAGER_NOT_SUPPORTIVE = "manager_not_supportive"
    WORKLOAD = "workload"
    SKILLS_GAP = "skills_gap"
    FEAR_OF_JOB_LOSS = "fear_of_job_loss"
    OLD_HABITS = "old_habits"
    NONE = "none"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class FollowUpStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class FeedbackEntry(Base):
    __tablename__ = "feedback_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    observed_on: Mapped[date]
    #: The ADKAR element the agent judges the team to be working on.
    observed_stage: Mapped[Adkar] = mapped_column(enum_column(Adkar, "adkar_stage"))
    #: -2 (very negative) to +2 (very positive).
    sentiment: Mapped[int]
    resistance: Mapped[Resistance] = mapped_column(
        enum_column(Resistance, "resistance_level"), default=Resistance.NONE
    )
    barrier: Mapped[BarrierCategory] = mapped_column(
        enum_column(BarrierCategory, "barrier_category"), default=BarrierCategory.NONE
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    #: When the row last changed (transform.clock): what `updated_since` filters on.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    agent: Mapped["User | None"] = relationship()  # noqa: F821
    team: Mapped["Team"] = relationship()  # noqa: F821
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("sentiment BETWEEN -2 AND 2", name="sentiment_range"),
        CheckConstraint("length(text) > 0", name="text_given"),
    )

    def __repr__(self) -> str:
        return f"<FeedbackEntry {self.id} team={self.team_id} {self.observed_on}>"


class FollowUp(Base):
    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_entry.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    due_on: Mapped[date | None]
    status: Mapped[FollowUpStatus] = mapped_column(
        enum_column(FollowUpStatus, "follow_up_status"), default=FollowUpStatus.OPEN
    )
    #: The action's key in a ticket system (e.g. a Jira key), unique in the programme.
    external_ref: Mapped[str | None] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(default=1)
    #: When the row last changed (transform.clock): what `updated_since` filters on.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    entry: Mapped[FeedbackEntry] = relationship(back_populates="follow_ups")
    owner: Mapped["User | None"] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<FollowUp {self.id} {self.status} {self.action!r}>"
