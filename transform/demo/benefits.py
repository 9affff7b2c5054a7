"""The demo's benefits registers: initiatives of both programmes at several stages, with
plans, forecasts and actuals, and a finance approver in each programme."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from transform.demo.dates import add_months, at
from transform.demo.users import add_members
from transform.extensions import db
from transform.models import (
    Initiative,
    InitiativeStage,
    Programme,
    Role,
    Team,
    User,
    ValueEntry,
    ValueKind,
    ValueRebaseline,
    ValueType,
)

RECURRING, ONE_OFF = ValueType.RECURRING_SAVING, ValueType.ONE_OFF_SAVING
AVOIDANCE, REVENUE, COST = ValueType.COST_AVOIDANCE, ValueType.REVENUE, ValueType.COST_TO_ACHIEVE


@dataclass(frozen=True)
class Series:
    """An amount per month over months [first, last] counted from the programme's start."""

    kind: ValueKind
    value_type: ValueType
    first: int
    last: int
    amount: float


@dataclass(frozen=True)
class InitiativeSpec:
    name: str
    workstream: str
    stage: InitiativeStage
    teams: tuple[str, ...]
    description: str
    series: tuple[Series, ...] = ()
    #: Actuals confirmed by finance (the L5 ones must be).
    confirmed: bool = False
    #: (reason, value type, month index, planned amount before) of a re-baseline at L3+.
    rebaseline: tuple[str, ValueType, int, float] | None = None
    back: tuple[InitiativeStage, str] | None = field(default=None)


P, F, A = ValueKind.PLANNED, ValueKind.FORECAST, ValueKind.ACTUAL

BACKOFFICE = (
    InitiativeSpec(
        "Automated time capture and billing",
        "Billing",
        InitiativeStage.L4,
        ("Billing Operations",),
        "Time captured from calendars and documents, bills drafted overnight: fewer "
        "write-offs and a shorter lock-up.",
        (
            Series(P, COST, 0, 1, 30000),
            Series(P, RECURRING, 4, 13, 18000),
            Series(F, RECURRING, 4, 13, 16000),
            Series(A, COST, 0, 1, 34000),
            Series(A, RECURRING, 4, 7, 15000),
        ),
        rebaseline=(
            "Go-live moved two months after the vendor's upgrade slipped.",
            RECURRING,
            2,
            18000,
        ),
    ),
    InitiativeSpec(
        "Document production shared service",
        "Practice support",
        InitiativeStage.L3,
        ("Document Production", "Corporate Support"),
        "One pooled document production team for all practice groups, on one queue.",
        (
            Series(P, COST, 2, 4, 15000),
            Series(P, RECURRING, 7, 13, 12000),
            Series(F, RECURRING, 8, 13, 11000),
            Series(F, COST, 2, 5, 15000),
        ),
    ),
    InitiativeSpec(
        "E-discovery tooling for litigation support",
        "Practice support",
        InitiativeStage.L2,
        ("Litigation Support",),
        "Review platform replacing manual document review for disclosure.",
        (Series(P, COST, 6, 8, 20000), Series(P, AVOIDANCE, 9, 13, 16000)),
    ),
    InitiativeSpec(
        "Matter intake triage",
        "Intake",
        InitiativeStage.L1,
        ("Corporate Support",),
        "A single intake form and triage rota for new matters.",
        (Series(P, RECURRING, 8, 13, 4000),),
    ),
    InitiativeSpec(
        "Records storage consolidation",
        "Records",
        InitiativeStage.L5,
        (),
        "Off-site archive boxes reviewed, destroyed under policy or moved to one store.",
        (
            Series(P, ONE_OFF, 2, 2, 80000),
            Series(F, ONE_OFF, 2, 2, 85000),
            Series(A, ONE_OFF, 2, 2, 86500),
            Series(A, COST, 1, 1, 12000),
        ),
        confirmed=True,
    ),
    InitiativeSpec(
        "Drafting assistant for standard letters",
        "Practice support",
        InitiativeStage.L0,
        ("Litigation Support", "Corporate Support"),
        "An idea from the September feedback: templates filled from the matter record.",
    ),
)

