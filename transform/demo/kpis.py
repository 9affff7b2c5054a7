"""Demo KPIs from the seed library, with monthly checkpoints planned and, so far, measured."""

import random
from dataclasses import dataclass
from datetime import date, datetime

from transform.demo.dates import month_ends_between
from transform.extensions import db
from transform.models import Checkpoint, Kpi, Programme, User
from transform.seeds import KpiDefinition, kpi_definition


@dataclass(frozen=True)
class KpiPlan:
    key: str
    baseline: float
    target: float
    #: Actual progress as a multiple of planned progress: above 1 is ahead of plan.
    pace: float
    owner: User
    #: Benefits that only follow a transition: planned progress stays at zero until then.
    benefits_from: date | None = None
    #: Month-to-month measurement noise, as a share of the baseline-to-target distance.
    noise: float = 0.02


def add_kpis(
    programme: Programme,
    plans: tuple[KpiPlan, ...],
    today: date,
    rng: random.Random,
    locked_at: datetime | None = None,
) -> list[Kpi]:
    """Add the KPIs, baselined at the programme start and targeted at its end."""
    kpis = []
    for plan in plans:
        definition = kpi_definition(plan.key)
        kpi = Kpi(
            programme_id=programme.id,
            owner_id=plan.owner.id,
            name=definition.name,
            description=definition.description,
            unit=definition.unit,
            direction=definition.direction,
            perspective=definition.perspective,
            baseline_value=plan.baseline,
            baseline_on=programme.starts_on,
            target_value=plan.target,
            target_on=programme.ends_on,
            min_value=definition.min_value,
            max_value=definition.max_value,
            locked_at=locked_at,
        )
        kpi.checkpoints = _checkpoints(kpi, plan, definition, today, rng)
        kpis.append(kpi)
    db.session.add_all(kpis)
    db.session.flush()
    return kpis


def _checkpoints(
    kpi: Kpi, plan: KpiPlan, definition: KpiDefinition, today: date, rng: random.Random
) -> list[Checkpoint]:
    decimals = 2 if definition.unit == "EUR" else 1
    checkpoints = []
    for day in month_ends_between(kpi.baseline_on, kpi.target_on):
        planned = _value(plan, definition, _planned_progress(kpi, plan, day), decimals)
        actual = None
        if day < today:
            progress = plan.pace * _planned_progress(kpi, plan, day)
            actual = _value(plan, definition, progress + rng.gauss(0, plan.noise), decimals)
        checkpoints.append(
            Checkpoint(
                on_date=day,
                planned_value=planned,
                actual_value=actual,
                locked_planned_value=planned if kpi.locked_at else None,
            )
        )
    return checkpoints


def _planned_progress(kpi: Kpi, plan: KpiPlan, day: date) -> float:
    """Share of the baseline-to-target distance planned by the day: a straight line."""
    start = plan.benefits_from or kpi.baseline_on
    if day <= start:
        return 0.0
    return min(1.0, (day - start).days / (kpi.target_on - start).days)


def _value(plan: KpiPlan, definition: KpiDefinition, progress: float, decimals: int) -> float:
    value = plan.baseline + progress * (plan.target - plan.baseline)
    if definition.min_value is not None:
        value = max(definition.min_value, value)
    if definition.max_value is not None:
        value = min(definition.max_value, value)
    return round(value, decimals)
