"""The assessment, team adoption and survey wave reports: the pages' figures, as of a date,
and never a figure or comment that anonymity withholds."""

import io
import re
from datetime import date
from html import unescape

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform.charts import (
    Bar,
    IntervalRow,
    WaveFigure,
    adoption_history_svg,
    bars_svg,
    intervals_svg,
)
from transform.extensions import db
from transform.feedback.queries import open_follow_ups
from transform.indices.history import team_history
from transform.indices.service import adkar_waves, wave_dashboard
from transform.kpis.queries import kpi_views
from transform.loaders import wave_frames
from transform.models import Programme, Response, Team, Wave, WaveGroup, WaveStatus, WaveTeam
from transform.orgtree import subtree_ids
from transform.programmes.queries import HIGH_RISK_SCORE
from transform.reports import assessment, survey_wave, team_adoption
from transform.reports.render import render_pdf
from transform.reports.store import report_html
from transform.scoring.adkar import ADKAR
from transform.scoring.anonymity import CellState
from transform.scoring.items import dimension_scores
from transform.scoring.reliability import alpha_by_dimension
from transform.scoring.stats import bounded_mean_ci
from transform.teams.queries import impact_overview
from transform.waves.queries import wave_counts

TODAY = SUITE_DAY
#: Between the second and third adoption pulses of the demo.
OCTOBER = date(2026, 10, 15)
#: The day the demo's assessment phase closed, before any adoption pulse.
ASSESSMENT_END = date(2026, 6, 28)
BACKOFFICE = "Back-office optimisation"
SMALL_TEAMS = ("Payroll", "Accounts Payable")
SECRET = "Only the four of us in payroll would say this"


def _wave(programme: Programme, name: str) -> Wave:
    return db.session.scalar(
        select(Wave).where(Wave.programme_id == programme.id, Wave.name == name)
    )


def _html(content, programme, as_of) -> str:
    return report_html(content, programme, as_of)


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _rows(html: str, team: str) -> list[str]:
    """Every table row whose first cell names the team."""
    pattern = rf"<tr[^>]*>\s*<td[^>]*>(?:<strong>)?{re.escape(team)}(?:</strong>)?</td>.*?</tr>"
    return re.findall(pattern, html, re.S)


def _assert_words_not_numbers(html: str, team: str) -> None:
    rows = _rows(html, team)
    assert rows, team
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1:]
        assert any("Fewer than 5 responses" in cell for cell in cells)
        words = "".join(cells).replace("Fewer than 5 responses", "")
        assert not re.search(r"\d", words), row


def _comment_in(programme: Programme, wave_name: str, team: str, text: str) -> None:
    response = db.session.scalars(
        select(Response).where(
            Response.wave_id == _wave(programme, wave_name).id,
            Response.team_id == factories.team_id(team),
        )
    ).first()
    response.comment = text
    db.session.flush()


def _pdf_text(content, programme, as_of) -> str:
    pdf = render_pdf(_html(content, programme, as_of)).pdf
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


# Operational assessment -------------------------------------------------------------------


def test_assessment_sections_are_the_contents(demo):
    content = assessment.build(demo, TODAY)
    html = _html(content, demo, TODAY)
    for anchor, heading in content.sections:
        assert f'<section class="report-section" id="{anchor}">\n  <h1>{heading}</h1>' in html


def test_assessment_scope_and_kpis_are_the_read_models(demo):
    context = assessment.build(demo, TODAY).context
    overview = impact_overview(demo.id)
    assert [(r.impacted.team.name, r.degree) for r in context["scope"]] == [
        (r.impacted.team.name, r.degree) for r in overview.rows
    ]
    assert context["people"] == overview.people and context["high_impact"] == overview.high
    views = {view.kpi.name: view for view in kpi_views(demo, TODAY)}
    for row in context["kpis"]:
        view = views[row.name]
        assert row.baseline_on == view.kpi.baseline_on and row.status == view.status.status
        assert row.gap == pytest.approx(100 * view.status.latest.gap)


