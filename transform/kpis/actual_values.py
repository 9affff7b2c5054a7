"""KPI actuals as the import and the API bring them: the rules every actual meets, and
the one writer of both.

`check_actual_values` checks actuals the API sends typed already, `stale_values` finds
those sent against a checkpoint version that has moved on, and `write_actuals` sets
checked actuals, whether they came from a file (see imports) or from the API.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from transform.audit import record_change
from transform.extensions import db
from transform.import_problems import PROBLEMS_LISTED, ImportRefused, Problem
from transform.models import Checkpoint, Kpi, Programme
from transform.scoring.kpi import value_problem
from transform.templating import format_date
from transform.validation import implausible_date

PERCENT_UNITS = frozenset({"%", "percent", "per cent", "pct"})


@dataclass(frozen=True)
class KpiSpec:
    """What checking an actual needs to know of a KPI."""

    id: int
    name: str
    unit: str
    baseline_on: date
    min_value: float | None
    max_value: float | None


@dataclass(frozen=True)
class Actual:
    """A checked actual: the KPI's actual value on a date; `line` is where it came from."""

    line: int
    kpi_id: int
    on_date: date
    value: float


@dataclass(frozen=True)
class ActualValue:
    """An actual as the API sends it: typed already, its KPI named by id. `line` is its
    position in the request; `version` the checkpoint's version the sender last read."""

    line: int
    kpi_id: int
    on_date: date
    value: float
    version: int | None = None


def check_actual_values(values: Sequence[ActualValue], kpis: Sequence[KpiSpec]) -> list[Actual]:
    """The actuals by the rules of a file's rows, or ImportRefused listing every problem,
    each at its value's line and field (kpi_id, on_date or value)."""
    by_id = {kpi.id: kpi for kpi in kpis}
    problems: list[Problem] = []
    actuals: list[Actual] = []
    first_line: dict[tuple[int, date], int] = {}
    for item in values:
        kpi = by_id.get(item.kpi_id)
        if kpi is None:
            message = f"{item.kpi_id} is not the id of a KPI of this programme."
            problems.append(Problem(message, item.line, "kpi_id"))
            continue
        found = len(problems)
        message = date_problem(item.on_date, kpi)
        if message is None:
            earlier = first_line.setdefault((kpi.id, item.on_date), item.line)
            if earlier != item.line:
                message = f"{kpi.name} on {format_date(item.on_date)} is also item {earlier}."
        if message:
            problems.append(Problem(message, item.line, "on_date"))
        problem = value_problem(item.value, kpi.min_value, kpi.max_value, kpi.unit)
        if problem:
            problems.append(Problem(f"{item.value:.12g} {problem}.", item.line, "value"))
        if len(problems) == found:
            actuals.append(Actual(item.line, kpi.id, item.on_date, item.value))
    if problems:
        raise ImportRefused(problems[:PROBLEMS_LISTED], len(problems))
    return actuals


def date_problem(on_date: date, kpi: KpiSpec) -> str | None:
    """Why the KPI takes no actual on that date, or None."""
    implausible = implausible_date(on_date)
    if implausible:
        return implausible
    if on_date >= kpi.baseline_on:
        return None
    return (
        f"{format_date(on_date)} is before the baseline date "
        f"{format_date(kpi.baseline_on)} of {kpi.name}."
    )


def is_percent_unit(unit: str) -> bool:
    return unit.strip().casefold() in PERCENT_UNITS


# The programme's KPIs


def programme_kpis(programme: Programme) -> list[Kpi]:
    """The programme's KPIs by name, as the import page and the template list them."""
    return list(
        db.session.scalars(
            select(Kpi).where(Kpi.programme_id == programme.id).order_by(Kpi.name, Kpi.id)
        )
    )


def kpis_with_checkpoints(programme: Programme) -> list[Kpi]:
    return list(
        db.session.scalars(
            select(Kpi)
            .where(Kpi.programme_id == programme.id)
            .options(selectinload(Kpi.checkpoints))
            .order_by(Kpi.id)
        )
    )


def kpi_specs(kpis: Sequence[Kpi]) -> list[KpiSpec]:
    return [KpiSpec(k.id, k.name, k.unit, k.baseline_on, k.min_value, k.max_value) for k in kpis]


# Writing the actuals


@dataclass(frozen=True)
class Replaced:
    """An actual the file changed: the KPI's name and unit, the date, old and new."""

    kpi_name: str
    unit: str
    on_date: date
    old: float
    new: float


@dataclass
class ImportSummary:
    imported: int = 0
    updated: int = 0
    created: int = 0
    unchanged: int = 0
    kpis_changed: int = 0
    replaced: list[Replaced] = field(default_factory=list)


def stale_values(values: Sequence[ActualValue], kpis: Sequence[Kpi]) -> list[Problem]:
    """The values sent with a checkpoint version that is not the checkpoint's current one
    (or for a checkpoint that does not exist): each changed since its sender read it."""
    existing = {(c.kpi_id, c.on_date): c for kpi in kpis for c in kpi.checkpoints}
    names = {kpi.id: kpi.name for kpi in kpis}
    problems = []
    for item in values:
        if item.version is None:
            continue
        checkpoint = existing.get((item.kpi_id, item.on_date))
        where = f"{names.get(item.kpi_id, item.kpi_id)} on {format_date(item.on_date)}"
        if checkpoint is None:
            message = f"{where} has no checkpoint to be at version {item.version}."
        elif checkpoint.version != item.version:
            message = (
                f"{where} is at version {checkpoint.version}, not {item.version}: "
                "it changed since it was read."
            )
        else:
            continue
        problems.append(Problem(message, item.line, "version"))
    return problems


def write_actuals(
    kpis: Sequence[Kpi], actuals: Sequence[Actual], via: str, source: dict
) -> ImportSummary:
    """Set checked actuals on the KPIs (loaded with their checkpoints), one audit event per
    KPI changed, with `source` added to its after-values; flush only."""
    by_id = {kpi.id: kpi for kpi in kpis}
    existing = {(c.kpi_id, c.on_date): c for kpi in kpis for c in kpi.checkpoints}
    summary = ImportSummary(imported=len(actuals))
    changes: dict[int, tuple[dict, dict]] = {}
    for actual in actuals:
        kpi = by_id[actual.kpi_id]
        checkpoint = existing.get((kpi.id, actual.on_date))
        old = checkpoint.actual_value if checkpoint else None
        if checkpoint is None:
            kpi.checkpoints.append(Checkpoint(on_date=actual.on_date, actual_value=actual.value))
            summary.created += 1
        elif old == actual.value:
            summary.unchanged += 1
            continue
        else:
            checkpoint.actual_value = actual.value
            summary.updated += 1
            if old is not None:
                summary.replaced.append(
                    Replaced(kpi.name, kpi.unit, actual.on_date, old, actual.value)
                )
        before, after = changes.setdefault(kpi.id, ({}, {}))
        before[actual.on_date.isoformat()] = old
        after[actual.on_date.isoformat()] = actual.value
    db.session.flush()
    for kpi_id, (before, after) in changes.items():
        kpi = by_id[kpi_id]
        record_change(
            "kpi.actuals_imported",
            kpi,
            kpi.programme_id,
            {"actuals": before},
            {"actuals": after, **source},
            via=via,
        )
    summary.kpis_changed = len(changes)
    db.session.flush()
    return summary
