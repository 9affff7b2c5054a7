"""Editing and archiving a programme."""

import pytest
from sqlalchemy import func, select

from tests import factories
from transform.extensions import db
from transform.models import (
    AgentAssignment,
    AuditEvent,
    Membership,
    Programme,
    ProgrammeStatus,
    Response,
    Role,
    Team,
    Wave,
)
from transform.models.survey import Instrument


@pytest.fixture
def setting(db, auth):
    pmo = factories.user("pmo@example.com", name="Pam PMO")
    sponsor = factories.user("sponsor@example.com", name="Sol Sponsor")
    programme = factories.programme(admin=pmo, members={sponsor: Role.SPONSOR})
    auth.login("pmo@example.com")
    return programme


def _form(programme: Programme, **changes) -> dict:
    data = {
        "version": programme.version,
        "name": programme.name,
        "organisation": "Acme",
        "description": "Why we change",
        "starts_on": programme.starts_on.isoformat(),
        "ends_on": programme.ends_on.isoformat(),
        "target_adoption_rate": "75",
        "anonymity_threshold": "5",
        "comment_threshold": "10",
        "people_per_agent": "40",
    }
    return data | changes


def test_pmo_edits_the_programme(client, setting):
    response = client.post(f"/programmes/{setting.id}/edit", data=_form(setting, name="Renamed"))
    assert response.status_code == 303
    saved = db.session.get(Programme, setting.id)
    assert (saved.name, saved.organisation, saved.people_per_agent) == ("Renamed", "Acme", 40)
    assert saved.target_adoption_rate == 75.0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", b"This field is required."),
        ({"ends_on": "2025-01-01"}, "ends_on", b"The end date must not be before the start date."),
        ({"starts_on": "2026-03-01"}, "starts_on", b"start no later"),
        ({"ends_on": "2026-11-01"}, "ends_on", b"end no earlier"),
        ({"anonymity_threshold": "2"}, "anonymity_threshold", b"At least 3."),
        ({"comment_threshold": "4"}, "comment_threshold", b"Must be at least the anonymity"),
    ],
)
def test_bad_programme_edits_are_refused_at_the_field(client, setting, changes, field, message):
    response = client.post(f"/programmes/{setting.id}/edit", data=_form(setting, **changes))
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert message in response.data
    assert db.session.get(Programme, setting.id).name == "Test programme"


def test_a_stale_programme_edit_is_refused(client, setting):
    stale = _form(setting, name="Mine", version=setting.version - 1)
    response = client.post(f"/programmes/{setting.id}/edit", data=stale)
    assert response.status_code == 409
    assert b"Someone changed this programme" in response.data
    assert db.session.get(Programme, setting.id).name == "Test programme"


def test_thresholds_cannot_be_lowered_once_responses_exist(client, setting):
    team = Team(name="Billing", headcount=10)
    instrument = Instrument(name="Pulse")
    db.session.add_all([team, instrument])
    db.session.flush()
    wave = Wave(
        programme_id=setting.id,
        instrument_id=instrument.id,
        name="W1",
        opens_on=setting.starts_on,
        closes_on=setting.starts_on,
    )
    db.session.add(wave)
    db.session.flush()
    db.session.add(Response(wave_id=wave.id, team_id=team.id, submitted_on=setting.starts_on))
    response = client.post(
        f"/programmes/{setting.id}/edit", data=_form(setting, anonymity_threshold="4")
    )
    assert response.status_code == 422
    assert b"can be raised but never lowered" in response.data
    raised = client.post(
        f"/programmes/{setting.id}/edit",
        data=_form(db.session.get(Programme, setting.id), anonymity_threshold="6"),
    )
    assert raised.status_code == 303