def test_assessment_baseline_is_the_first_waves_dashboard(demo):
    context = assessment.build(demo, TODAY).context
    first = adkar_waves(demo)[-1]
    dashboard = wave_dashboard(demo, first, None, TODAY)
    assert context["adkar_wave"][0] == first.name == "Adoption pulse 1"
    assert [row.adoption for row in context["baseline"]] == dashboard.rows
    assert [row.readiness for row in context["baseline"]] == [r.readiness for r in dashboard.rows]
    assert context["readiness"].wave.name == "Readiness baseline"


def test_assessment_priorities_follow_their_printed_rules(demo):
    context = assessment.build(demo, TODAY).context
    baseline = {row.name: row for row in context["baseline"]}
    for priority in context["priorities"]["teams"]:
        row = baseline[priority.subject]
        assert row.state == CellState.SHOWN
        low = row.readiness.result.value < 70
        assert low or row.adoption.barrier_point in ("awareness", "desire")
    risks = context["priorities"]["risks"]
    assert risks and all(re.match(r"score (\d+)", p.evidence) for p in risks)
    scores = [int(re.match(r"score (\d+)", p.evidence).group(1)) for p in risks]
    assert scores == sorted(scores, reverse=True) and min(scores) >= HIGH_RISK_SCORE
    assert "Current-state process maps" not in " ".join(p.subject for p in risks)
    kpis = context["priorities"]["kpis"]
    assert [p.subject for p in kpis] == ["Employee productivity", "Client satisfaction"]
    assert "Turnaround time" not in {p.subject for p in kpis}  # ahead of plan


def test_assessment_as_of_the_phase_end_leaves_out_what_came_later(demo):
    content = assessment.build(demo, ASSESSMENT_END)
    context = content.context
    assert context["adkar_wave"] is None
    assert [p.wave for p in context["participation"]] == ["Readiness baseline"]
    assert context["readiness"].as_of == date(2026, 4, 26)
    assert all(row.latest_on <= ASSESSMENT_END for row in context["kpis"])
    assert all(row.item.created_at.date() <= ASSESSMENT_END for _, row in context["raid"])
    assert context["phase"].status == "Complete" and context["phase"].gate_status == "approved"
    assert context["themes"]["window"] == (demo.starts_on, ASSESSMENT_END)
    text = _text(_html(content, demo, ASSESSMENT_END))
    assert "Adoption pulse" not in text


def test_assessment_before_the_phase_ended_shows_it_in_progress(demo):
    context = assessment.build(demo, date(2026, 5, 1)).context
    phase = context["phase"]
    assert phase.status == "In progress" and phase.actual_end is None
    assert phase.gate_status == "open" and phase.decisions == []
    assert all(a.done_on is None or a.done_on <= date(2026, 5, 1) for a in phase.activities)


def test_assessment_hides_small_teams(demo):
    html = _html(assessment.build(demo, TODAY), demo, TODAY)
    baseline = html[html.index('id="readiness"') : html.index('id="findings"')]
    for team in SMALL_TEAMS:
        _assert_words_not_numbers(baseline, team)
        assert len(_rows(baseline, team)) == 2  # readiness and adoption


# Team adoption ----------------------------------------------------------------------------


def test_team_report_indices_are_the_team_pages(demo):
    team_id = factories.team_id("Billing Operations")
    context = team_adoption.build(demo, TODAY, team_id=team_id).context
    history = team_history(demo, team_id, SUITE_DAY)
    assert [row.wave for row in context["rows"]] == [p.wave.name for p in history.points]
    for row, point in zip(context["rows"], history.points, strict=True):
        assert (row.n, row.adoption_index, row.adoption_rate) == (
            point.n,
            point.adoption_index,
            point.adoption_rate,
        )
        assert row.elements == point.elements and row.index_trend == point.index_trend
    assert context["forecast"] == history.forecast
    assert context["comparison"] == history.comparison
    latest = wave_dashboard(demo, adkar_waves(demo)[0], team_id, TODAY)
    mine = next(r for r in latest.rows if r.team_id == team_id)
    assert context["figures"] == mine and context["readiness"] == mine.readiness


