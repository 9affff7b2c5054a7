"""Phases of a programme with their activities, deliverables, evidence and stage gate."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, enum_column, utcnow


class PhaseStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class GateStatus(enum.StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"


class GateDecisionKind(enum.StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    DEFERRED = "deferred"


class GateCriterionKind(enum.StrEnum):
    """Checklist criteria are ticked by people; the others are evaluated from data."""

    CHECKLIST = "checklist"
    NO_EARLY_BARRIER = "no_early_barrier"
    READINESS_MINIMUM = "readiness_minimum"
    RESPONSE_MINIMUM = "response_minimum"
    KPI_ON_TRACK = "kpi_on_track"


class IllegalTransition(ValueError):
    """A life-cycle move that the current state does not allow."""


class Phase(Base):
    __tablename__ = "phase"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    planned_start: Mapped[date]
    planned_end: Mapped[date]
    actual_start: Mapped[date | None]
    actual_end: Mapped[date | None]
    status: Mapped[PhaseStatus] = mapped_column(
        enum_column(PhaseStatus, "phase_status"), default=PhaseStatus.NOT_STARTED
    )
    version: Mapped[int] = mapped_column(default=1)
    #: When the row last changed (transform.clock): what `updated_since` filters on.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programme: Mapped["Programme"] = relationship(back_populates="phases")  # noqa: F821
    owner: Mapped["User | None"] = relationship()  # noqa: F821
    activities: Mapped[list["Activity"]] = relationship(
        back_populates="phase", cascade="all, delete-orphan", order_by="Activity.position"
    )
    gate: Mapped["Gate | None"] = relationship(
        back_populates="phase", cascade="all, delete-orphan", uselist=False
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("programme_id", "position"),
        CheckConstraint("planned_end >= planned_start", name="planned_dates_ordered"),
        CheckConstraint(
            "actual_end IS NULL OR (actual_start IS NOT NULL AND actual_end >= actual_start)",
            name="actual_dates_ordered",
        ),
    )

    def start(self, on: date) -> None:
        """Mark the phase in progress from `on`; a complete phase does not restart."""
        if self.status == PhaseStatus.COMPLETE:
            raise IllegalTransition("A complete phase cannot be restarted.")
        self.status = PhaseStatus.IN_PROGRESS
        self.actual_start = self.actual_start or on

    def complete(self, on: date) -> None:
        """Close the phase on `on`; only once its stage gate is approved."""
        if self.gate is not None and self.gate.status != GateStatus.APPROVED:
            raise IllegalTransition("The phase cannot be closed until its stage gate is approved.")
        self.status = PhaseStatus.COMPLETE
        self.actual_start = self.actual_start or on
        self.actual_end = self.actual_end or on

    def __repr__(self) -> str:
        return f"<Phase {self.id} {self.name!r} {self.status}>"


class Activity(Base):
    """An activity or, when is_deliverable, a deliverable of a phase."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phase.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    is_deliverable: Mapped[bool] = mapped_column(default=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    due_on: Mapped[date | None]
    done_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    phase: Mapped[Phase] = relationship(back_populates="activities")
    owner: Mapped["User | None"] = relationship()  # noqa: F821
    evidence: Mapped[list["Evidence"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="Evidence.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("phase_id", "position"),)

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.name!r}>"


class Evidence(Base):
    """A link or an uploaded file attached to an activity or deliverable."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    #: Name of the stored file under UPLOAD_FOLDER; never the uploader's file name.
    stored_name: Mapped[str | None] = mapped_column(String(100), unique=True)
    original_filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(120))
    size_bytes: Mapped[int | None]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    activity: Mapped[Activity] = relationship(back_populates="evidence")

    __table_args__ = (
        CheckConstraint("(url IS NULL) <> (stored_name IS NULL)", name="link_or_file"),
    )

    def __repr__(self) -> str:
        return f"<Evidence {self.id} {self.title!r}>"


class Gate(Base):
    """The stage gate that ends a phase: criteria, submission and a sponsor's decision."""

    __tablename__ = "gate"

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phase.id", ondelete="CASCADE"), unique=True)
    status: Mapped[GateStatus] = mapped_column(
        enum_column(GateStatus, "gate_status"), default=GateStatus.OPEN
    )
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: The option the PMO recommends to the sponsor when submitting, if any.
    recommendation: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(default=1)

    phase: Mapped[Phase] = relationship(back_populates="gate")
    criteria: Mapped[list["GateCriterion"]] = relationship(
        back_populates="gate", cascade="all, delete-orphan", order_by="GateCriterion.position"
    )
    decisions: Mapped[list["GateDecision"]] = relationship(
        back_populates="gate", cascade="all, delete-orphan", order_by="GateDecision.decided_at"
    )

    __mapper_args__ = {"version_id_col": version}

    def __init__(self, **kwargs):
        kwargs.setdefault("status", GateStatus.OPEN)
        super().__init__(**kwargs)

    def submit(self, by_user_id: int) -> None:
        """Put the gate before the sponsors: an open gate, or one deferred or rejected
        and reworked since."""
        if self.status not in (GateStatus.OPEN, GateStatus.DEFERRED, GateStatus.REJECTED):
            raise IllegalTransition(f"A {self.status} gate cannot be submitted.")
        self.status = GateStatus.SUBMITTED
        self.submitted_at = utcnow()
        self.submitted_by_id = by_user_id

    def decide(self, decision: GateDecisionKind, by_user_id: int, reason: str) -> "GateDecision":
        """Record a sponsor's decision on a submitted gate, keeping who, when and why."""
        if self.status != GateStatus.SUBMITTED:
            raise IllegalTransition("Only a submitted gate can be decided.")
        if not reason.strip():
            raise IllegalTransition("A decision needs a reason.")
        record = GateDecision(decision=decision, decided_by_id=by_user_id, reason=reason.strip())
        self.decisions.append(record)
        self.status = GateStatus(decision.value)
        return record

    def __repr__(self) -> str:
        return f"<Gate {self.id} phase={self.phase_id} {self.status}>"


class GateCriterion(Base):
    __tablename__ = "gate_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(300))
    kind: Mapped[GateCriterionKind] = mapped_column(
        enum_column(GateCriterionKind, "gate_criterion_kind"), default=GateCriterionKind.CHECKLIST
    )
    #: For a computed criterion, the figure it compares against.
    threshold: Mapped[float | None]
    #: For kpi_on_track, the KPI it watches.
    kpi_id: Mapped[int | None] = mapped_column(ForeignKey("kpi.id", ondelete="SET NULL"))
    #: For checklist criteria: ticked by the PMO.
    is_met: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)

    gate: Mapped[Gate] = relationship(back_populates="criteria")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("gate_id", "position"),
        CheckConstraint("kind <> 'kpi_on_track' OR kpi_id IS NOT NULL", name="kpi_named"),
    )

    def __repr__(self) -> str:
        return f"<GateCriterion {self.id} {self.kind} {self.text!r}>"


class GateDecision(Base):
    __tablename__ = "gate_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(ForeignKey("gate.id", ondelete="CASCADE"), index=True)
    decision: Mapped[GateDecisionKind] = mapped_column(
        enum_column(GateDecisionKind, "gate_decision_kind")
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)

    gate: Mapped[Gate] = relationship(back_populates="decisions")
    decided_by: Mapped["User | None"] = relationship()  # noqa: F821

    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason_given"),)

    def __repr__(self) -> str:
        return f"<GateDecision {self.decision} gate={self.gate_id}>"
