"""Links for every team of a wave in one CSV, counts pre-filled with each headcount."""

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.survey_setup import TODAY, survey_world
from transform.extensions import db
from transform.models import Response, SurveyLink, WaveCollection, WaveStatus
from transform.waves.tokens import token_hash


@pytest.fixture
def world(db):
    return survey_world(status=WaveStatus.DRAFT)


def _url(world) -> str:
    return f"/programmes/{world['programme'].id}/waves/{world['wave'].id}/links/all"


def _counts(world, billing, records) -> dict:
    return {f"count_{world['billing'].id}": billing, f"count_{world['records'].id}": records}


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_form_lists_every_team_with_its_headcount_pre_filled(app, world):
    page = factories.logged_in(app).get(_url(world)).get_data(as_text=True)
    billing, records = world["billing"].id, world["records"].id
    assert re.search(rf'id="count_{billing}"[^>]*value="8"', page)
    assert re.search(rf'id="count_{records}"[^>]*value="3"', page)
    assert f'<label for="count_{billing}">Billing</label>' in page


def test_one_csv_holds_every_teams_links(app, world):
    response = factories.logged_in(app).post(_url(world), data=_counts(world, 8, 3))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert 'filename="pulse-1-all-teams-links.csv"' in response.headers["Content-Disposition"]
    rows = _rows(response)
    assert [r["team"] for r in rows].count("Billing") == 8
    assert [r["team"] for r in rows].count("Records") == 3
    assert {r["team_id"] for r in rows} == {"B-1", "R-1"}
    tokens = {r["survey_link"].rsplit("/", 1)[1] for r in rows}
    assert set(db.session.scalars(select(SurveyLink.token_hash))) == {
        token_hash(t) for t in tokens
    }


def test_counts_are_editable_and_zero_leaves_a_team_alone(app, world):
    client = factories.logged_in(app)
    client.post(
        f"/programmes/{world['programme'].id}/waves/{world['wave'].id}/links",
        data={"team_id": world["records"].id, "count": 2},
    )
    rows = _rows(client.post(_url(world), data=_counts(world, 5, 0)))
    assert {r["team"] for r in rows} == {"Billing"} and len(rows) == 5
    per_team = dict(
        db.session.execute(
            select(SurveyLink.team_id, func.count()).group_by(SurveyLink.team_id)
        ).all()
    )
    assert per_team == {world["billing"].id: 5, world["records"].id: 2}


def test_a_count_over_a_headcount_refuses_every_team_at_its_field(app, world):
    response = factories.logged_in(app).post(_url(world), data=_counts(world, 8, 4))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="count_{world["records"].id}-error"' in page
    assert "Records has 3 people" in page
    assert db.session.scalar(select(func.count()).select_from(SurveyLink)) == 0


@pytest.mark.parametrize(
    ("billing", "message"), [("-1", "From 0 to 5000."), ("x", ""), ("9" * 400, "From 0 to 5000.")]
)
def test_bad_counts_are_refused_at_the_field(app, world, billing, message):
    response = factories.logged_in(app).post(_url(world), data=_counts(world, billing, 3))
    assert response.status_code == 422
    assert f'id="count_{world["billing"].id}-error"'.encode() in response.data
    assert message.encode() in response.data
    assert db.session.scalar(select(func.count()).select_from(SurveyLink)) == 0


def test_all_zero_asks_for_at_least_one_link(app, world):
    response = factories.logged_in(app).post(_url(world), data=_counts(world, 0, 0))
    assert response.status_code == 422
    assert b"Ask for at least one link." in response.data


def test_an_import_wave_takes_no_links(app, world):
    world["wave"].collection = WaveCollection.IMPORT
    db.session.flush()
    response = factories.logged_in(app).post(_url(world), data=_counts(world, 8, 3))
    assert response.status_code == 422
    assert b"collects imported responses" in response.data
    assert db.session.scalar(select(func.count()).select_from(SurveyLink)) == 0


def test_only_pmo_admins_issue_every_teams_links(app, world):
    sponsor = factories.logged_in(app, "sponsor@example.com")
    assert sponsor.get(_url(world)).status_code == 403
    assert sponsor.post(_url(world), data=_counts(world, 8, 3)).status_code == 403


def test_the_wave_page_links_to_the_form(app, world):
    page = factories.logged_in(app).get(
        f"/programmes/{world['programme'].id}/waves/{world['wave'].id}"
    )
    assert _url(world).encode() in page.data


def test_a_small_teams_answered_links_do_not_show_in_its_pre_filled_count(app, world):
    client = factories.logged_in(app)
    client.post(
        f"/programmes/{world['programme'].id}/waves/{world['wave'].id}/links",
        data={"team_id": world["billing"].id, "count": 4},
    )
    for link in db.session.scalars(select(SurveyLink)).all()[:2]:
        link.is_used = True
        db.session.add(
            Response(wave_id=world["wave"].id, team_id=world["billing"].id, submitted_on=TODAY)
        )
    db.session.flush()
    page = client.get(_url(world)).get_data(as_text=True)
    assert re.search(rf'id="count_{world["billing"].id}"[^>]*value="8"', page)
