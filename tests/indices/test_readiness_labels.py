"""Readiness reads the same everywhere, and the right way round.

Bands: the demo's weights are set to training alone, so that a team's index is exactly
its share of people trained: 174 of 250 trained is 69.6, shown 70 and ready, on the page,
in the API, in the reports and at a gate asking for at least 70.

Change load: the component is the headroom left (100 less the load in % of capacity), so
an overloaded team scores 0; it is named so, with the load beside it, wherever it shows.
"""

import re
from html import unescape

import pytest
from sqlalchemy import delete, select

from tests import factories
from tests.factories import SUITE_DAY
from transform.api.tokens import create_token
from transform.demo import DEMO_PASSWORD, load_demo
from transform.extensions import db
from transform.indices.service import adkar_waves
from transform.models import (
    GateCriterion,
    GateCriterionKind,
    Programme,
    Team,
    TrainingRecord,
    User,
)
from transform.phases.criteria import evaluate_criteria
from transform.reports import sponsor, team_adoption
from transform.reports.store import report_html
from transform.scoring.estimate import Estimate
from transform.scoring.readiness import COMPONENTS

TODAY = SUITE_DAY
#: Team: (headcount, people trained) -> a training-only index of 69.6, 69.4 and 49.5.
EDGES = {
    "Billing Operations": (250, 174),
    "Records Management": (500, 347),
    "Client Intake": (200, 99),
}


@pytest.fixture
def programme(db):
    load_demo(TODAY)
    return db.session.scalar(select(Programme).where(Programme.name == "Back-office optimisation"))


@pytest.fixture
def demo(programme):
    for name in COMPONENTS:
        setattr(programme, f"weight_{name}", 1.0 if name == "training" else 0.0)
    for name, (headcount, trained) in EDGES.items():
        team = db.session.scalar(select(Team).where(Team.name == name))
        team.headcount = headcount
        db.session.execute(
            delete(TrainingRecord).where(
                TrainingRecord.programme_id == programme.id, TrainingRecord.team_id == team.id
            )
        )
        db.session.add(
            TrainingRecord(
                programme_id=programme.id,
                team_id=team.id,
                recorded_on=programme.starts_on,
                people_trained=trained,
            )
        )
    db.session.flush()
    return programme


def _row(html: str, team: str, after: str = "") -> str:
    html = html[html.index(after) :] if after else html
    start = html.index(f">{team}<") + 1
    return html[start : html.index("</tr>", start)]


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_dashboard_bands_the_number_it_shows(app, demo):
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    page = client.get(f"/programmes/{demo.id}/adoption/").get_data(as_text=True)
    readiness = 'id="readiness"'
    ready = '<strong>70</strong> <span class="readiness-band band-ready">Ready</span>'
    assert ready in _row(page, "Billing Operations", readiness)
    caution = '<strong>69</strong> <span class="readiness-band band-caution">Caution</span>'
    assert caution in _row(page, "Records Management", readiness)
    fifty = '<strong>50</strong> <span class="readiness-band band-caution">Caution</span>'
    assert fifty in _row(page, "Client Intake", readiness)
    assert "Ready from 70, caution from 50" in page


def _api_readiness(app, programme: Programme) -> dict[str, dict]:
    """Each team's readiness as the indices API gives it for the latest ADKAR wave."""
    pmo = db.session.scalar(select(User).where(User.email == "pmo@example.com"))
    _token, secret = create_token(pmo, "labels")
    wave = adkar_waves(programme)[0]
    url = f"/api/v1/programmes/{programme.id}/waves/{wave.id}/indices"
    body = app.test_client().get(url, headers={"Authorization": f"Bearer {secret}"}).json
    return {team["name"]: team["readiness"] for team in body["teams"]}


def test_the_api_gives_the_band_of_the_number_shown(app, demo):
    teams = _api_readiness(app, demo)
    assert teams["Billing Operations"]["value"] == pytest.approx(69.6)
    assert teams["Billing Operations"]["band"] == "ready"
    assert teams["Records Management"]["band"] == "caution"
    assert teams["Client Intake"]["band"] == "caution"


