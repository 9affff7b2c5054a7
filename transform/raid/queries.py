"""Read models for the RAID log: the filtered list, the severity × likelihood grid, how a
score reads, and the log as it stood at the end of a day, rebuilt from the audit trail.

Every change to an item leaves an audit event with the audited fields before and after
(raid.service). Starting from each item's current values and undoing, newest first, the
changes made after the day gives the item as it stood then; items raised after the day
are left out. A report for a past date reads these, so closing or re-scoring an item
later does not change what that report says.
"""

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from transform.clock import end_of_day
from transform.extensions import db
from transform.models import (
    AuditEvent,
    Phase,
    RaidItem,
    RaidKind,
    RaidStatus,
    User,
)
from transform.raid.service import AUDITED_FIELDS

#: Scores from here up are high: the overview, the reports and the heat map agree.
HIGH_RISK_SCORE = 12
#: Scores from here up are medium.
MEDIUM_RISK_SCORE = 5


def score_band(score: int) -> str:
    """The heat-map band of a severity × likelihood score: low, medium or high."""
    if score >= HIGH_RISK_SCORE:
        return "high"
    if score >= MEDIUM_RISK_SCORE:
        return "medium"
    return "low"


SEVERITY_LABELS = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}
LIKELIHOOD_LABELS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
#: The status filter value that means "open or mitigating", i.e. not closed.
STATUS_ACTIVE = "active"


@dataclass(frozen=True)
class RaidFilters:
    """What the list is narrowed to; None means no narrowing on that attribute."""

    kind: RaidKind | None = None
    #: A RaidStatus value, or STATUS_ACTIVE for everything not closed.
    status: str | None = None
    owner_id: int | None = None
    phase_id: int | None = None
    severity: int | None = None
    likelihood: int | None = None

    @property
    def has_cell(self) -> bool:
        return self.severity is not None and self.likelihood is not None

    @property
    def is_empty(self) -> bool:
        return all(value is None for value in asdict(self).values())

    def query_args(self) -> dict:
        """The filters as query-string arguments for url_for, leaving out the unset ones."""
        return {name: str(value) for name, value in asdict(self).items() if value is not None}

    def for_cell(self, severity: int, likelihood: int) -> "RaidFilters":
        """These filters narrowed to one grid cell, counting only items not closed."""
        return replace(self, severity=severity, likelihood=likelihood, status=STATUS_ACTIVE)

    def without_cell(self) -> "RaidFilters":
        return replace(self, severity=None, likelihood=None)


@dataclass(frozen=True)
class RaidRow:
    item: RaidItem
    is_overdue: bool

    @property
    def band(self) -> str:
        return score_band(self.item.score)


@dataclass(frozen=True)
class GridCell:
    severity: int
    likelihood: int
    count: int

    @property
    def score(self) -> int:
        return self.severity * self.likelihood

    @property
    def band(self) -> str:
        return score_band(self.score)


@dataclass(frozen=True)
class GridRow:
    severity: int
    label: str
    cells: list[GridCell]


@dataclass(frozen=True)
class RiskGrid:
    """Counts of items not closed per severity (rows, 5 first) and likelihood (columns)."""

    rows: list[GridRow]

    @property
    def columns(self) -> list[tuple[int, str]]:
        return list(LIKELIHOOD_LABELS.items())

    @property
    def total(self) -> int:
        return sum(cell.count for row in self.rows for cell in row.cells)


@dataclass(frozen=True)
class RaidLog:
    rows: list[RaidRow]
    grid: RiskGrid

    @property
    def overdue(self) -> int:
        return sum(row.is_overdue for row in self.rows)


def raid_log(programme_id: int, filters: RaidFilters, today: date) -> RaidLog:
    """The programme's items matching the filters, and the grid for the same filters.

    Items past their due date and not closed on `today` are overdue. The grid counts
    items not closed, whatever the status and cell filters, so each cell's link
    (which narrows to "not closed" and that cell) lists exactly the items it counts.
    """
    is_open = RaidItem.status != RaidStatus.CLOSED
    conditions = [RaidItem.programme_id == programme_id, *_attribute_conditions(filters)]
    items = db.session.scalars(
        select(RaidItem)
        .options(joinedload(RaidItem.owner), joinedload(RaidItem.phase))
        .where(*conditions, *_status_and_cell_conditions(filters))
        .order_by(
            case((is_open, 0), else_=1),
            (RaidItem.severity * RaidItem.likelihood).desc(),
            RaidItem.due_on.is_(None),
            RaidItem.due_on,
            RaidItem.id,
        )
    ).all()
    rows = [
        RaidRow(
            item,
            is_overdue=item.status != RaidStatus.CLOSED
            and item.due_on is not None
            and item.due_on < today,
        )
        for item in items
    ]
    counts = db.session.execute(
        select(RaidItem.severity, RaidItem.likelihood, func.count(RaidItem.id))
        .where(*conditions, is_open)
        .group_by(RaidItem.severity, RaidItem.likelihood)
    ).all()
    return RaidLog(rows=rows, grid=_grid({(s, lk): n for s, lk, n in counts}))


