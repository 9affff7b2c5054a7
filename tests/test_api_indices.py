"""A wave's indices over the API: the dashboard's figures, never a suppressed one, ETags."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import SUITE_DAY
from transform import clock
from transform.adoption.service import wave_dashboard
from transform.api.tokens import create_token
from transform.demo import load_demo
from transform.extensions import db
from transform.models import Answer, Programme, Response, Team, User, Wave
from transform.scoring.adkar import ADKAR

TODAY = SUITE_DAY
BACKOFFICE = "Back-office optimisation"
OUTSOURCING = "Customer support outsourcing"
SUPPRESSED = ("Payroll", "Accounts Payable")
#: What names an entry rather than measures it.
IDENTITY = {"team_id", "parent_id", "depth"}


@pytest.fixture
def demo(db):
    load_demo(TODAY)
    programmes = {p.name: p for p in db.session.scalars(select(Programme))}
    programme, other = programmes[BACKOFFICE], programmes[OUTSOURCING]
    waves = {(w.programme_id, w.name): w for w in db.session.scalars(select(Wave))}
    return {
        "programme": programme,
        "other": other,
        "pulse": waves[(programme.id, "Adoption pulse 3")],
        "readiness": waves[(programme.id, "Readiness baseline")],
        "other_pulse": waves[(other.id, "Adoption pulse 1")],
        "teams": {t.name: t.id for t in db.session.scalars(select(Team))},
    }


def _bearer(email: str = "pmo@example.com", name: str = "Dashboard") -> dict:
    user = db.session.scalar(select(User).where(User.email == email))
    _token, secret = create_token(user, name)
    return {"Authorization": f"Bearer {secret}"}


def _url(programme_id: int, wave_id: int) -> str:
    return f"/api/v1/programmes/{programme_id}/waves/{wave_id}/indices"


def _numbers(value) -> list:
    """Every number in a JSON value, however deep."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    return [n for item in value for n in _numbers(item)]


def _estimate(estimate) -> dict:
    return {
        "value": estimate.value,
        "ci_low": estimate.ci_low,
        "ci_high": estimate.ci_high,
        "n": estimate.n,
        "reason": estimate.reason,
    }


def test_suppressed_teams_carry_words_and_no_number_at_all(client, demo):
    programme_id, pulse_id = demo["programme"].id, demo["pulse"].id
    response = client.get(_url(programme_id, pulse_id), headers=_bearer("agent@example.com"))
    assert response.status_code == 200
    teams = {entry["name"]: entry for entry in response.json["teams"]}
    for name in SUPPRESSED:
        entry = teams[name]
        assert entry["state"] == "below_threshold"
        assert entry["message"] == "fewer than 5 responses"
        assert entry["n"] is None and entry["adoption_index"] is None
        assert entry["readiness"] is None and entry["elements"] is None
        measured = {key: value for key, value in entry.items() if key not in IDENTITY}
        assert _numbers(measured) == [], name
    # Every entry not shown is as bare, wherever it sits in the tree.
    for entry in response.json["teams"]:
        if entry["state"] != "shown":
            measured = {key: value for key, value in entry.items() if key not in IDENTITY}
            assert _numbers(measured) == []


def test_the_figures_are_the_dashboards(client, demo):
    programme, pulse = demo["programme"], demo["pulse"]
    dashboard = wave_dashboard(programme, pulse, None, clock.today())
    response = client.get(_url(programme.id, pulse.id), headers=_bearer())
    body = response.json
    assert body["threshold"] == dashboard.threshold == 5
    assert [entry["team_id"] for entry in body["teams"]] == [r.team_id for r in dashboard.rows]
    assert body["total"]["n"] == dashboard.total.n
    assert body["total"]["adoption_index"] == _estimate(dashboard.total.adoption_index)
    assert body["readiness_wave_id"] == demo["readiness"].id
    shown = 0
    for entry, row in zip(body["teams"], dashboard.rows, strict=True):
        assert entry["state"] == row.state.value
        if row.state.value != "shown":
            continue
        shown += 1
        assert entry["n"] == row.n
        assert entry["adoption_index"] == _estimate(row.adoption_index)
        assert entry["adoption_rate"] == _estimate(row.adoption_rate)
        assert entry["elements"] == {
            name: _estimate(e) for name, e in zip(ADKAR, row.elements, strict=True)
        }
        assert entry["barrier_point"] == row.barrier_point
        readiness = row.readiness.result
        assert entry["readiness"]["value"] == readiness.value
        assert entry["readiness"]["band"] == (readiness.band.value if readiness.band else None)
        assert [c["name"] for c in entry["readiness"]["components"]] == [
            c.name for c in readiness.components
        ]
        assert [c["value"] for c in entry["readiness"]["components"]] == [
            c.value for c in readiness.components
        ]
    assert shown >= 5
    finance = next(entry for entry in body["teams"] if entry["name"] == "Finance")
    assert finance["state"] == "shown" and finance["parent_id"] is not None


def test_a_team_filter_limits_the_rows_to_its_subtree(client, demo):
    programme_id, pulse_id, teams = demo["programme"].id, demo["pulse"].id, demo["teams"]
    headers = _bearer()
    response = client.get(
        _url(programme_id, pulse_id) + f"?team_id={teams['Finance']}", headers=headers
    )
    assert response.status_code == 200
    assert [entry["name"] for entry in response.json["teams"]] == [
        "Finance",
        "Accounts Payable",
        "Payroll",
    ]
    unknown = client.get(
        _url(programme_id, pulse_id) + f"?team_id={teams['Tier 1 Chat']}", headers=headers
    )
    assert unknown.status_code == 422
    assert unknown.json["errors"][0]["path"] == "query/team_id"


def test_the_etag_holds_while_nothing_changes_and_moves_with_a_response(client, demo):
    programme_id, pulse_id = demo["programme"].id, demo["pulse"].id
    billing = demo["teams"]["Billing Operations"]
    headers = _bearer()
    url = _url(programme_id, pulse_id)
    first = client.get(url, headers=headers)
    etag = first.headers["ETag"]
    assert etag and client.get(url, headers=headers).headers["ETag"] == etag
    cached = client.get(url, headers=headers | {"If-None-Match": etag})
    assert cached.status_code == 304 and cached.data == b""
    # A respondent answers (a wave collecting through links takes no imports).
    response = Response(wave_id=pulse_id, team_id=billing, submitted_on=date(2026, 11, 21))
    response.answers = [
        Answer(item_id=item.id, value=5) for item in demo["pulse"].instrument.items
    ]
    db.session.add(response)
    db.session.flush()
    after = client.get(url, headers=headers | {"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert after.json["total"]["n"] == first.json["total"]["n"] + 1


def test_only_adkar_waves_have_indices(client, demo):
    response = client.get(_url(demo["programme"].id, demo["readiness"].id), headers=_bearer())
    assert response.status_code == 404
    assert response.json["detail"] == "Indices exist for ADKAR waves only."


def test_a_token_cannot_reach_another_programmes_indices(client, demo):
    other, other_pulse = demo["other"].id, demo["other_pulse"].id
    programme_id = demo["programme"].id
    sponsor = _bearer("sponsor@example.com")
    assert client.get(_url(other, other_pulse), headers=sponsor).status_code == 404
    assert client.get(_url(programme_id, other_pulse), headers=_bearer()).status_code == 404
