"""KPIs with baseline and target, their checkpoints, and re-baselining history."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, enum_column, utcnow


class Direction(enum.StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class Perspective(enum.StrEnum):
    """The four perspectives of Kaplan and Norton's balanced scorecard."""

    FINANCIAL = "financial"
    CUSTOMER = "customer"
    INTERNAL_PROCESS = "internal_process"
    LEARNING_GROWTH = "learning_growth"

    @property
    def label(self) -> str:
        return {
            "financial": "Financial",
            "customer": "Customer",
            "internal_process": "Internal process",
            "learning_growth": "Learning & growth",
        }[self.value]


class Kpi(Base):
    __tablename__ = "kpi"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(40))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, "kpi_direction"))
    perspective: Mapped[Perspective] = mapped_column(enum_column(Perspective, "kpi_perspective"))
    baseline_value: Mapped[float]
    baseline_on: Mapped[date]
    target_value: Mapped[float]
    target_on: Mapped[date]
    #: Values outside [min_value, max_value] are refused (e.g. 0..100 for a percentage).
    min_value: Mapped[float | None]
    max_value: Mapped[float | None]
    #: Points of progress behind plan that make the KPI at risk; None uses the programme's.
    at_risk_tolerance: Mapped[float | None]
    off_track_tolerance: Mapped[float | None]
    #: Set when the programme's first gate is approved; later changes are re-baselines.
    locked_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    #: When the row last changed (transform.clock): what `updated_since` filters on.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programme: Mapped["Programme"] = relationship()  # noqa: F821
    team: Mapped["Team | None"] = relationship()  # noqa: F821
    owner: Mapped["User | None"] = relationship()  # noqa: F821
    checkpoints: Mapped[list["Checkpoint"]] = relationship(
        back_populates="kpi", cascade="all, delete-orphan", order_by="Checkpoint.on_date"
    )
    rebaselines: Mapped[list["KpiRebaseline"]] = relationship(
        back_populates="kpi", cascade="all, delete-orphan", order_by="KpiRebaseline.changed_at"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("target_value <> baseline_value", name="target_differs"),
        CheckConstraint("target_on > baseline_on", name="target_after_baseline"),
        CheckConstraint(
            "min_value IS NULL OR max_value IS NULL OR min_value < max_value",
            name="bounds_ordered",
        ),
    )

    def __repr__(self) -> str:
        return f"<Kpi {self.id} {self.name!r}>"


class Checkpoint(Base):
    """A KPI's planned value at a date and, once measured, the actual value."""

    __tablename__ = "checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id", ondelete="CASCADE"))
    on_date: Mapped[date]
    planned_value: Mapped[float | None]
    actual_value: Mapped[float | None]
    #: The planned value when the baseline was locked, for plan-at-lock comparisons.
    locked_planned_value: Mapped[float | None]
    version: Mapped[int] = mapped_column(default=1)

    kpi: Mapped[Kpi] = relationship(back_populates="checkpoints")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("kpi_id", "on_date"),)

    def __repr__(self) -> str:
        return f"<Checkpoint kpi={self.kpi_id} {self.on_date}>"


class KpiRebaseline(Base):
    """A change to a locked KPI's baseline or plan, with its reason and before/after."""

    __tablename__ = "kpi_rebaseline"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id", ondelete="CASCADE"), index=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)

    kpi: Mapped[Kpi] = relationship(back_populates="rebaselines")

    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason_given"),)

    def __repr__(self) -> str:
        return f"<KpiRebaseline kpi={self.kpi_id} {self.changed_at}>"