def test_archived_programmes_are_read_only_and_hidden_by_default(client, auth, setting):
    assert client.post(f"/programmes/{setting.id}/archive").status_code == 303
    assert db.session.get(Programme, setting.id).status == ProgrammeStatus.ARCHIVED
    assert b"Test programme" not in client.get("/programmes/").data.split(b'id="main"')[1]
    assert b"Test programme" in client.get("/programmes/?archived=1").data
    assert client.get(f"/programmes/{setting.id}").status_code == 200
    assert client.post(f"/programmes/{setting.id}/edit", data=_form(setting)).status_code == 403
    phase = setting.phases[0]
    assert (
        client.post(f"/programmes/{setting.id}/phases/{phase.id}/edit", data={}).status_code == 403
    )
    assert client.post(f"/programmes/{setting.id}/restore").status_code == 303
    assert db.session.get(Programme, setting.id).status == ProgrammeStatus.ACTIVE


def test_only_pmo_admins_edit_or_archive(client, auth, setting):
    client.post("/auth/logout")
    auth.login("sponsor@example.com")
    assert client.get(f"/programmes/{setting.id}/edit").status_code == 403
    assert client.post(f"/programmes/{setting.id}/archive").status_code == 403
    assert b"Edit programme" not in client.get(f"/programmes/{setting.id}").data


def test_pmo_admins_manage_their_programmes_people(client, setting):
    newcomer = factories.user("agent@example.com", name="Ari Agent")
    url = f"/programmes/{setting.id}/members"
    page = client.get(url)
    assert page.status_code == 200 and b"Sol Sponsor" in page.data
    assert (
        client.post(url, data={"user_id": newcomer.id, "role": "change_agent"}).status_code == 303
    )
    membership = db.session.scalar(select(Membership).where(Membership.user_id == newcomer.id))
    assert membership.programme_id == setting.id and membership.role == Role.CHANGE_AGENT
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "membership")
    ).all()
    assert "membership.created" in actions
    membership_id = membership.id
    removed = client.post(f"{url}/{membership_id}/remove")
    assert removed.status_code == 303
    assert db.session.get(Membership, membership_id) is None


def test_only_pmo_admins_manage_people(client, auth, setting):
    client.post("/auth/logout")
    auth.login("sponsor@example.com")
    assert client.get(f"/programmes/{setting.id}/members").status_code == 403
    assert b"/members" not in client.get(f"/programmes/{setting.id}").data


def test_a_person_who_stops_being_a_change_agent_covers_no_team(client, setting):
    agent = factories.user("agent@example.com", name="Ari Agent")
    team = Team(name="Billing", headcount=4)
    db.session.add(team)
    db.session.flush()
    db.session.add(Membership(programme_id=setting.id, user_id=agent.id, role=Role.CHANGE_AGENT))
    db.session.add(
        AgentAssignment(
            programme_id=setting.id,
            team_id=team.id,
            user_id=agent.id,
            assigned_on=setting.starts_on,
        )
    )
    db.session.flush()
    url = f"/programmes/{setting.id}/members"
    assert client.post(url, data={"user_id": agent.id, "role": "sponsor"}).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(AgentAssignment)) == 0


def test_the_programmes_menu_lists_the_users_own_programmes_only(client, setting):
    other_admin = factories.user("other@example.com")
    factories.programme(admin=other_admin, name="Someone else's programme")
    page = client.get("/methodologies/").get_data(as_text=True)
    menu = page[page.index("<summary>Programmes</summary>") : page.index("All my programmes")]
    assert setting.name in menu and "PMO admin" in menu
    assert "Someone else's programme" not in menu


def test_dates_are_written_the_way_the_browsers_locale_writes_them(app):
    """A US browser's date fields read month first, so its pages do too; the default is
    day first."""
    programme = factories.programme(admin=factories.user("pmo@example.com"))
    client = factories.logged_in(app, "pmo@example.com")
    url = f"/programmes/{programme.id}"
    starts = programme.starts_on
    us = client.get(url, headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert f"{starts:%b} {starts.day}, {starts.year}" in us and 'lang="en-US"' in us
    gb = client.get(url).get_data(as_text=True)
    assert f"{starts.day} {starts:%b} {starts.year}" in gb and 'lang="en-GB"' in gb
