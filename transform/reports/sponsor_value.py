"""The value section of the sponsor progress report: the benefits register as it stood on
the report's date.

As of the date, an initiative counts once created by the end of that day, at the stage
its last stage move by then left it (L0 before any move). A value entry counts once
entered by the end of the day, at the amount it held then: an amount changed after the
date shows at its earlier figure (the entry's superseded amounts). An actual counts as
confirmed only if finance confirmed it by then. "To date" sums the months on or before
the date; the pipeline, the gap to the target and the value at risk take every month
entered by then.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from transform.benefits.queries import (
    EntryAsOf,
    amounts,
    entries_as_of,
    latest_adoption,
    people_beside_value,
)
from transform.extensions import db
from transform.models import Initiative, InitiativeStage, Programme, ValueEntry, ValueKind
from transform.scoring.benefits import expected_net, totals
from transform.templating import format_money


@dataclass(frozen=True)
class StageValue:
    label: str
    count: int
    #: Forecast net once an initiative has a forecast, else its planned net.
    expected: float


@dataclass(frozen=True)
class Awaiting:
    title: str
    detail: str


@dataclass(frozen=True)
class ValueSection:
    currency: str
    pipeline: list[StageValue]
    planned_to_date: float
    forecast_to_date: float
    actual_to_date: float
    expected: float
    target: float | None
    at_risk: float
    #: Initiatives with a value-at-risk figure (a team of theirs shown in the wave).
    at_risk_counted: int
    wave_name: str | None
    awaiting: list[Awaiting]

    @property
    def initiatives(self) -> int:
        return sum(stage.count for stage in self.pipeline)

    @property
    def gap(self) -> float | None:
        """How far the expected net value falls short of the target (negative: beyond it)."""
        return None if self.target is None else self.target - self.expected


def value_section(programme: Programme, as_of: date) -> ValueSection:
    """The pipeline, value to date against plan and target, value at risk and the value
    decisions waiting, as of the date."""
    end = datetime.combine(as_of, time.max)
    initiatives = db.session.scalars(
        select(Initiative)
        .options(selectinload(Initiative.entries).selectinload(ValueEntry.superseded))
        .options(selectinload(Initiative.moves))
        .options(selectinload(Initiative.teams))
        .where(Initiative.programme_id == programme.id, Initiative.created_at <= end)
        .order_by(Initiative.name, Initiative.id)
    ).all()
    latest = latest_adoption(programme, as_of) if initiatives else None
    by_stage: dict[InitiativeStage, list[float]] = {stage: [] for stage in InitiativeStage}
    to_date: list = []
    at_risk, counted, awaiting = 0.0, 0, []
    for initiative in initiatives:
        stage = _stage_on(initiative, end)
        entries = entries_as_of(initiative.entries, end)
        values = amounts(entries)
        by_stage[stage].append(expected_net(values))
        to_date += [value for value in values if value.month <= as_of]
        risk = people_beside_value(initiative, latest, entries).risk.value
        if risk is not None:
            at_risk += risk
            counted += 1
        if stage == InitiativeStage.L4:
            awaiting += _awaiting(initiative, entries, end, programme.currency)
    return ValueSection(
        currency=programme.currency,
        pipeline=[
            StageValue(stage.label, len(by_stage[stage]), sum(by_stage[stage]))
            for stage in InitiativeStage
        ],
        planned_to_date=totals(to_date, "planned").net,
        forecast_to_date=totals(to_date, "forecast").net,
        actual_to_date=totals(to_date, "actual").net,
        expected=sum(sum(values) for values in by_stage.values()),
        target=programme.value_target,
        at_risk=at_risk,
        at_risk_counted=counted,
        wave_name=latest.wave.name if latest and latest.wave else None,
        awaiting=awaiting,
    )


def _stage_on(initiative: Initiative, end: datetime) -> InitiativeStage:
    moves = [move for move in initiative.moves if move.decided_at <= end]
    return moves[-1].to_stage if moves else InitiativeStage.L0


def _awaiting(
    initiative: Initiative, entries: list[EntryAsOf], end: datetime, currency: str
) -> list[Awaiting]:
    """At L4 the next decision is finance's: confirm the actuals, then sign off L5."""
    actuals = [e for e in entries if e.kind == ValueKind.ACTUAL]
    pending = [e for e in actuals if e.confirmed_at is None or e.confirmed_at > end]
    if pending:
        net = totals(amounts(pending), "actual").net
        months = f"{min(e.month for e in pending):%b %Y}–{max(e.month for e in pending):%b %Y}"
        return [
            Awaiting(
                f"Finance sign-off of actuals: {initiative.name}",
                f"{len(pending)} actual{'s' * (len(pending) != 1)} ({months}, net "
                f"{format_money(net, currency)}) not yet confirmed by a finance approver; "
                "L5 waits for every actual to be confirmed.",
            )
        ]
    if actuals:
        return [
            Awaiting(
                f"L5 sign-off: {initiative.name}",
                "Every actual is confirmed; a finance approver can sign the value off as "
                "realised.",
            )
        ]
    return []
