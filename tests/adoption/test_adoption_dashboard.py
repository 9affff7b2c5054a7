"""The adoption dashboard shows the scoring core's figures and never a suppressed one."""

import re

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform.demo import DEMO_PASSWORD
from transform.extensions import db
from transform.indices.service import adkar_waves, wave_dashboard
from transform.loaders import wave_frames
from transform.models import Team
from transform.scoring.adkar import ADKAR
from transform.scoring.items import dimension_scores
from transform.scoring.rollup import rollup_adoption

TODAY = SUITE_DAY
BACKOFFICE = "Back-office optimisation"


def _client(app, email="pmo@example.com"):
    return factories.logged_in(app, email, DEMO_PASSWORD)


def _team_id(name: str) -> int:
    return db.session.scalar(select(Team.id).where(Team.name == name))


def test_dashboard_figures_equal_the_scoring_core(demo):
    wave = adkar_waves(demo)[0]
    dashboard = wave_dashboard(demo, wave, None, TODAY)
    frames = wave_frames(wave.id)
    elements = dimension_scores(frames.answers, frames.items).reindex(columns=["team_id", *ADKAR])
    expected = rollup_adoption(elements, frames.parents)
    billing_ops = next(r for r in dashboard.rows if r.name == "Billing Operations")
    row = expected.loc[billing_ops.team_id]
    assert billing_ops.n == row["n"]
    assert billing_ops.adoption_index == row["adoption_index"]
    assert billing_ops.elements[2] == row["knowledge_normalised"]
    assert billing_ops.barrier_point == "knowledge"


def test_small_teams_and_their_complement_are_suppressed(demo):
    wave = adkar_waves(demo)[0]
    rows = {r.name: r for r in wave_dashboard(demo, wave, None, TODAY).rows}
    assert rows["Payroll"].state.value == "below_threshold"
    assert rows["Payroll"].n is None and rows["Payroll"].adoption_index is None
    assert rows["Accounts Payable"].state.value == "below_threshold"
    assert rows["Finance"].state.value == "shown"


