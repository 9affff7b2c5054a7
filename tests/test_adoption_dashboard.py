"""The adoption dashboard shows the scoring core's figures and never a suppressed one."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from transform.adoption.service import adkar_waves, wave_dashboard
from transform.demo import DEMO_PASSWORD, load_demo
from transform.extensions import db
from transform.loaders import wave_frames
from transform.models import Programme, Team
from transform.scoring.adkar import ADKAR
from transform.scoring.items import dimension_scores
from transform.scoring.rollup import rollup_adoption

BACKOFFICE = "Back-office optimisation"


@pytest.fixture
def demo(db):
    load_demo(date(2026, 11, 22))
    return db.session.scalar(select(Programme).where(Programme.name == BACKOFFICE))


def _client(app, email="pmo@example.com"):
    return factories.logged_in(app, email, DEMO_PASSWORD)


def _team_id(name: str) -> int:
    return db.session.scalar(select(Team.id).where(Team.name == name))


def test_dashboard_figures_equal_the_scoring_core(demo):
    wave = adkar_waves(demo)[0]
    dashboard = wave_dashboard(demo, wave, None)
    frames = wave_frames(wave.id)
    elements = dimension_scores(frames.answers, frames.items).reindex(columns=["team_id", *ADKAR])
    expected = rollup_adoption(elements, frames.parents)
    billing_ops = next(r for r in dashboard.rows if r.name == "Billing Operations")
    row = expected.loc[billing_ops.team_id]
    assert billing_ops.n == row["n"]
    assert billing_ops.adoption_index == row["adoption_index"]
    assert billing_ops.elements[2] == row["knowledge_normalised"]
    assert billing_ops.main_barrier == "knowledge"


def test_small_teams_and_their_complement_are_suppressed(demo):
    wave = adkar_waves(demo)[0]
    rows = {r.name: r for r in wave_dashboard(demo, wave, None).rows}
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
        wave_dashboard(demo, w, None).total.adoption_rate.value
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
