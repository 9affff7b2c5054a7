"""Draft reports cached by data stamp and fingerprint; published reports kept unchanged.

A report is keyed by (programme, kind, as-of date, team, wave). Serving one goes:

1. The programme's **data stamp** (transform.data_stamp), which moves whenever anything
   a report shows changes.
   A draft with the key and the current stamp is returned as it is (the fast path).
2. Otherwise the content is built and rendered to HTML; its SHA-256 is the report's
   **fingerprint**. A draft with the same fingerprint takes the new stamp; a published
   report with it lends its PDF to a new draft; only new HTML is rendered to PDF.

Publishing stores an unchanged copy of a draft, audited. Published rows are never
updated or deleted here; drafts beyond the latest few per key are pruned.
"""

import hashlib
import re
from datetime import date

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy import delete, func, select
from sqlalchemy.orm import defer, joinedload

from transform.audit import record_change, snapshot
from transform.data_stamp import data_stamp
from transform.extensions import db
from transform.models import (
    Programme,
    Report,
    ReportKind,
    Team,
    User,
    Wave,
    WebhookEvent,
    utcnow,
)
from transform.reports import registry
from transform.reports.commentary import Commentary
from transform.reports.content import ReportContent
from transform.webhooks_out import announce

#: Drafts kept per report key; older ones are pruned when a new one is stored.
DRAFTS_KEPT = 3
PUBLISHED_FIELDS = ("kind", "as_of", "team_id", "wave_id", "fingerprint", "page_count")


def report_pdf(
    kind: ReportKind,
    programme: Programme,
    as_of: date,
    team_id: int | None = None,
    wave_id: int | None = None,
    user: User | None = None,
) -> Report:
    """The draft report for the key: cached when the data is unchanged; flush only."""
    key = _Key(programme.id, kind, as_of, team_id, wave_id)
    stamp = _stamp(programme.id, kind, as_of)
    cached = db.session.scalars(
        key.drafts().where(Report.data_stamp == stamp).order_by(Report.id.desc()).limit(1)
    ).first()
    if cached is not None:
        return cached

    content = registry.build(kind, programme, as_of, team_id=team_id, wave_id=wave_id)
    html = report_html(content, programme, as_of)
    fingerprint = hashlib.sha256(html.encode()).hexdigest()
    same = db.session.scalars(
        key.rows()
        .where(Report.fingerprint == fingerprint)
        .order_by(Report.is_published, Report.id.desc())
        .limit(1)
    ).first()
    if same is not None and not same.is_published:
        same.data_stamp = stamp
        same.headline = content.headline
        db.session.flush()
        return same
    if same is not None:
        pdf, page_count = same.pdf, same.page_count
    else:
        pdf, page_count = _render(html)
    report = Report(
        programme_id=programme.id,
        kind=kind,
        team_id=team_id,
        wave_id=wave_id,
        as_of=as_of,
        fingerprint=fingerprint,
        data_stamp=stamp,
        pdf=pdf,
        page_count=page_count,
        created_by_id=user.id if user else None,
        is_published=False,
        headline=content.headline,
    )
    db.session.add(report)
    db.session.flush()
    _prune_drafts(key)
    return report


def publish(report: Report, user: User | None, commentary: Commentary | None = None) -> Report:
    """Keep a copy of the report in the programme's history; flush only.

    With the PMO's commentary (sponsor reports) the copy is rendered again with it, from
    the same data as of the same day; without, it is the draft unchanged.
    """
    pdf, page_count, fingerprint = report.pdf, report.page_count, report.fingerprint
    headline = report.headline
    if commentary is not None:
        programme = db.session.get(Programme, report.programme_id)
        content = registry.build(
            report.kind,
            programme,
            report.as_of,
            team_id=report.team_id,
            wave_id=report.wave_id,
            commentary=commentary,
        )
        html = report_html(content, programme, report.as_of)
        fingerprint = hashlib.sha256(html.encode()).hexdigest()
        pdf, page_count = _render(html)
        headline = content.headline
    copy = Report(
        programme_id=report.programme_id,
        kind=report.kind,
        team_id=report.team_id,
        wave_id=report.wave_id,
        as_of=report.as_of,
        fingerprint=fingerprint,
        data_stamp=report.data_stamp,
        pdf=pdf,
        page_count=page_count,
        created_by_id=user.id if user else None,
        is_published=True,
        published_at=utcnow(),
        headline=headline,
        commentary=commentary.as_json() if commentary is not None else None,
    )
    db.session.add(copy)
    db.session.flush()
    record_change(
        "report.published", copy, copy.programme_id, None, snapshot(copy, *PUBLISHED_FIELDS)
    )
    published = {"id": copy.id} | snapshot(copy, "kind", "as_of", "published_at")
    announce(copy.programme_id, WebhookEvent.REPORT_PUBLISHED, {"report": published})
    db.session.flush()
    return copy


