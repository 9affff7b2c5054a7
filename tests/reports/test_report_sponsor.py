"""The sponsor progress report: its figures are the pages' figures, as of its date."""

import re
from datetime import date
from html import unescape

from flask import render_template
from sqlalchemy import select

from tests.factories import SUITE_DAY
from transform.extensions import db
from transform.formatting import format_value
from transform.indices.service import adkar_waves, wave_dashboard
from transform.kpis.queries import kpi_views
from transform.models import Gate, GateStatus, Phase
from transform.reports import sponsor
from transform.scoring.kpi import Status

TODAY = SUITE_DAY
BACKOFFICE = "Back-office optimisation"


def _html(app, programme, as_of):
    content = sponsor.build(programme, as_of)
    with app.test_request_context():
        html = render_template(
            content.template,
            programme=programme,
            as_of=as_of,
            report=content,
            sections=content.sections,
            **content.context,
        )
    return content, html


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _row(html: str, team: str) -> str:
    start = html.index(f'">{team}</td>')
    return html[start : html.index("</tr>", start)]


def test_every_section_is_in_the_contents_and_the_body(app, demo):
    content, html = _html(app, demo, TODAY)
    for anchor, heading in content.sections:
        assert f'id="{anchor}"' in html and f"<h1>{heading}</h1>" in html


def test_adoption_figures_are_the_dashboards(app, demo):
    content, html = _html(app, demo, TODAY)
    dashboard = wave_dashboard(demo, adkar_waves(demo)[0], None, TODAY)
    assert content.context["dashboard"].wave == dashboard.wave
    ops = next(r for r in dashboard.rows if r.name == "Billing Operations")
    row = _text(_row(html, "Billing Operations"))
    assert f"{round(ops.adoption_index.value)} ({round(ops.adoption_index.ci_low)}–" in row
    assert str(round(ops.readiness.result.value)) in row
    text = _text(html)
    assert (
        f"{round(dashboard.total.adoption_rate.value)}% of {dashboard.total.n} respondents" in text
    )


def test_suppressed_teams_show_words_not_numbers(app, demo):
    _content, html = _html(app, demo, TODAY)
    for team in ("Payroll", "Accounts Payable"):
        row = _row(html, team)
        assert "Fewer than 5 responses" in row
        assert not re.search(r">\s*[\d.]+\s*<", row)


def test_kpi_statuses_are_the_cores_as_of_the_date(app, demo):
    as_of = date(2026, 9, 15)
    content, html = _html(app, demo, as_of)
    views = kpi_views(demo, as_of)
    text = _text(html)
    for view in views:
        assert view.latest_on is None or view.latest_on <= as_of
        assert f"{view.kpi.name} " in text
        assert format_value(view.latest_actual, view.kpi.unit) in text
    counts = content.context["kpi_counts"]
    assert counts[Status.ON_TRACK] == sum(v.status.status == Status.ON_TRACK for v in views)
    later = kpi_views(demo, TODAY)
    assert [v.latest_on for v in later] != [v.latest_on for v in views]


def test_an_earlier_date_uses_the_wave_open_by_then(app, demo):
    waves = adkar_waves(demo)
    oldest = waves[-1]
    content, _html_text = _html(app, demo, oldest.opens_on)
    assert content.context["dashboard"].wave == oldest
    content, html = _html(app, demo, date(2026, 3, 1))
    assert content.context["dashboard"] is None
    assert "No ADKAR survey wave had opened by" in html


def test_the_overall_status_is_the_worst_rule(app, demo):
    content, html = _html(app, demo, TODAY)
    rules = content.context["rules"]
    order = ["green", "amber", "red"]
    assert content.context["overall"].value == max((r.rag.value for r in rules), key=order.index)
    # The demo's employee productivity is off track: the KPI rule is red, and so overall.
    assert next(r for r in rules if r.name == "KPIs").rag.value == "red"
    assert "is <strong>RED</strong>" in html


def test_a_submitted_gate_is_a_decision_needed(app, demo):
    phase = db.session.scalar(
        select(Phase).where(Phase.programme_id == demo.id).order_by(Phase.position.desc())
    )
    gate = db.session.scalar(select(Gate).where(Gate.phase_id == phase.id))
    gate.status = GateStatus.OPEN
    gate.submit(demo.memberships[0].user_id)
    db.session.flush()
    content, html = _html(app, demo, TODAY)
    titles = [d.title for d in content.context["decisions"]]
    assert f"Gate decision: {phase.name}" in titles
    assert "Corrective action or re-baseline: Employee productivity" in titles
    assert f"Gate decision: {phase.name}" in _text(html)


def test_user_text_is_escaped(app, demo):
    phase = db.session.scalar(select(Phase).where(Phase.programme_id == demo.id).limit(1))
    phase.name = '<img src="http://127.0.0.1:9/x">Assess'
    db.session.flush()
    _content, html = _html(app, demo, TODAY)
    assert '<img src="http://127.0.0.1:9/x">' not in html
    assert "&lt;img src=" in html


def test_the_pdf_says_what_the_core_computes_and_nothing_suppressed(app, demo):
    from io import BytesIO

    from pypdf import PdfReader

    from transform.reports.render import render_pdf

    _content, html = _html(app, demo, TODAY)
    rendered = render_pdf(html)
    reader = PdfReader(BytesIO(rendered.pdf))
    assert len(reader.pages) == rendered.page_count
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    dashboard = wave_dashboard(demo, adkar_waves(demo)[0], None, TODAY)
    ops = next(r for r in dashboard.rows if r.name == "Billing Operations")
    assert f"Billing Operations {ops.n} " in text
    assert f"{round(ops.adoption_index.value)} ({round(ops.adoption_index.ci_low)}–" in text
    assert "Payroll Fewer than 5 responses" in text
    for view in kpi_views(demo, TODAY):
        assert format_value(view.latest_actual, view.kpi.unit) in text
    assert f"Page 1 of {rendered.page_count}" not in text  # the cover has no footer
    assert f"Page 2 of {rendered.page_count}" in text
