"""The org tree and how each programme touches it: impact, change agents, training."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, enum_column, utcnow


class ImpactLevel(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ImpactAspect(enum.StrEnum):
    """Aspects of work a change can alter, each scored 0-5 in an impact assessment."""

    PROCESSES = "processes"
    SYSTEMS = "systems"
    ROLES = "roles"
    REPORTING_LINES = "reporting_lines"
    SKILLS = "skills"
    LOCATION = "location"
    WORKLOAD = "workload"
    CUSTOMER_INTERACTION = "customer_interaction"


class Team(Base):
    """An org unit; teams are shared by every programme that impacts them."""

    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The identifier the HR system uses, kept for imports.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="RESTRICT"), index=True
    )
    headcount: Mapped[int] = mapped_column(default=0)
    #: Summed impact points a month the team can absorb; None uses the site default.
    change_capacity: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    #: When the row last changed (transform.clock): what `updated_since` filters on.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parent: Mapped["Team | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Team"]] = relationship(back_populates="parent", order_by="Team.name")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("headcount >= 0", name="headcount_nonnegative"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint(
            "change_capacity IS NULL OR change_capacity > 0", name="capacity_positive"
        ),
    )

    def __repr__(self) -> str:
        return f"<Team {self.id} {self.name!r}>"


class ImpactedTeam(Base):
    """A team a programme changes, with its go-live date and impact level."""

    __tablename__ = "impacted_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    impact_level: Mapped[ImpactLevel] = mapped_column(
        enum_column(ImpactLevel, "impact_level"), default=ImpactLevel.MEDIUM
    )
    go_live_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    team: Mapped[Team] = relationship()
    scores: Mapped[list["ImpactScore"]] = relationship(
        back_populates="impacted_team", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("programme_id", "team_id"),)

    def __repr__(self) -> str:
        return f"<ImpactedTeam programme={self.programme_id} team={self.team_id}>"


class ImpactScore(Base):
    """One aspect of a change impact assessment, scored 0 (no change) to 5 (transformed)."""

    __tablename__ = "impact_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    impacted_team_id: Mapped[int] = mapped_column(
        ForeignKey("impacted_team.id", ondelete="CASCADE")
    )
    aspect: Mapped[ImpactAspect] = mapped_column(enum_column(ImpactAspect, "impact_aspect"))
    score: Mapped[int]

    impacted_team: Mapped[ImpactedTeam] = relationship(back_populates="scores")

    __table_args__ = (
        UniqueConstraint("impacted_team_id", "aspect"),
        CheckConstraint("score BETWEEN 0 AND 5", name="score_range"),
    )

    def __repr__(self) -> str:
        return f"<ImpactScore {self.aspect}={self.score}>"


class AgentAssignment(Base):
    """A change agent covering a team within a programme."""

    __tablename__ = "agent_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    assigned_on: Mapped[date]

    team: Mapped[Team] = relationship()
    user: Mapped["User"] = relationship()  # noqa: F821

    __table_args__ = (UniqueConstraint("programme_id", "team_id", "user_id"),)

    def __repr__(self) -> str:
        return f"<AgentAssignment user={self.user_id} team={self.team_id}>"


class TrainingRecord(Base):
    """How many of a team's people had completed the programme's training at a date."""

    __tablename__ = "training_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    recorded_on: Mapped[date]
    people_trained: Mapped[int]

    __table_args__ = (
        UniqueConstraint("programme_id", "team_id", "recorded_on"),
        CheckConstraint("people_trained >= 0", name="trained_nonnegative"),
    )

    def __repr__(self) -> str:
        return f"<TrainingRecord team={self.team_id} {self.recorded_on} {self.people_trained}>"