def test_a_gate_asking_for_70_passes_an_index_shown_as_70(demo):
    criterion = db.session.scalar(
        select(GateCriterion).where(
            GateCriterion.kind == GateCriterionKind.READINESS_MINIMUM,
            GateCriterion.gate_id.in_([p.gate.id for p in demo.phases]),
        )
    )
    criterion.threshold = 70
    db.session.flush()
    (result,) = evaluate_criteria(demo, [criterion])
    assert "Records Management (69)" in result.detail
    assert "Client Intake (50)" in result.detail
    assert "Billing Operations" not in result.detail


def test_the_sponsor_report_bands_the_number_it_shows(demo):
    html = report_html(sponsor.build(demo, TODAY), demo, TODAY)
    row = _row(html, "Billing Operations", 'id="adoption"')
    assert '70 <span class="band-ready">Ready</span>' in row
    assert '50 <span class="band-caution">Caution</span>' in _row(
        html, "Client Intake", 'id="adoption"'
    )


def test_the_team_report_bands_the_number_it_shows(demo):
    team_id = db.session.scalar(select(Team.id).where(Team.name == "Billing Operations"))
    html = report_html(team_adoption.build(demo, TODAY, team_id=team_id), demo, TODAY)
    text = _text(html)
    assert "70 Readiness index · ready" in text
    assert "Readiness index 70 Ready" in text
    training = _row(html, "Training", 'id="barriers"')
    assert '<td class="num score-high">70</td>' in training


@pytest.mark.parametrize(
    ("value", "shown", "tone"),
    [(69.6, "70", "score-high"), (69.4, "69", "score-mid"), (49.5, "50", "score-mid")],
)
def test_element_cells_are_coloured_by_the_number_they_show(app, value, shown, tone):
    with app.app_context():
        page = app.jinja_env.get_template("adoption/_figures.html").module
        report = app.jinja_env.get_template("reports/_macros.html").module
        assert (str(page.band(Estimate(value))), str(report.heat(Estimate(value)))) == (
            tone,
            tone,
        )
        assert f"<strong>{shown}</strong>" in str(page.estimate(Estimate(value)))
        assert str(report.estimate(Estimate(value))) == shown


@pytest.fixture
def overloaded(programme):
    """Client Intake carries 53 points of change this month: over a capacity of 40."""
    team = db.session.scalar(select(Team).where(Team.name == "Client Intake"))
    team.change_capacity = 40
    db.session.flush()
    return programme


def test_the_dashboard_names_the_change_load_column_by_what_it_scores(app, overloaded):
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    page = client.get(f"/programmes/{overloaded.id}/adoption/").get_data(as_text=True)
    section = page[page.index('id="readiness"') :]
    assert '<th scope="col" class="num">Change load headroom</th>' in section
    assert "Change load headroom is 100 less this month's change load" in section
    cells = re.findall(r"<td[^>]*>(.*?)</td>", _row(section, "Client Intake"), re.S)
    headroom = _text(cells[4]).strip()
    assert headroom == "0 load 133% of capacity"


def test_the_api_labels_the_component_and_gives_the_load(app, overloaded):
    readiness = _api_readiness(app, overloaded)["Client Intake"]
    load = next(c for c in readiness["components"] if c["name"] == "change_load")
    assert (load["label"], load["value"]) == ("change load headroom", 0.0)
    assert readiness["change_load_percent"] == pytest.approx(132.5)


def test_the_team_report_names_the_component_and_gives_the_load(overloaded):
    team_id = db.session.scalar(select(Team.id).where(Team.name == "Client Intake"))
    html = report_html(team_adoption.build(overloaded, TODAY, team_id=team_id), overloaded, TODAY)
    row = _text(_row(html, "Change load headroom", 'id="barriers"')).strip()
    assert row.startswith("Change load headroom 0 ")
    assert "Change load this month: 133% of capacity" in row


def test_the_sponsor_report_says_which_way_the_component_reads(overloaded):
    html = report_html(sponsor.build(overloaded, TODAY), overloaded, TODAY)
    assert "training and change load headroom (100 less the team's change load" in _text(html)
