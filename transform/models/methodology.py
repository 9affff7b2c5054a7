"""Methodology templates: ordered phases with default activities and gate criteria."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, enum_column, utcnow
from transform.models.phase import GateCriterionKind


class MethodologyTemplate(Base):
    __tablename__ = "methodology_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Shipped with transform; PMOs copy rather than edit these.
    is_builtin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    phases: Mapped[list["TemplatePhase"]] = relationship(
        back_populates="template",
        cascade="all, delete-orphan",
        order_by="TemplatePhase.position",
    )

    def __repr__(self) -> str:
        return f"<MethodologyTemplate {self.id} {self.name!r}>"


class TemplatePhase(Base):
    __tablename__ = "template_phase"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("methodology_template.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Typical length, used to lay out planned dates when a programme is created.
    duration_weeks: Mapped[int] = mapped_column(default=8)

    template: Mapped[MethodologyTemplate] = relationship(back_populates="phases")
    activities: Mapped[list["TemplateActivity"]] = relationship(
        back_populates="phase", cascade="all, delete-orphan", order_by="TemplateActivity.position"
    )
    criteria: Mapped[list["TemplateGateCriterion"]] = relationship(
        back_populates="phase",
        cascade="all, delete-orphan",
        order_by="TemplateGateCriterion.position",
    )

    __table_args__ = (
        UniqueConstraint("template_id", "position"),
        CheckConstraint("duration_weeks > 0", name="duration_positive"),
    )

    def __repr__(self) -> str:
        return f"<TemplatePhase {self.position} {self.name!r}>"


class TemplateActivity(Base):
    __tablename__ = "template_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("template_phase.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    is_deliverable: Mapped[bool] = mapped_column(default=False)

    phase: Mapped[TemplatePhase] = relationship(back_populates="activities")

    __table_args__ = (UniqueConstraint("phase_id", "position"),)

    def __repr__(self) -> str:
        return f"<TemplateActivity {self.name!r}>"


class TemplateGateCriterion(Base):
    __tablename__ = "template_gate_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("template_phase.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(300))
    #: Checklist unless the tool evaluates the criterion from data.
    kind: Mapped[GateCriterionKind] = mapped_column(
        enum_column(GateCriterionKind, "template_criterion_kind"),
        default=GateCriterionKind.CHECKLIST,
    )
    #: The figure a computed criterion compares against (e.g. 60 for a readiness floor).
    threshold: Mapped[float | None]

    phase: Mapped[TemplatePhase] = relationship(back_populates="criteria")

    __table_args__ = (UniqueConstraint("phase_id", "position"),)

    def __repr__(self) -> str:
        return f"<TemplateGateCriterion {self.text!r}>"
