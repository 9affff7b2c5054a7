"""A team's adoption over the waves on its page: figures, trend, forecast, agents' view."""

from tests import factories
from tests.factories import SUITE_DAY
from transform.demo import DEMO_PASSWORD
from transform.indices.history import team_history


def test_the_lagging_team_stays_stuck_at_knowledge(demo):
    history = team_history(demo, factories.team_id("Billing Operations"), SUITE_DAY)
    assert [p.state.value for p in history.points] == ["shown"] * 3
    latest = history.points[-1]
    knowledge = latest.elements[2].value
    assert knowledge < latest.elements[0].value and knowledge < latest.elements[1].value
    assert history.points[0].index_trend.reason == "no previous wave"
    assert history.points[1].index_trend.value is not None
    assert (
        history.forecast.target_date is None and "below the 80% target" in history.forecast.reason
    )
    assert history.comparison.observed_stage == "knowledge"


def test_a_growing_team_gets_a_forecast_date(demo):
    history = team_history(demo, factories.team_id("Corporate Support"), SUITE_DAY)
    rates = [p.adoption_rate.value for p in history.points]
    assert rates == sorted(rates)
    assert history.forecast.target_date is not None or history.forecast.reason


def test_a_small_teams_history_is_hidden(demo):
    history = team_history(demo, factories.team_id("Payroll"), SUITE_DAY)
    assert {p.state.value for p in history.points} == {"below_threshold"}
    assert all(p.adoption_index is None for p in history.points)
    assert history.forecast is None


def test_the_team_page_shows_the_history(app, demo):
    client = app.test_client()
    client.post("/auth/login", data={"email": "pmo@example.com", "password": DEMO_PASSWORD})
    page = client.get(f"/programmes/{demo.id}/teams/{factories.team_id('Billing Operations')}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Adoption over the waves" in text and "Adoption pulse 3" in text
    assert "Agents&#39; view beside the survey" in text or "Agents' view beside the survey" in text
    payroll = client.get(f"/programmes/{demo.id}/teams/{factories.team_id('Payroll')}").get_data(
        as_text=True
    )
    assert "Hidden for anonymity" in payroll


def test_a_team_page_with_a_forecast_date_renders_it(app, demo):
    team_id = factories.team_id("Practice Support")
    forecast = team_history(demo, team_id, SUITE_DAY).forecast
    assert forecast.target_date is not None and forecast.reason is None
    client = app.test_client()
    client.post("/auth/login", data={"email": "pmo@example.com", "password": DEMO_PASSWORD})
    page = client.get(f"/programmes/{demo.id}/teams/{team_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"{forecast.target_date.day} {forecast.target_date:%b %Y}" in text
