"""A programme's data stamp: a hash that moves whenever anything a dashboard or report
shows changes, so kept figures and drafts can be reused until it moves.

It is SHA-256 over one round trip of cheap aggregates:
- the highest audit event id, report publications aside: every service change records
  one;
- the count and highest id of the responses to the programme's waves (answering a
  survey is anonymous and so not audited);
- the count, highest id and summed versions of the programme's feedback entries and
  their follow-ups, and the summed versions of the programme, its KPIs and their
  checkpoints (edits that bump a version column);
- the code stamp: a hash of the report templates, report.css, the report and chart
  modules, so a deployment that changes how reports look does not serve stale drafts.
"""

import hashlib
from functools import cache

from sqlalchemy import Integer, bindparam, func, select

from transform.config import PROJECT_ROOT
from transform.extensions import db
from transform.models import (
    AuditEvent,
    Checkpoint,
    FeedbackEntry,
    FollowUp,
    Kpi,
    Programme,
    Response,
    Wave,
)


def data_stamp(programme_id: int) -> str:
    """SHA-256 over aggregates that change whenever the programme's data changes."""
    row = db.session.execute(_data_stamp_query(), {"programme_id": programme_id}).one()
    text = "|".join(str(value) for value in (*row, code_stamp()))
    return hashlib.sha256(text.encode()).hexdigest()


@cache
def _data_stamp_query():
    """Built once: every dashboard view asks for the stamp, and building is the slow part."""
    programme_id = bindparam("programme_id", type_=Integer)
    waves = select(Wave.id).where(Wave.programme_id == programme_id)
    entries = select(FeedbackEntry.id).where(FeedbackEntry.programme_id == programme_id)
    kpis = select(Kpi.id).where(Kpi.programme_id == programme_id)
    responses = Response.wave_id.in_(waves)
    own_entries = FeedbackEntry.programme_id == programme_id
    follow_ups = FollowUp.entry_id.in_(entries)
    checkpoints = Checkpoint.kpi_id.in_(kpis)
    own_kpis = Kpi.programme_id == programme_id
    figures = [
        select(func.max(AuditEvent.id)).where(AuditEvent.action.not_like("report.%")),
        select(func.count(Response.id)).where(responses),
        select(func.max(Response.id)).where(responses),
        select(func.count(FeedbackEntry.id)).where(own_entries),
        select(func.max(FeedbackEntry.id)).where(own_entries),
        select(func.sum(FeedbackEntry.version)).where(own_entries),
        select(func.count(FollowUp.id)).where(follow_ups),
        select(func.sum(FollowUp.version)).where(follow_ups),
        select(Programme.version).where(Programme.id == programme_id),
        select(func.count(Kpi.id)).where(own_kpis),
        select(func.sum(Kpi.version)).where(own_kpis),
        select(func.count(Checkpoint.id)).where(checkpoints),
        select(func.sum(Checkpoint.version)).where(checkpoints),
    ]
    return select(*(query.scalar_subquery() for query in figures))


@cache
def code_stamp() -> str:
    """A hash of what decides how reports look, computed once per process."""
    digest = hashlib.sha256()
    paths = sorted(
        [
            *(PROJECT_ROOT / "templates" / "reports").rglob("*.html"),
            *(PROJECT_ROOT / "transform" / "reports").glob("*.py"),
            *(PROJECT_ROOT / "transform" / "charts").glob("*.py"),
            PROJECT_ROOT / "transform" / "formatting.py",
            PROJECT_ROOT / "static" / "css" / "report.css",
        ]
    )
    for path in paths:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