def test_team_report_pdf_prints_the_index(demo):
    team_id = factories.team_id("Billing Operations")
    content = team_adoption.build(demo, TODAY, team_id=team_id)
    latest = content.context["latest_shown"]
    text = _pdf_text(content, demo, TODAY)
    assert f"adoption index of {round(latest.adoption_index.value)} out of 100" in text
    assert f"{round(latest.adoption_rate.value)}% of its {latest.n} respondents" in text
    assert "Team adoption report: Billing Operations" in text


def test_team_report_as_of_leaves_out_later_waves_and_feedback(demo):
    team_id = factories.team_id("Billing Operations")
    context = team_adoption.build(demo, OCTOBER, team_id=team_id).context
    assert [row.wave for row in context["rows"]] == ["Adoption pulse 1", "Adoption pulse 2"]
    assert context["latest"].wave.name == "Adoption pulse 2"
    assert context["forecast"].waves == 2
    assert all(entry.observed_on <= OCTOBER for entry in context["entries"])
    assert all(f.raised_on <= OCTOBER for f in context["follow_ups"])
    assert context["themes"]["window"][1] == OCTOBER
    later = [f for f in open_follow_ups(demo, team_id=team_id) if f.entry.observed_on > OCTOBER]
    assert len(context["follow_ups"]) == len(open_follow_ups(demo, team_id=team_id)) - len(later)


def test_team_report_of_a_small_team_reads_words_not_numbers(demo):
    _comment_in(demo, "Adoption pulse 3", "Payroll", SECRET)
    team_id = factories.team_id("Payroll")
    content = team_adoption.build(demo, TODAY, team_id=team_id)
    assert all(row.state == CellState.BELOW_THRESHOLD for row in content.context["rows"])
    assert content.context["readiness"] is None and content.context["latest_shown"] is None
    html = _html(content, demo, TODAY)
    rows = re.findall(r"<tr[^>]*>\s*<td>Adoption pulse.*?</tr>", html, re.S)
    assert len(rows) == 3
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1:]
        assert cells == ["Fewer than 5 responses here or in a neighbouring team: not shown"]
    assert SECRET not in html
    assert "fewer than 5 responses" in _text(html)


def test_team_report_shows_comments_only_from_the_comment_threshold(demo):
    _comment_in(demo, "Adoption pulse 3", "Litigation Support", "Litigation says hello")
    _comment_in(demo, "Adoption pulse 3", "Accounts Payable", SECRET)
    litigation = team_adoption.build(demo, TODAY, team_id=factories.team_id("Litigation Support"))
    assert "Litigation says hello" in _html(litigation, demo, TODAY)
    payable = team_adoption.build(demo, TODAY, team_id=factories.team_id("Accounts Payable"))
    assert payable.context["comments"].shown == []
    assert SECRET not in _html(payable, demo, TODAY)


@pytest.mark.parametrize("name", ["Finance", "Hartley & Finch", None])
def test_team_report_needs_a_team_the_programme_impacts(demo, name):
    team_id = factories.team_id(name) if name else 999_999
    with pytest.raises(LookupError):
        team_adoption.build(demo, TODAY, team_id=team_id)
    with pytest.raises(LookupError):
        team_adoption.build(demo, TODAY)


# Survey wave ------------------------------------------------------------------------------


def test_wave_report_reliability_is_alpha_by_dimension(demo):
    wave = _wave(demo, "Adoption pulse 2")
    context = survey_wave.build(demo, TODAY, wave_id=wave.id).context
    frames = wave_frames(wave.id)
    expected = alpha_by_dimension(frames.answers, frames.items)
    assert [row.alpha for row in context["reliability"]] == [expected[e] for e in ADKAR]
    assert [row.items for row in context["reliability"]] == [3] * 5