OUTSOURCING = (
    InitiativeSpec(
        "Tier 1 chat to the provider",
        "Provider transition",
        InitiativeStage.L4,
        ("Tier 1 Chat",),
        "First-line chat handled by the provider at a per-contact price.",
        (
            Series(P, COST, 0, 1, 45000),
            Series(P, RECURRING, 2, 13, 38000),
            Series(F, RECURRING, 2, 13, 34000),
            Series(A, COST, 0, 1, 52000),
            Series(A, RECURRING, 2, 3, 29000),
        ),
    ),
    InitiativeSpec(
        "Tier 1 email to the provider",
        "Provider transition",
        InitiativeStage.L3,
        ("Tier 1 Email",),
        "First-line email in the provider's queue after the chat transition settles.",
        (
            Series(P, COST, 3, 4, 30000),
            Series(P, RECURRING, 6, 13, 26000),
            Series(F, RECURRING, 7, 13, 24000),
        ),
    ),
    InitiativeSpec(
        "Returns self-service portal",
        "In-house",
        InitiativeStage.L2,
        ("Returns & Refunds",),
        "Customers book returns online; agents handle exceptions only.",
        (Series(P, COST, 5, 6, 25000), Series(P, REVENUE, 8, 13, 6000)),
    ),
    InitiativeSpec(
        "Quality sampling by the provider",
        "In-house",
        InitiativeStage.L1,
        ("Quality & Training",),
        "Provider samples its own contacts; the in-house team audits the sample.",
        (Series(P, RECURRING, 9, 13, 3000),),
        back=(
            InitiativeStage.L1,
            "The contract does not yet cover self-sampling; back to validation.",
        ),
    ),
)


def add_benefits(
    backoffice: Programme, outsourcing: Programme, people: dict[str, User], today: date
) -> None:
    """Give both programmes a value target, a finance approver and a register."""
    teams = {team.name: team for team in db.session.scalars(select(Team))}
    for programme, specs, currency, target in (
        (backoffice, BACKOFFICE, "GBP", 1_200_000.0),
        (outsourcing, OUTSOURCING, "EUR", 1_500_000.0),
    ):
        programme.currency = currency
        programme.value_target = target
        add_members(programme, {people["finance"]: Role.FINANCE})
        for spec in specs:
            _initiative(programme, spec, teams, people, today)
    db.session.flush()


def _initiative(
    programme: Programme,
    spec: InitiativeSpec,
    teams: dict[str, Team],
    people: dict[str, User],
    today: date,
) -> Initiative:
    start = programme.starts_on.replace(day=1)
    initiative = Initiative(
        programme=programme,
        name=spec.name,
        description=spec.description,
        workstream=spec.workstream,
        stage=InitiativeStage.L0,
        owner=people["pmo"],
        teams=[teams[name] for name in spec.teams],
        created_at=at(programme.starts_on),
    )
    db.session.add(initiative)
    # Stage decisions spread over the programme so far, the last a week ago.
    climb = spec.stage.index + (1 if spec.back else 0)
    span = (today - programme.starts_on).days - 7
    decided = {}
    for step in range(1, climb + 1):
        stage = InitiativeStage(f"L{step}")
        decider = people["finance"] if stage == InitiativeStage.L5 else people["pmo"]
        move = initiative.move_to(stage, None, "")
        move.decided_by = decider
        move.decided_at = at(programme.starts_on + timedelta(days=span * step // climb), 11)
        decided[stage] = move.decided_at
    if spec.back:
        move = initiative.move_to(spec.back[0], None, spec.back[1])
        move.decided_by = people["pmo"]
        move.decided_at = at(today - timedelta(days=3), 15)
    for series in spec.series:
        for index in range(series.first, series.last + 1):
            month = add_months(start, index)
            if series.kind == ValueKind.ACTUAL and month >= today.replace(day=1):
                continue
            if month > programme.ends_on:
                continue
            confirmed = series.kind == ValueKind.ACTUAL and spec.confirmed
            initiative.entries.append(
                ValueEntry(
                    kind=series.kind,
                    value_type=series.value_type,
                    month=month,
                    amount=series.amount,
                    entered_at=_entered_at(
                        series.kind, month, initiative.created_at, decided, today
                    ),
                    confirmed_at=at(today - timedelta(days=10)) if confirmed else None,
                    confirmed_by=people["finance"] if confirmed else None,
                )
            )
    if spec.rebaseline:
        reason, value_type, index, before = spec.rebaseline
        initiative.rebaselines.append(
            ValueRebaseline(
                changed_by=people["pmo"],
                changed_at=at(today - timedelta(days=60)),
                reason=reason,
                before={
                    "month": add_months(start, index).isoformat(),
                    "type": value_type.value,
                    "amount": before,
                },
                after={
                    "month": add_months(start, index).isoformat(),
                    "type": value_type.value,
                    "amount": None,
                },
            )
        )
    return initiative


def _entered_at(
    kind: ValueKind, month: date, created: datetime, decided: dict, today: date
) -> datetime:
    """When the demo's entry was typed in: the plan with the initiative, the forecast at
    the approval to execute (L3), an actual early in the month after its own (by today)."""
    if kind == ValueKind.PLANNED:
        return created
    if kind == ValueKind.FORECAST:
        return decided.get(InitiativeStage.L3, created)
    return at(min(add_months(month, 1) + timedelta(days=4), today), 9)
