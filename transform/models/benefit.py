"""Benefits realisation: initiatives of a programme, their stage decisions and value series.

An initiative climbs the L-stages one at a time (L0 idea … L5 realised and signed off);
each move is a decision with who, when and why. Its value is a set of monthly entries,
each of one type (a saving, a revenue, a cost to achieve …) and one kind (planned,
forecast, actual), in the programme's currency.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from transform.models.base import Base, enum_column, utcnow
from transform.models.phase import IllegalTransition


class InitiativeStage(enum.StrEnum):
    """The L-gates of benefits tracking; the string order is the stage order."""

    L0 = "L0"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"
    L5 = "L5"

    @property
    def label(self) -> str:
        return f"{self.value} {STAGE_NAMES[self]}"

    @property
    def index(self) -> int:
        return int(self.value[1])

    @property
    def following(self) -> "InitiativeStage":
        """The next stage up (L5 for L5 itself)."""
        return InitiativeStage(f"L{min(self.index + 1, 5)}")

    @property
    def plan_is_locked(self) -> bool:
        """From L3 the plan is the baseline: changing it is a re-baseline with a reason."""
        return self.index >= 3

    @property
    def takes_forecast(self) -> bool:
        return self.index >= 3

    @property
    def takes_actuals(self) -> bool:
        return self.index >= 4


STAGE_NAMES = {
    InitiativeStage.L0: "Idea",
    InitiativeStage.L1: "Validated",
    InitiativeStage.L2: "Planned",
    InitiativeStage.L3: "Approved to execute",
    InitiativeStage.L4: "Implemented",
    InitiativeStage.L5: "Realised, signed off",
}


class ValueType(enum.StrEnum):
    #: The month's saving at the run-rate reached that month.
    RECURRING_SAVING = "recurring_saving"
    ONE_OFF_SAVING = "one_off_saving"
    REVENUE = "revenue"
    COST_AVOIDANCE = "cost_avoidance"
    #: What it costs to deliver the initiative; entered positive, subtracted in net value.
    COST_TO_ACHIEVE = "cost_to_achieve"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_cost(self) -> bool:
        return self == ValueType.COST_TO_ACHIEVE


class ValueKind(enum.StrEnum):
    PLANNED = "planned"
    FORECAST = "forecast"
    ACTUAL = "actual"

    @property
    def label(self) -> str:
        return self.value.capitalize()


initiative_team = Table(
    "initiative_team",
    Base.metadata,
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
)


class Initiative(Base):
    __tablename__ = "initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: A free-text grouping the PMO filters by (e.g. "Procurement").
    workstream: Mapped[str] = mapped_column(String(80), default="")
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("phase.id", ondelete="SET NULL"))
    stage: Mapped[InitiativeStage] = mapped_column(
        enum_column(InitiativeStage, "initiative_stage"), default=InitiativeStage.L0
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)
    #: When the row last changed (transform.clock): what `updated_since` filters on.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programme: Mapped["Programme"] = relationship()  # noqa: F821
    owner: Mapped["User | None"] = relationship()  # noqa: F821
    phase: Mapped["Phase | None"] = relationship()  # noqa: F821
    teams: Mapped[list["Team"]] = relationship(  # noqa: F821
        secondary=initiative_team, order_by="Team.name"
    )
    moves: Mapped[list["StageMove"]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        order_by="(StageMove.decided_at, StageMove.id)",
    )
    entries: Mapped[list["ValueEntry"]] = relationship(
        back_populates="initiative", cascade="all, delete-orphan", order_by="ValueEntry.month"
    )
    rebaselines: Mapped[list["ValueRebaseline"]] = relationship(
        back_populates="initiative",
        cascade="all, delete-orphan",
        order_by="ValueRebaseline.changed_at",
    )

    __mapper_args__ = {"version_id_col": version}

    def move_to(self, stage: InitiativeStage, by_id: int | None, reason: str) -> "StageMove":
        """Move one stage forward, or back with a reason; refuse a skip or a stay."""
        reason = reason.strip()
        if stage == self.stage:
            raise IllegalTransition(f"The initiative is already at {stage.label}.")
        if stage.index > self.stage.index + 1:
            raise IllegalTransition(
                f"An initiative cannot skip a stage: from {self.stage.value} the next "
                f"stage is {self.stage.following.label}."
            )
        if stage.index < self.stage.index and not reason:
            raise IllegalTransition("Say why the initiative goes back a stage.")
        move = StageMove(from_stage=self.stage, to_stage=stage, decided_by_id=by_id, reason=reason)
        self.moves.append(move)
        self.stage = stage
        return move

    def __repr__(self) -> str:
        return f"<Initiative {self.id} {self.stage} {self.name!r}>"


class StageMove(Base):
    """A decision moving an initiative between stages: who, when and why."""

    __tablename__ = "initiative_stage_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[InitiativeStage] = mapped_column(
        enum_column(InitiativeStage, "stage_move_from")
    )
    to_stage: Mapped[InitiativeStage] = mapped_column(
        enum_column(InitiativeStage, "stage_move_to")
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")

    initiative: Mapped[Initiative] = relationship(back_populates="moves")
    decided_by: Mapped["User | None"] = relationship()  # noqa: F821

    __table_args__ = (
        # Going back needs a reason; "L0" < "L1" < … as strings.
        CheckConstraint("to_stage > from_stage OR length(reason) > 0", name="back_with_reason"),
    )

    @property
    def is_back(self) -> bool:
        return self.to_stage.index < self.from_stage.index

    def __repr__(self) -> str:
        return f"<StageMove {self.initiative_id} {self.from_stage}->{self.to_stage}>"


class ValueEntry(Base):
    """One month's amount of one value type and kind for an initiative."""

    __tablename__ = "value_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ValueKind] = mapped_column(enum_column(ValueKind, "value_kind"))
    value_type: Mapped[ValueType] = mapped_column(enum_column(ValueType, "value_type"))
    #: The first day of the month the amount belongs to.
    month: Mapped[date]
    #: In the programme's currency; never negative (costs are a type, not a sign).
    amount: Mapped[float]
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when a finance approver confirms an actual; a confirmed actual is final.
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    initiative: Mapped[Initiative] = relationship(back_populates="entries")
    confirmed_by: Mapped["User | None"] = relationship(  # noqa: F821
        foreign_keys=[confirmed_by_id]
    )
    #: The amounts this entry held before its current one, oldest first.
    superseded: Mapped[list["SupersededAmount"]] = relationship(
        back_populates="entry",
        cascade="all, delete-orphan",
        order_by="SupersededAmount.entered_at, SupersededAmount.id",
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("initiative_id", "kind", "value_type", "month"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def __repr__(self) -> str:
        return f"<ValueEntry {self.initiative_id} {self.kind} {self.value_type} {self.month}>"


class SupersededAmount(Base):
    """An amount a value entry held until it was changed, with when and by whom it had
    been entered: what a report as of an earlier day shows instead of the current one."""

    __tablename__ = "superseded_amount"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("value_entry.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[float]
    entered_at: Mapped[datetime]
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    entry: Mapped[ValueEntry] = relationship(back_populates="superseded")


class ValueRebaseline(Base):
    """A change to a locked plan (from L3), with its reason and the amounts before/after."""

    __tablename__ = "value_rebaseline"

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), index=True
    )
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)

    initiative: Mapped[Initiative] = relationship(back_populates="rebaselines")
    changed_by: Mapped["User | None"] = relationship()  # noqa: F821

    __table_args__ = (CheckConstraint("length(reason) > 0", name="reason_given"),)

    def __repr__(self) -> str:
        return f"<ValueRebaseline initiative={self.initiative_id} {self.changed_at}>"