def test_the_page_shows_withheld_cells_as_words_not_numbers(app, demo):
    page = _client(app).get(f"/programmes/{demo.id}/adoption/").get_data(as_text=True)
    payroll = page[page.index(">Payroll<") :]
    payroll = payroll[: payroll.index("</tr>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", payroll, re.S)
    assert cells == ["Hidden for anonymity: fewer than 5 responses here or in a neighbouring team"]
    assert "Billing Operations" in page and "Cronbach" in page


def test_the_page_says_how_the_adoption_index_differs_from_the_element_means(app, demo):
    page = _client(app).get(f"/programmes/{demo.id}/adoption/").get_data(as_text=True)
    stats = page[page.index('aria-label="Whole wave"') : page.index("<h2>Adoption by team</h2>")]
    assert (
        "Adoption index: the share of the five ADKAR elements a respondent has passed before "
        "their barrier point, averaged over respondents." in stats
    )
    assert "mean agreement with each element's items, normalised 0–100" in stats


def test_filters_by_wave_and_subtree_swap_the_dashboard(app, demo):
    client = _client(app)
    waves = adkar_waves(demo)
    billing = _team_id("Billing")
    fragment = client.get(
        f"/programmes/{demo.id}/adoption/?wave={waves[-1].id}&team={billing}",
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and 'id="dashboard"' in text
    assert "Collections" in text and "Records Management" not in text
    assert client.get(f"/programmes/{demo.id}/adoption/?wave=999999").status_code == 404


def test_adoption_grows_across_the_demo_waves(demo):
    indices = [
        wave_dashboard(demo, w, None, TODAY).total.adoption_rate.value
        for w in reversed(adkar_waves(demo))
    ]
    assert indices == sorted(indices)


def test_members_only(app, demo):
    from tests import factories

    factories.user("out@example.com")
    outsider = app.test_client()
    outsider.post("/auth/login", data={"email": "out@example.com", "password": factories.PASSWORD})
    assert outsider.get(f"/programmes/{demo.id}/adoption/").status_code == 404
    assert (
        _client(app, "sponsor@example.com").get(f"/programmes/{demo.id}/adoption/").status_code
        == 200
    )


def test_readiness_beside_each_shown_team_equals_the_core(demo):
    from transform.indices.readiness import latest_readiness_wave
    from transform.scoring.readiness import readiness_index, survey_component
    from transform.scoring.rollup import pooled

    wave = adkar_waves(demo)[0]
    dashboard = wave_dashboard(demo, wave, None, TODAY)
    ops = next(r for r in dashboard.rows if r.name == "Billing Operations")
    readiness_wave = latest_readiness_wave(demo, TODAY)
    assert dashboard.readiness.wave == readiness_wave
    frames = wave_frames(readiness_wave.id)
    scores = dimension_scores(frames.answers, frames.items)
    survey = survey_component(pooled(scores, frames.parents)).loc[ops.team_id]
    parts = {c.name: c.value for c in ops.readiness.result.components}
    assert parts["readiness_survey"] == pytest.approx(survey["readiness_survey"].value)
    assert ops.readiness.commitment == survey["commitment"]
    expected = readiness_index(parts, dashboard.readiness.weights)
    assert ops.readiness.result.value == pytest.approx(expected.value)
    assert 0 <= ops.readiness.agreement.value <= 1


def test_withheld_teams_show_no_readiness_and_missing_components_are_reweighted(app, demo):
    wave = adkar_waves(demo)[0]
    rows = {r.name: r for r in wave_dashboard(demo, wave, None, TODAY).rows}
    assert rows["Payroll"].readiness is None
    finance = rows["Finance"].readiness.result
    assert finance.missing_components == ("training",)
    page = _client(app).get(f"/programmes/{demo.id}/adoption/").get_data(as_text=True)
    section = page[page.index('id="readiness"') :]
    finance_row = section[section.index(">Finance<") :]
    finance_row = finance_row[: finance_row.index("</tr>")]
    assert "re-weighted without training" in finance_row
    assert f"<strong>{round(finance.value)}</strong>" in finance_row
    payroll_row = section[section.index(">Payroll<") :]
    payroll_row = payroll_row[: payroll_row.index("</tr>")]
    assert "Hidden for anonymity" in payroll_row
    assert not re.search(r">\s*\d+\s*<", payroll_row)


def test_a_withheld_readiness_survey_drops_out_of_the_index(demo):
    """A threshold above a team's readiness respondents withholds its survey part only."""
    wave = adkar_waves(demo)[0]
    before = {r.name: r for r in wave_dashboard(demo, wave, None, TODAY).rows if r.readiness}
    threshold = 8
    demo.anonymity_threshold = demo.comment_threshold = threshold
    db.session.flush()
    after = [r for r in wave_dashboard(demo, wave, None, TODAY).rows if r.readiness]
    withheld = [r for r in after if before[r.name].readiness.agreement.n < threshold]
    assert withheld, "some shown team has fewer readiness respondents than the threshold"
    for row in withheld:
        survey = row.readiness.result.components[0]
        assert survey.reason == f"fewer than {threshold} readiness responses"
        assert row.readiness.commitment.is_missing and row.readiness.agreement.is_missing
        assert "readiness_survey" in row.readiness.result.missing_components
        present = [c for c in row.readiness.result.components if not c.is_missing]
        expected = sum(c.value * c.weight for c in present) / sum(c.weight for c in present)
        assert row.readiness.result.value == pytest.approx(expected)


def test_a_large_tree_shows_its_upper_levels_and_the_filter_opens_the_rest(demo, monkeypatch):
    import transform.indices.service as service

    wave = adkar_waves(demo)[0]
    everything = wave_dashboard(demo, wave, None, TODAY)
    assert everything.depth_limit is None
    monkeypatch.setattr(service, "MAX_ROWS", 8)
    cut = wave_dashboard(demo, wave, None, TODAY)
    assert cut.depth_limit == 1 and cut.team_count == len(everything.rows)
    assert [r.name for r in cut.rows] == [r.name for r in everything.rows if r.depth <= 1]
    assert all(r.depth <= 1 for r in cut.rows)
    billing = next(r for r in cut.rows if r.name == "Billing")
    below = wave_dashboard(demo, wave, billing.team_id, TODAY)
    assert [r.name for r in below.rows] == ["Billing", "Billing Operations", "Collections"]