def _attribute_conditions(filters: RaidFilters) -> list:
    conditions = []
    if filters.kind is not None:
        conditions.append(RaidItem.kind == filters.kind)
    if filters.owner_id is not None:
        conditions.append(RaidItem.owner_id == filters.owner_id)
    if filters.phase_id is not None:
        conditions.append(RaidItem.phase_id == filters.phase_id)
    return conditions


def _status_and_cell_conditions(filters: RaidFilters) -> list:
    conditions = []
    if filters.status == STATUS_ACTIVE:
        conditions.append(RaidItem.status != RaidStatus.CLOSED)
    elif filters.status is not None:
        conditions.append(RaidItem.status == RaidStatus(filters.status))
    if filters.severity is not None:
        conditions.append(RaidItem.severity == filters.severity)
    if filters.likelihood is not None:
        conditions.append(RaidItem.likelihood == filters.likelihood)
    return conditions


def _grid(counts: dict[tuple[int, int], int]) -> RiskGrid:
    return RiskGrid(
        rows=[
            GridRow(
                severity=severity,
                label=SEVERITY_LABELS[severity],
                cells=[
                    GridCell(severity, likelihood, counts.get((severity, likelihood), 0))
                    for likelihood in LIKELIHOOD_LABELS
                ],
            )
            for severity in sorted(SEVERITY_LABELS, reverse=True)
        ]
    )


def find_item(programme_id: int, item_id: int) -> RaidItem | None:
    """The item if it belongs to the programme; None for an item of another programme."""
    return db.session.scalar(
        select(RaidItem).where(RaidItem.id == item_id, RaidItem.programme_id == programme_id)
    )


def phases_for_choice(programme_id: int) -> list[Phase]:
    return list(
        db.session.scalars(
            select(Phase).where(Phase.programme_id == programme_id).order_by(Phase.position)
        )
    )


@dataclass(frozen=True)
class RaidItemAsOf:
    """A RAID item's values at the end of a day, under the names RaidItem uses."""

    id: int
    kind: RaidKind
    title: str
    description: str
    phase_id: int | None
    phase: Phase | None
    owner: User | None
    severity: int
    likelihood: int
    status: RaidStatus
    due_on: date | None
    created_at: datetime
    recommendation: str | None = None

    @property
    def score(self) -> int:
        return self.severity * self.likelihood

    @property
    def is_open(self) -> bool:
        return self.status != RaidStatus.CLOSED

    def is_overdue(self, on: date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < on

    @property
    def log_order(self) -> tuple:
        """The RAID log's order: open first, highest score, soonest due, then raised."""
        return (
            not self.is_open,
            -self.score,
            self.due_on is None,
            self.due_on or date.min,
            self.id,
        )


def raid_items_as_of(programme_id: int, as_of: date) -> list[RaidItemAsOf]:
    """The programme's items raised by the day, each as it stood at its end, by id."""
    cutoff = end_of_day(as_of)
    items = db.session.scalars(
        select(RaidItem)
        .options(joinedload(RaidItem.owner), joinedload(RaidItem.phase))
        .where(RaidItem.programme_id == programme_id, RaidItem.created_at < cutoff)
        .order_by(RaidItem.id)
    ).all()
    values = {item.id: _current(item) for item in items}
    later = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.programme_id == programme_id,
            AuditEvent.entity == RaidItem.__tablename__,
            AuditEvent.at >= cutoff,
            AuditEvent.entity_id.in_(list(values)),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).all()
    for event in later:
        values[event.entity_id].update(_read(event.before or {}))
    people = _by_id(User, {v["owner_id"] for v in values.values()})
    phases = _by_id(Phase, {v["phase_id"] for v in values.values()})
    return [
        RaidItemAsOf(
            id=item.id,
            kind=values[item.id]["kind"],
            title=values[item.id]["title"],
            description=values[item.id]["description"],
            phase_id=values[item.id]["phase_id"],
            phase=phases.get(values[item.id]["phase_id"]),
            owner=people.get(values[item.id]["owner_id"]),
            severity=values[item.id]["severity"],
            likelihood=values[item.id]["likelihood"],
            status=values[item.id]["status"],
            due_on=values[item.id]["due_on"],
            created_at=item.created_at,
            recommendation=values[item.id]["recommendation"],
        )
        for item in items
    ]


_FIELDS = AUDITED_FIELDS
#: How the audit trail's JSON values read back.
_READERS = {
    "kind": RaidKind,
    "status": RaidStatus,
    "due_on": lambda value: None if value is None else date.fromisoformat(value),
}


def _current(item: RaidItem) -> dict:
    return {name: getattr(item, name) for name in _FIELDS}


def _read(before: dict) -> dict:
    return {
        name: _READERS.get(name, lambda value: value)(value)
        for name, value in before.items()
        if name in _FIELDS
    }


def _by_id(model, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}
