"""The programme timeline chart, from phase summaries."""

from datetime import date

from markupsafe import Markup

from transform.charts import TimelineRow
from transform.charts import timeline_svg as draw_timeline
from transform.models import Programme
from transform.phases.queries import PhaseSummary


def timeline_svg(programme: Programme, summaries: list[PhaseSummary], today: date) -> Markup:
    """The phases as planned and actual bars, with gates and a today line, as inline SVG."""
    rows = [
        TimelineRow(
            label=s.phase.name,
            planned_start=s.phase.planned_start,
            planned_end=s.phase.planned_end,
            actual_start=_by(s.phase.actual_start, today),
            actual_end=_by(s.phase.actual_end, today),
            rag=s.schedule.rag.value,
            gate_status=s.gate_status.value if s.gate_status else None,
        )
        for s in summaries
    ]
    # The SVG is drawn by matplotlib, which escapes every text it writes.
    return Markup(draw_timeline(rows, today, f"Timeline of {programme.name}"))


def _by(day: date | None, today: date) -> date | None:
    """An actual date, if it had come by the chart's day."""
    return day if day is not None and day <= today else None