def test_wave_report_means_pool_each_subtree(demo):
    wave = _wave(demo, "Adoption pulse 2")
    context = survey_wave.build(demo, TODAY, wave_id=wave.id).context
    frames = wave_frames(wave.id)
    scores = dimension_scores(frames.answers, frames.items, normalised=True)
    billing = factories.team_id("Billing")
    mine = scores[scores["team_id"].isin(subtree_ids(frames.parents, billing))]
    row = next(r for r in context["rows"] if r.team_id == billing)
    assert row.n == len(mine)
    for position, element in enumerate(ADKAR):
        expected = bounded_mean_ci(mine[element])
        assert row.means[position].value == pytest.approx(expected.value)
        assert row.means[position].ci_low == pytest.approx(expected.ci_low)
    dashboard = wave_dashboard(demo, wave, None, TODAY)
    shown = next(r for r in dashboard.rows if r.team_id == billing)
    assert row.adoption == shown
    assert [e.value for e in row.means] == pytest.approx([e.value for e in shown.elements])


def test_wave_report_rates_are_the_wave_pages(demo):
    wave = _wave(demo, "Adoption pulse 2")
    context = survey_wave.build(demo, TODAY, wave_id=wave.id).context
    counts = wave_counts(wave, demo.anonymity_threshold, TODAY)
    assert [(r.team, r.responses, r.headcount) for r in context["rates"]] == [
        (r.name, r.count_label, r.headcount) for r in counts.rates
    ]
    assert "hidden" in [r.responses for r in context["rates"]]


def test_wave_report_hides_small_teams_and_their_comments(demo):
    _comment_in(demo, "Adoption pulse 2", "Payroll", SECRET)
    _comment_in(demo, "Adoption pulse 2", "Litigation Support", "Litigation says hello")
    wave = _wave(demo, "Adoption pulse 2")
    content = survey_wave.build(demo, TODAY, wave_id=wave.id)
    rows = {row.name: row for row in content.context["rows"]}
    for team in SMALL_TEAMS:
        assert rows[team].state == CellState.BELOW_THRESHOLD
        assert rows[team].n is None and rows[team].means == () and rows[team].adoption is None
    comments = content.context["comments"]
    assert set(SMALL_TEAMS) <= set(comments.withheld)
    assert "Litigation Support" in {group.team for group in comments.shown}
    html = _html(content, demo, TODAY)
    results = html[html.index('id="results"') : html.index('id="reliability"')]
    for team in SMALL_TEAMS:
        _assert_words_not_numbers(results, team)
    assert SECRET not in html and "Litigation says hello" in html


def test_wave_report_pdf_prints_alpha_and_withholds(demo):
    _comment_in(demo, "Adoption pulse 2", "Payroll", SECRET)
    wave = _wave(demo, "Adoption pulse 2")
    content = survey_wave.build(demo, TODAY, wave_id=wave.id)
    text = _pdf_text(content, demo, TODAY)
    alpha = content.context["reliability"][0].alpha
    assert (
        f"Awareness 3 {alpha.n} {alpha.value:.2f} {alpha.ci_low:.2f}–{alpha.ci_high:.2f}" in text
    )
    assert "Payroll Fewer than 5 responses here or in a neighbouring team: not shown" in text
    assert SECRET not in text


def test_wave_report_of_a_readiness_survey_scores_its_subscales(demo):
    wave = _wave(demo, "Readiness baseline")
    context = survey_wave.build(demo, TODAY, wave_id=wave.id).context
    assert context["dimensions"] == ["Change commitment", "Change efficacy"]
    assert [row.dimension for row in context["reliability"]] == context["dimensions"]
    assert context["barriers"] is None
    assert all(row.adoption is None for row in context["rows"])