def _render(html: str) -> tuple[bytes, int]:
    # WeasyPrint loads on the first render, not with the app.
    from transform.reports import render

    rendered = render.render_pdf(html)
    return rendered.pdf, rendered.page_count


def _stamp(programme_id: int, kind: ReportKind, as_of: date) -> str:
    """The data stamp; a sponsor report also changes with the published sponsor reports
    dated before it, the latest of which it compares with."""
    stamp = data_stamp(programme_id)
    if kind != ReportKind.SPONSOR_PROGRESS:
        return stamp
    latest = db.session.scalar(
        select(func.max(Report.id)).where(
            Report.programme_id == programme_id,
            Report.kind == kind,
            Report.is_published.is_(True),
            Report.as_of < as_of,
        )
    )
    return hashlib.sha256(f"{stamp}|{latest}".encode()).hexdigest()


def report_html(content: ReportContent, programme: Programme, as_of: date) -> str:
    """The report's HTML: the content template with the base template's context."""
    context = {
        **content.context,
        "programme": programme,
        "as_of": as_of,
        "report": content,
        "sections": content.sections,
        "svg_safe": svg_safe,
    }
    # A request of its own: the HTML is the same whoever asks, from the web or the CLI,
    # and url_for("static", ...) gives /static/..., which the fetcher serves.
    with current_app.test_request_context("/"):
        return render_template(content.template, **context)


def svg_safe(svg: str) -> Markup:
    """Mark a chart drawn by transform.charts as HTML; refuse anything else."""
    if not svg.lstrip().startswith("<svg"):
        raise ValueError("svg_safe takes an <svg> element from transform.charts")
    return Markup(svg)


def published_reports(programme: Programme) -> list[Report]:
    """The programme's report history, newest first."""
    return list(
        db.session.scalars(
            select(Report)
            .options(defer(Report.pdf), joinedload(Report.created_by))
            .where(Report.programme_id == programme.id, Report.is_published.is_(True))
            .order_by(Report.published_at.desc(), Report.id.desc())
        )
    )


def report_filename(programme: Programme, report: Report) -> str:
    """E.g. back-office-optimisation-sponsor-progress-2026-11-22.pdf."""
    parts = [_slug(programme.name), registry.REPORTS[report.kind].slug]
    if report.team_id is not None:
        parts.append(_slug(db.session.get(Team, report.team_id).name))
    if report.wave_id is not None:
        parts.append(_slug(db.session.get(Wave, report.wave_id).name))
    return f"{'-'.join(part for part in parts if part)}-{report.as_of.isoformat()}.pdf"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


def report_or_none(programme: Programme, report_id: int) -> Report | None:
    """A stored report of this programme, published or draft."""
    report = db.session.get(Report, report_id)
    return report if report is not None and report.programme_id == programme.id else None


class _Key:
    def __init__(self, programme_id, kind, as_of, team_id, wave_id):
        self.programme_id, self.kind, self.as_of = programme_id, kind, as_of
        self.team_id, self.wave_id = team_id, wave_id

    def rows(self):
        return select(Report).where(
            Report.programme_id == self.programme_id,
            Report.kind == self.kind,
            Report.as_of == self.as_of,
            Report.team_id.is_(None) if self.team_id is None else Report.team_id == self.team_id,
            Report.wave_id.is_(None) if self.wave_id is None else Report.wave_id == self.wave_id,
        )

    def drafts(self):
        return self.rows().where(Report.is_published.is_(False))


def _prune_drafts(key: _Key) -> None:
    drafts = key.drafts().with_only_columns(Report.id).order_by(Report.id.desc())
    stale = db.session.scalars(drafts.offset(DRAFTS_KEPT)).all()
    if stale:
        db.session.execute(
            delete(Report).where(Report.id.in_(stale)),
            execution_options={"synchronize_session": False},
        )
