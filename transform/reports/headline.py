"""The sponsor report's headline figures, and their change since the last published report.

Each sponsor report keeps its headline figures (Report.headline) as plain JSON. A new
report compares its own figures with those kept by the previous published sponsor report
(the latest published with an earlier as-of date), never with live data, so what a
sponsor reads as "since the last report" is what the last report said.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import defer

from transform.extensions import db
from transform.models import Report, ReportKind

RAG_RANK = {"green": 0, "amber": 1, "red": 2}
#: Published reports shown in the trend charts, the report itself included.
TREND_POINTS = 8


@dataclass(frozen=True)
class Headline:
    """What a sponsor reads first; None where there is no figure to show."""

    status: str
    phase: str | None
    phase_progress: int | None
    adoption_index: float | None
    #: n of the adoption index; 0 when the figure is withheld or missing.
    adoption_n: int
    kpis_on_track: int
    kpis_total: int
    high_risks: int

    def as_json(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: dict) -> "Headline":
        return cls(**{name: data.get(name) for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Change:
    label: str
    now: str
    #: "up", "down", "same", or "" when there is nothing to compare.
    arrow: str
    #: E.g. "+4 points", "was Amber", "first report".
    delta: str
    #: "better", "worse" or "" (no change, or nothing to compare).
    tone: str


@dataclass(frozen=True)
class Previous:
    report_id: int
    as_of: date
    headline: Headline


@dataclass(frozen=True)
class TrendPoint:
    as_of: date
    adoption_index: float | None
    kpis_on_track: int
    kpis_total: int


def previous_published(programme_id: int, as_of: date) -> Previous | None:
    """The latest published sponsor report dated before `as_of` that kept its figures."""
    report = db.session.scalars(
        _published(programme_id)
        .where(Report.as_of < as_of, Report.headline.is_not(None))
        .order_by(Report.as_of.desc(), Report.published_at.desc(), Report.id.desc())
        .limit(1)
    ).first()
    if report is None:
        return None
    return Previous(report.id, report.as_of, Headline.from_json(report.headline))


def trend(programme_id: int, as_of: date, current: Headline) -> list[TrendPoint]:
    """Headline figures of the published reports before `as_of`, one per date, then now."""
    reports = db.session.scalars(
        _published(programme_id)
        .where(Report.as_of < as_of, Report.headline.is_not(None))
        .order_by(Report.as_of.desc(), Report.published_at.desc(), Report.id.desc())
    ).all()
    by_date: dict[date, Headline] = {}
    for report in reports:
        by_date.setdefault(report.as_of, Headline.from_json(report.headline))
    dates = sorted(by_date)[-(TREND_POINTS - 1) :]
    points = [_point(day, by_date[day]) for day in dates]
    return [*points, _point(as_of, current)]


def changes(current: Headline, previous: Previous | None) -> list[Change]:
    """Each headline figure with its arrow and delta against the previous report."""
    before = previous.headline if previous else None
    return [
        _status_change(current, before),
        _phase_change(current, before),
        _number_change(
            "Adoption index",
            current.adoption_index,
            before and before.adoption_index,
            before,
            unit=" points",
        ),
        _number_change(
            "KPIs on track",
            current.kpis_on_track,
            before and before.kpis_on_track,
            before,
            shown=f"{current.kpis_on_track} of {current.kpis_total}",
        ),
        _number_change(
            "Open high RAID items",
            current.high_risks,
            before and before.high_risks,
            before,
            higher_is_better=False,
        ),
    ]


def _published(programme_id: int):
    return (
        select(Report)
        .options(defer(Report.pdf))
        .where(
            Report.programme_id == programme_id,
            Report.kind == ReportKind.SPONSOR_PROGRESS,
            Report.is_published.is_(True),
        )
    )


def _point(day: date, headline: Headline) -> TrendPoint:
    return TrendPoint(day, headline.adoption_index, headline.kpis_on_track, headline.kpis_total)


def _status_change(current: Headline, before: Headline | None) -> Change:
    now = current.status.capitalize()
    if before is None:
        return Change("Overall status", now, "", "first report", "")
    step = RAG_RANK[current.status] - RAG_RANK[before.status]
    if step == 0:
        return Change("Overall status", now, "same", "unchanged", "")
    return Change(
        "Overall status",
        now,
        "down" if step > 0 else "up",
        f"was {before.status.capitalize()}",
        "worse" if step > 0 else "better",
    )


def _phase_change(current: Headline, before: Headline | None) -> Change:
    label = "Phase progress"
    if current.phase is None:
        return Change(label, "—", "", "no phases yet", "")
    now = f"{current.phase_progress}% of {current.phase}"
    if before is None:
        return Change(label, now, "", "first report", "")
    if before.phase != current.phase:
        return Change(label, now, "up", f"new phase (was {before.phase or 'none'})", "")
    return _number_change(
        label, current.phase_progress, before.phase_progress, before, unit=" points", shown=now
    )


def _number_change(
    label: str,
    now: float | None,
    then: float | None,
    before: Headline | None,
    *,
    unit: str = "",
    shown: str | None = None,
    higher_is_better: bool = True,
) -> Change:
    text = shown or ("—" if now is None else f"{now:.0f}")
    if before is None:
        return Change(label, text, "", "first report", "")
    if now is None or then is None:
        return Change(label, text, "", "no figure to compare" if now is None else "none then", "")
    delta = round(now) - round(then)
    if delta == 0:
        return Change(label, text, "same", "unchanged", "")
    better = (delta > 0) == higher_is_better
    return Change(
        label,
        text,
        "up" if delta > 0 else "down",
        f"{delta:+d}{unit}",
        "better" if better else "worse",
    )
