"""A new wave does not blank the results: pages, reports and gates show the latest wave
with results, and name the newer one still collecting."""

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform import clock
from transform.demo import DEMO_PASSWORD
from transform.extensions import db
from transform.indices.latest import latest_with_results
from transform.indices.service import adkar_waves
from transform.models import (
    Answer,
    GateCriterion,
    GateCriterionKind,
    InstrumentKind,
    Programme,
    ReportKind,
    Response,
    Team,
    Wave,
    WaveStatus,
    WaveTeam,
)
from transform.phases.criteria import CriterionState, evaluate_criteria
from transform.reports import registry
from transform.reports.store import report_html

PULSE_4 = "Adoption pulse 4"


def _open_pulse_4(programme: Programme) -> Wave:
    """A new ADKAR wave over the same teams, opened on SUITE_DAY, two weeks long."""
    previous = adkar_waves(programme)[0]
    wave = Wave(
        programme_id=programme.id,
        instrument_id=previous.instrument_id,
        name=PULSE_4,
        opens_on=SUITE_DAY,
        closes_on=SUITE_DAY + timedelta(days=14),
        status=WaveStatus.OPEN,
        teams=[WaveTeam(team_id=target.team_id) for target in previous.teams],
    )
    db.session.add(wave)
    db.session.flush()
    return wave


def _answer(wave: Wave, team_id: int, count: int = 1, value: int = 4) -> None:
    for _ in range(count):
        response = Response(wave_id=wave.id, team_id=team_id, submitted_on=SUITE_DAY)
        response.answers = [Answer(item_id=item.id, value=value) for item in wave.instrument.items]
        db.session.add(response)
    db.session.flush()


def test_one_response_in_a_new_wave_leaves_the_results_on_the_previous_one(demo):
    pulse_4 = _open_pulse_4(demo)
    _answer(pulse_4, factories.team_id("Billing Operations"))
    choice = latest_with_results(demo, InstrumentKind.ADKAR, SUITE_DAY)
    assert choice.wave.name == "Adoption pulse 3"
    assert choice.collecting == pulse_4
    assert choice.collecting_note == (
        "“Adoption pulse 4” is open until 6 Dec 2026: fewer than 5 responses so far."
    )


def test_the_new_wave_takes_over_once_a_team_reaches_the_threshold(demo):
    pulse_4 = _open_pulse_4(demo)
    _answer(pulse_4, factories.team_id("Billing Operations"), count=5)
    choice = latest_with_results(demo, InstrumentKind.ADKAR, SUITE_DAY)
    assert choice.wave == pulse_4 and choice.collecting is None


def test_a_wave_past_its_close_needs_the_threshold_over_the_whole_wave(demo):
    """Two roots of 2 and 3 responses: no team reaches 5 while the wave is open; once it
    has closed, the wave as a whole (5) has results."""
    pulse_4 = _open_pulse_4(demo)
    outside = Team(name="Outside Counsel", headcount=9)
    db.session.add(outside)
    db.session.flush()
    pulse_4.teams.append(WaveTeam(team_id=outside.id))
    _answer(pulse_4, factories.team_id("Billing Operations"), count=2)
    _answer(pulse_4, outside.id, count=3)
    after_close = pulse_4.closes_on + timedelta(days=1)
    assert latest_with_results(demo, InstrumentKind.ADKAR, pulse_4.closes_on).wave != pulse_4
    assert latest_with_results(demo, InstrumentKind.ADKAR, after_close).wave == pulse_4


def test_the_sponsor_report_scores_the_latest_wave_with_results(demo):
    pulse_4 = _open_pulse_4(demo)
    _answer(pulse_4, factories.team_id("Billing Operations"))
    content = registry.build(ReportKind.SPONSOR_PROGRESS, demo, SUITE_DAY)
    dashboard = content.context["dashboard"]
    assert dashboard.wave.name == "Adoption pulse 3"
    assert dashboard.total.state.value == "shown" and dashboard.total.barriers
    html = report_html(content, demo, SUITE_DAY)
    assert "“Adoption pulse 4” is open until 6 Dec 2026: fewer than 5 responses so far." in html
    assert "No barrier distribution can be shown" not in html


def test_the_dashboard_and_overview_show_the_latest_wave_with_results(demo, client, auth):
    pulse_4 = _open_pulse_4(demo)
    _answer(pulse_4, factories.team_id("Billing Operations"))
    auth.login("pmo@example.com", DEMO_PASSWORD)
    page = client.get(f"/programmes/{demo.id}/adoption/").get_data(as_text=True)
    assert "Showing “Adoption pulse 3”" in page and "the latest wave with results" in page
    assert "“Adoption pulse 4” is open until 6 Dec 2026" in page
    overview = client.get(f"/programmes/{demo.id}").get_data(as_text=True)
    assert "“Adoption pulse 3”" in overview and "fewer than 5 responses so far" in overview
    chosen = client.get(f"/programmes/{demo.id}/adoption/?wave={pulse_4.id}")
    assert "Fewer than 5 responses" in chosen.get_data(as_text=True)


def test_gate_criteria_judge_on_the_latest_wave_with_results(demo):
    pulse_4 = _open_pulse_4(demo)
    _answer(pulse_4, factories.team_id("Billing Operations"))
    criterion = db.session.scalar(
        select(GateCriterion).where(GateCriterion.kind == GateCriterionKind.NO_EARLY_BARRIER)
    )
    (result,) = evaluate_criteria(demo, [criterion])
    assert result.detail.startswith("In “Adoption pulse 3”, the latest survey wave with results")
    assert "10 of 12 impacted teams judged" in result.detail
    assert result.detail.endswith("fewer than 5 responses so far.")
    assert result.state == CriterionState.CANNOT_JUDGE


def test_the_clock_decides_nothing_here_but_the_day_given(demo):
    pulse_4 = _open_pulse_4(demo)
    _answer(pulse_4, factories.team_id("Billing Operations"), count=5)
    clock.set_to(SUITE_DAY - timedelta(days=30))
    assert latest_with_results(demo, InstrumentKind.ADKAR, SUITE_DAY).wave == pulse_4