def test_wave_report_needs_a_wave_of_the_programme_opened_by_the_date(demo):
    other = db.session.scalar(select(Wave).where(Wave.programme_id != demo.id))
    third = _wave(demo, "Adoption pulse 3")
    for wave_id, as_of in ((other.id, TODAY), (999_999, TODAY), (third.id, OCTOBER)):
        with pytest.raises(LookupError):
            survey_wave.build(demo, as_of, wave_id=wave_id)
    with pytest.raises(LookupError):
        survey_wave.build(demo, TODAY)


def test_assessment_pdf_prints_the_baseline_and_withholds(demo):
    content = assessment.build(demo, TODAY)
    text = _pdf_text(content, demo, TODAY)
    assert "Operational Assessment Report" in text
    kpi = next(row for row in content.context["kpis"] if row.name == "Turnaround time")
    assert "Turnaround time Lower is better" in text and kpi.baseline in text
    assert "Payroll Fewer than 5 responses here or in a neighbouring team: not shown" in text


def test_user_text_is_escaped_in_tables_and_charts(demo):
    team = db.session.get(Team, factories.team_id("Billing Operations"))
    team.name = "<script>alert(1)</script> & $x$ Ops"
    # Waves show their groups' names as they stood when they opened: rename those too.
    for group in db.session.scalars(select(WaveGroup).where(WaveGroup.team_id == team.id)):
        group.name = team.name
    db.session.flush()
    wave = _wave(demo, "Adoption pulse 2")
    for content in (
        assessment.build(demo, TODAY),
        team_adoption.build(demo, TODAY, team_id=team.id),
        survey_wave.build(demo, TODAY, wave_id=wave.id),
    ):
        html = _html(content, demo, TODAY)
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; $x$ Ops" in html


def test_report_charts_label_their_bars_and_intervals_as_text():
    bars = bars_svg([Bar("A & <b>", 3, "low"), Bar("None", 0)], "Barriers <by> team")
    assert bars.startswith("<svg") and "<title>Barriers &lt;by&gt; team</title>" in bars
    assert "A &amp; &lt;b&gt;" in bars and "<b>" not in bars
    intervals = intervals_svg([IntervalRow("Desire", 55.0, 40.0, 70.0)], "Means")
    assert "Desire" in intervals and 'aria-label="Means"' in intervals
    history = adoption_history_svg(
        [WaveFigure(date(2026, 7, 29), (37.0, 26.0, 48.0), (5.0, 1.0, 23.0))], 80.0, "Adoption"
    )
    assert "Target rate 80%" in history


def _quiet_pulse(programme: Programme, team: str) -> Wave:
    """An ADKAR wave opened two days before the demo day, without responses yet."""
    wave = Wave(
        programme_id=programme.id,
        instrument=_wave(programme, "Adoption pulse 3").instrument,
        name="Quiet pulse",
        opens_on=date(2026, 11, 20),
        closes_on=date(2026, 11, 30),
        status=WaveStatus.OPEN,
        teams=[WaveTeam(team_id=factories.team_id(team))],
    )
    db.session.add(wave)
    db.session.flush()
    return wave


def test_wave_report_of_a_wave_without_responses_says_so(demo):
    wave = _quiet_pulse(demo, "Payroll")
    content = survey_wave.build(demo, TODAY, wave_id=wave.id)
    assert content.context["total"].state == CellState.NO_DATA
    assert content.context["reliability"] is None and content.context["responses"] == 0
    text = _text(_html(content, demo, TODAY))
    assert "Payroll No responses" in text and "the wave has no responses" in text


def test_team_report_reads_barriers_from_the_newest_wave_with_figures(demo):
    _quiet_pulse(demo, "Billing Operations")
    context = team_adoption.build(
        demo, TODAY, team_id=factories.team_id("Billing Operations")
    ).context
    assert context["rows"][-1].wave == "Quiet pulse"
    assert context["rows"][-1].state == CellState.NO_DATA
    assert context["latest"].wave.name == "Adoption pulse 3"
    assert context["figures"].state == CellState.SHOWN and context["readiness"] is not None
