"""A programme: one transformation, its settings and who may see it."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, enum_column, utcnow


class ProgrammeStatus(enum.StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The client or business unit the programme transforms.
    organisation: Mapped[str] = mapped_column(String(160), default="")
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("methodology_template.id", ondelete="SET NULL")
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[ProgrammeStatus] = mapped_column(
        enum_column(ProgrammeStatus, "programme_status"), default=ProgrammeStatus.ACTIVE
    )
    #: Percent of respondents with no ADKAR barrier that counts as adopted.
    target_adoption_rate: Mapped[float] = mapped_column(default=80.0)
    #: Smallest group whose scores may be shown anywhere.
    anonymity_threshold: Mapped[int] = mapped_column(default=5)
    #: Smallest group whose free-text comments may be shown.
    comment_threshold: Mapped[int] = mapped_column(default=10)
    #: Target people per change agent.
    people_per_agent: Mapped[int] = mapped_column(default=50)
    weight_readiness_survey: Mapped[float] = mapped_column(default=0.35)
    weight_adkar: Mapped[float] = mapped_column(default=0.25)
    weight_agent_coverage: Mapped[float] = mapped_column(default=0.15)
    weight_training: Mapped[float] = mapped_column(default=0.15)
    weight_change_load: Mapped[float] = mapped_column(default=0.10)
    #: Default KPI tolerances, in points of progress behind plan.
    kpi_at_risk_tolerance: Mapped[float] = mapped_column(default=0.10)
    kpi_off_track_tolerance: Mapped[float] = mapped_column(default=0.25)
    #: ISO 4217 code of every benefit amount of the programme.
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    #: The net value (benefits less cost to achieve) the programme is to realise.
    value_target: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    #: When the row last changed (transform.clock): what `updated_since` filters on.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="programme", cascade="all, delete-orphan"
    )
    phases: Mapped[list["Phase"]] = relationship(  # noqa: F821
        back_populates="programme", cascade="all, delete-orphan", order_by="Phase.position"
    )
    template: Mapped["MethodologyTemplate | None"] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint(
            "target_adoption_rate >= 0 AND target_adoption_rate <= 100", name="target_rate_range"
        ),
        CheckConstraint("anonymity_threshold >= 3", name="anonymity_floor"),
        CheckConstraint("comment_threshold >= anonymity_threshold", name="comment_threshold"),
        CheckConstraint("people_per_agent > 0", name="people_per_agent_positive"),
        CheckConstraint(
            "weight_readiness_survey >= 0 AND weight_adkar >= 0 AND weight_agent_coverage >= 0"
            " AND weight_training >= 0 AND weight_change_load >= 0",
            name="weights_nonnegative",
        ),
        CheckConstraint(
            "kpi_at_risk_tolerance >= 0 AND kpi_off_track_tolerance >= kpi_at_risk_tolerance",
            name="kpi_tolerances",
        ),
        CheckConstraint("value_target IS NULL OR value_target >= 0", name="value_target_positive"),
    )

    @property
    def is_archived(self) -> bool:
        return self.status == ProgrammeStatus.ARCHIVED

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.name!r}>"
