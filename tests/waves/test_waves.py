"""Survey waves: creating, opening, closing, issuing links and team links, rates."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.survey_setup import TODAY, survey_world
from transform.extensions import db
from transform.models import SurveyLink, Wave, WaveStatus, WaveTeam
from transform.waves.tokens import token_hash


@pytest.fixture
def world(db):
    return survey_world(status=WaveStatus.DRAFT)


def _url(world, suffix=""):
    return f"/programmes/{world['programme'].id}/waves/{suffix}"


def _wave_form(world, **changes):
    data = {
        "name": "Pulse 2",
        "instrument_id": world["instrument"].id,
        "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + timedelta(days=14)).isoformat(),
        "team_ids": [world["billing"].id, world["records"].id],
    }
    return data | changes


def test_pmo_creates_a_wave_for_chosen_teams(app, world):
    response = factories.logged_in(app).post(
        _url(world, "new"), data=_wave_form(world, team_ids=[world["billing"].id])
    )
    assert response.status_code == 303
    wave = db.session.scalar(select(Wave).where(Wave.name == "Pulse 2"))
    assert wave.status == WaveStatus.DRAFT
    assert [t.team_id for t in wave.teams] == [world["billing"].id]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", b"This field is required."),
        (
            {"closes_on": (TODAY - timedelta(days=1)).isoformat()},
            "closes_on",
            b"cannot close before it opens",
        ),
        (
            {"opens_on": (TODAY - timedelta(days=400)).isoformat()},
            "opens_on",
            b"Must fall within the programme",
        ),
        ({"team_ids": []}, "team_ids", b"Choose at least one team."),
    ],
)
def test_bad_waves_are_refused_at_the_field(app, world, changes, field, message):
    response = factories.logged_in(app).post(_url(world, "new"), data=_wave_form(world, **changes))
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert message in response.data
    assert db.session.scalar(select(func.count()).select_from(Wave)) == 1


def test_only_pmo_admins_create_waves(app, world):
    assert (
        factories.logged_in(app, "sponsor@example.com")
        .post(_url(world, "new"), data=_wave_form(world))
        .status_code
        == 403
    )


def test_a_wave_opens_and_closes(app, world):
    client = factories.logged_in(app)
    wave_id = world["wave"].id
    assert client.post(_url(world, f"{wave_id}/open")).status_code == 303
    assert db.session.get(Wave, wave_id).status == WaveStatus.OPEN
    assert client.post(_url(world, f"{wave_id}/close")).status_code == 303
    assert db.session.get(Wave, wave_id).status == WaveStatus.CLOSED
    again = client.post(_url(world, f"{wave_id}/open"), follow_redirects=True)
    assert b"A closed wave cannot be opened." in again.data


def test_links_download_once_as_csv_and_only_hashes_are_kept(app, world):
    client = factories.logged_in(app)
    response = client.post(
        _url(world, f"{world['wave'].id}/links"), data={"team_id": world["billing"].id, "count": 8}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 8 and {r["team"] for r in rows} == {"Billing"}
    tokens = [r["survey_link"].rsplit("/", 1)[1] for r in rows]
    stored = set(db.session.scalars(select(SurveyLink.token_hash)))
    assert stored == {token_hash(t) for t in tokens}
    assert not any(t in h for t in tokens for h in stored)
    assert client.get(f"/s/{tokens[0]}").status_code == 403
    client.post(_url(world, f"{world['wave'].id}/open"))
    assert client.get(f"/s/{tokens[0]}").status_code == 200


def test_issuing_again_replaces_only_unused_links(app, world):
    client = factories.logged_in(app)
    url = _url(world, f"{world['wave'].id}/links")
    client.post(url, data={"team_id": world["billing"].id, "count": 3})
    used = db.session.scalars(select(SurveyLink)).first()
    used.is_used = True
    db.session.flush()
    client.post(url, data={"team_id": world["billing"].id, "count": 5})
    links = db.session.scalars(select(SurveyLink)).all()
    assert len(links) == 6
    assert sum(link.is_used for link in links) == 1


@pytest.mark.parametrize("count", ["0", "5001", "many"])
def test_link_counts_out_of_range_are_refused(app, world, count):
    response = factories.logged_in(app).post(
        _url(world, f"{world['wave'].id}/links"),
        data={"team_id": world["billing"].id, "count": count},
    )
    assert response.status_code == 422
    assert b'id="count-error"' in response.data
    assert db.session.scalar(select(func.count()).select_from(SurveyLink)) == 0


def test_a_team_link_is_shown_once_and_stored_hashed(app, world):
    response = factories.logged_in(app).post(
        _url(world, f"{world['wave'].id}/team-link"), data={"team_id": world["records"].id}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    link = page.split('readonly value="', 1)[1].split('"', 1)[0]
    token = link.rsplit("/", 1)[1]
    wave_team = db.session.scalar(select(WaveTeam).where(WaveTeam.team_id == world["records"].id))
    assert wave_team.team_link_hash == token_hash(token)
    assert token not in factories.logged_in(app).get(_url(world, str(world["wave"].id))).get_data(
        as_text=True
    )


def test_wave_page_shows_rates_and_polls_while_open(app, world):
    world["wave"].status = WaveStatus.OPEN
    db.session.flush()
    client = factories.logged_in(app)
    page = client.get(_url(world, str(world["wave"].id)))
    assert b'hx-trigger="every 10s"' in page.data
    partial = client.get(_url(world, str(world["wave"].id)), headers={"HX-Request": "true"})
    assert b"<html" not in partial.data and b'id="rates"' in partial.data
    assert "A team's count reads “hidden” when it has fewer than 5".encode() in partial.data


def test_waves_of_other_programmes_are_not_found(app, world):
    factories.user("out@example.com")
    assert (
        factories.logged_in(app, "out@example.com")
        .get(_url(world, str(world["wave"].id)))
        .status_code
        == 404
    )
    other = factories.programme(admin=world["pmo"], name="Other")
    assert (
        factories.logged_in(app)
        .get(f"/programmes/{other.id}/waves/{world['wave'].id}")
        .status_code
        == 404
    )
