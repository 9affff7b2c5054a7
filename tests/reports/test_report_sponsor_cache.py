"""The sponsor report takes the wave's scored figures from the dashboard cache when they
are for the current data, and scores the wave itself when they are not."""

import re

from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform.demo import DEMO_PASSWORD
from transform.extensions import db
from transform.indices import service
from transform.indices.service import adkar_waves
from transform.models import Team, WaveTeam
from transform.reports import sponsor
from transform.waves.service import issue_team_link


def _scorings(monkeypatch) -> list:
    calls = []
    score = service.wave_dashboard
    monkeypatch.setattr(
        service, "wave_dashboard", lambda *args: calls.append(args) or score(*args)
    )
    return calls


def _view_dashboard(app, programme) -> None:
    client = factories.logged_in(app, "pmo@example.com", DEMO_PASSWORD)
    assert client.get(f"/programmes/{programme.id}/adoption/").status_code == 200


def _figures(dashboard) -> list[tuple]:
    return [
        (row.name, row.state, row.n, row.adoption_index, row.adoption_rate, row.elements)
        for row in [dashboard.total, *dashboard.rows]
    ]


def test_a_report_after_a_dashboard_view_does_not_score_again(app, demo, monkeypatch):
    _view_dashboard(app, demo)
    scorings = _scorings(monkeypatch)
    content = sponsor.build(demo, SUITE_DAY)
    assert scorings == []
    fresh = service.wave_dashboard(demo, adkar_waves(demo)[0], None, SUITE_DAY)
    assert content.context["dashboard"].wave == fresh.wave
    assert _figures(content.context["dashboard"]) == _figures(fresh)


def test_a_report_after_new_data_scores_it_even_within_the_pages_window(app, demo, monkeypatch):
    # The page may show a dashboard a while stale; a report stored under the current
    # data stamp may not.
    monkeypatch.setitem(app.config, "DASHBOARD_MAX_STALENESS_SECONDS", 3600)
    _view_dashboard(app, demo)
    before = _billing_operations(sponsor.build(demo, SUITE_DAY).context["dashboard"]).n
    _answer_for_billing_operations(app, demo)
    scorings = _scorings(monkeypatch)
    after = _billing_operations(sponsor.build(demo, SUITE_DAY).context["dashboard"]).n
    assert after == before + 1
    assert len(scorings) == 1


def _billing_operations(dashboard):
    return next(row for row in dashboard.rows if row.name == "Billing Operations")


def _answer_for_billing_operations(app, programme) -> None:
    wave = adkar_waves(programme)[0]
    team_id = db.session.scalar(select(Team.id).where(Team.name == "Billing Operations"))
    wave_team = db.session.scalar(
        select(WaveTeam).where(WaveTeam.wave_id == wave.id, WaveTeam.team_id == team_id)
    )
    token = issue_team_link(wave_team)
    db.session.commit()
    client = app.test_client()
    page = client.get(f"/t/{token}").get_data(as_text=True)
    answers = dict.fromkeys(re.findall(r'name="(item-[^"]+)"', page), "2")
    assert client.post(f"/t/{token}", data=answers).status_code == 303
