"""API: reading a programme's feedback log, and logging feedback as a change agent."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.factories import SUITE_DAY
from transform.api.tokens import create_token
from transform.extensions import db
from transform.models import (
    AgentAssignment,
    AuditEvent,
    FeedbackEntry,
    ImpactedTeam,
    Programme,
    ProgrammeStatus,
    Role,
    Team,
)

TODAY = SUITE_DAY


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _entries() -> int:
    return db.session.scalar(select(func.count(FeedbackEntry.id)))


@pytest.fixture
def world(db):
    """Billing (with its child Collections) and Records are impacted; Archive is not.
    Ari covers Billing and Collections, Bo covers Records. Each person has a token."""
    people = {
        "pmo": factories.user("pmo@example.com", name="Pam PMO"),
        "ari": factories.user("ari@example.com", name="Ari Agent"),
        "bo": factories.user("bo@example.com", name="Bo Agent"),
        "sponsor": factories.user("sponsor@example.com", name="Sol Sponsor"),
        "outsider": factories.user("out@example.com", name="Oz Outsider"),
    }
    programme = factories.programme(
        admin=people["pmo"],
        members={
            people["ari"]: Role.CHANGE_AGENT,
            people["bo"]: Role.CHANGE_AGENT,
            people["sponsor"]: Role.SPONSOR,
        },
        starts_on=TODAY - timedelta(days=100),
        ends_on=TODAY + timedelta(days=100),
    )
    factories.programme(admin=people["outsider"], name="Elsewhere")
    billing = Team(name="Billing", headcount=12)
    archive = Team(name="Archive", headcount=3)
    db.session.add_all([billing, archive])
    db.session.flush()
    collections = Team(name="Collections", headcount=6, parent_id=billing.id)
    records = Team(name="Records", headcount=9)
    db.session.add_all([collections, records])
    db.session.flush()
    for team in (billing, collections, records):
        db.session.add(ImpactedTeam(programme_id=programme.id, team_id=team.id))
    for agent, team in (("ari", billing), ("ari", collections), ("bo", records)):
        db.session.add(
            AgentAssignment(
                programme_id=programme.id,
                team_id=team.id,
                user_id=people[agent].id,
                assigned_on=programme.starts_on,
            )
        )
    db.session.flush()
    world = {
        "programme": programme.id,
        "url": f"/api/v1/programmes/{programme.id}/feedback",
        "billing": billing.id,
        "collections": collections.id,
        "records": records.id,
        "archive": archive.id,
        "ids": {name: person.id for name, person in people.items()},
    }
    for name, person in people.items():
        world[name] = _bearer(create_token(person, f"{name} app")[1])
    return world


def _log(world, agent: str, team: str, observed_on: date, text: str = "Noted.") -> int:
    entry = FeedbackEntry(
        programme_id=world["programme"],
        team_id=world[team],
        agent_id=world["ids"][agent],
        observed_on=observed_on,
        observed_stage="knowledge",
        sentiment=1,
        text=text,
    )
    db.session.add(entry)
    db.session.flush()
    return entry.id


def _body(world, **changes) -> dict:
    body = {
        "team_id": world["billing"],
        "observed_on": TODAY.isoformat(),
        "observed_stage": "knowledge",
        "sentiment": -1,
        "resistance": "medium",
        "barrier": "no_time_for_training",
        "text": "Training sessions clash with month-end.",
    }
    return body | changes


def test_every_member_reads_the_log_newest_first(client, world):
    older = _log(world, "ari", "billing", TODAY - timedelta(days=5), "Older.")
    newer = _log(world, "bo", "records", TODAY - timedelta(days=1), "Newer.")
    for reader in ("sponsor", "bo", "pmo"):
        response = client.get(world["url"], headers=world[reader])
        assert response.status_code == 200
        assert [item["id"] for item in response.json["items"]] == [newer, older]
    item = response.json["items"][1]
    assert item == {
        "id": older,
        "team_id": world["billing"],
        "agent_id": world["ids"]["ari"],
        "agent_name": "Ari Agent",
        "observed_on": (TODAY - timedelta(days=5)).isoformat(),
        "observed_stage": "knowledge",
        "sentiment": 1,
        "resistance": "none",
        "barrier": "none",
        "text": "Older.",
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
        "version": 1,
    }
    assert item["created_at"].endswith("Z")


def test_the_log_filters_by_team_subtree_and_dates_and_pages(client, world):
    on_billing = _log(world, "ari", "billing", TODAY - timedelta(days=10))
    on_collections = _log(world, "ari", "collections", TODAY - timedelta(days=4))
    _log(world, "bo", "records", TODAY - timedelta(days=2))
    headers = world["sponsor"]

    def ids(query: str) -> list[int]:
        return [
            item["id"] for item in client.get(world["url"] + query, headers=headers).json["items"]
        ]

    assert ids(f"?team_id={world['billing']}") == [on_collections, on_billing]
    assert ids(f"?team_id={world['collections']}") == [on_collections]
    since = (TODAY - timedelta(days=5)).isoformat()
    until = (TODAY - timedelta(days=3)).isoformat()
    assert ids(f"?date_from={since}&date_to={until}") == [on_collections]
    first = client.get(world["url"] + "?limit=2", headers=headers).json
    assert first["total"] == 3 and len(first["items"]) == 2
    last = client.get(first["next"], headers=headers).json
    assert [item["id"] for item in last["items"]] == [on_billing] and last["next"] is None


@pytest.mark.parametrize("value", ["0", "2026-01-01T00:00:00", "2026-1-1", "soon"])
def test_filter_dates_are_written_yyyy_mm_dd(client, world, value):
    response = client.get(world["url"] + f"?date_from={value}", headers=world["sponsor"])
    assert response.status_code == 422
    assert [error["path"] for error in response.json["errors"]] == ["query/date_from"]


def test_a_backwards_date_range_is_422(client, world):
    query = f"?date_from={TODAY.isoformat()}&date_to={(TODAY - timedelta(days=1)).isoformat()}"
    response = client.get(world["url"] + query, headers=world["sponsor"])
    assert response.status_code == 422
    assert [error["path"] for error in response.json["errors"]] == ["query/date_to"]


def test_a_token_cannot_reach_another_programme(client, world):
    _log(world, "ari", "billing", TODAY)
    before = _entries()
    listing = client.get(world["url"], headers=world["outsider"])
    assert listing.status_code == 404 and "Noted." not in listing.get_data(as_text=True)
    posted = client.post(world["url"], json=_body(world), headers=world["outsider"])
    assert posted.status_code == 404
    assert _entries() == before


def test_an_agent_logs_for_an_own_team_and_the_audit_names_the_token(client, world):
    response = client.post(world["url"], json=_body(world), headers=world["ari"])
    assert response.status_code == 201
    body = response.json
    entry = db.session.get(FeedbackEntry, body["id"])
    assert entry.agent_id == world["ids"]["ari"] and entry.team_id == world["billing"]
    assert entry.text == "Training sessions clash with month-end."
    assert body["agent_name"] == "Ari Agent" and body["barrier"] == "no_time_for_training"
    assert body["sentiment"] == -1 and body["version"] == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "feedback.created"))
    assert event.via == "api:ari app" and event.user_id == world["ids"]["ari"]
    assert event.entity_id == entry.id and event.after["resistance"] == "medium"


def test_an_agent_cannot_log_for_another_agents_team(client, world):
    before = _entries()
    response = client.post(
        world["url"], json=_body(world, team_id=world["records"]), headers=world["ari"]
    )
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "not assigned" in response.json["detail"]
    assert _entries() == before


def test_a_pmo_admin_logs_for_any_impacted_team_and_a_sponsor_for_none(client, world):
    body = _body(world, team_id=world["records"])
    assert client.post(world["url"], json=body, headers=world["sponsor"]).status_code == 403
    assert client.post(world["url"], json=body, headers=world["pmo"]).status_code == 201
    assert _entries() == 1


def test_a_team_the_programme_does_not_impact_is_404(client, world):
    body = _body(world, team_id=world["archive"])
    response = client.post(world["url"], json=body, headers=world["pmo"])
    assert response.status_code == 404
    missing = client.post(world["url"], json=_body(world, team_id=999999), headers=world["pmo"])
    assert missing.status_code == 404
    assert _entries() == 0


def test_an_archived_programme_takes_no_feedback(client, world):
    db.session.get(Programme, world["programme"]).status = ProgrammeStatus.ARCHIVED
    response = client.post(world["url"], json=_body(world), headers=world["ari"])
    assert response.status_code == 403 and _entries() == 0


def test_invalid_values_are_422_with_their_paths_and_write_nothing(client, world):
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    body = _body(
        world,
        observed_on=(TODAY + timedelta(days=1)).isoformat(),
        observed_stage="denial",
        sentiment=3,
        resistance="extreme",
        barrier="bad_vibes",
        text="   ",
        mood="grumpy",
    )
    response = client.post(world["url"], json=body, headers=world["ari"])
    assert response.status_code == 422
    errors = {error["path"]: error["message"] for error in response.json["errors"]}
    assert set(errors) == {
        "body/observed_on",
        "body/observed_stage",
        "body/sentiment",
        "body/resistance",
        "body/barrier",
        "body/text",
        "body/mood",
    }
    assert "future" in errors["body/observed_on"]
    assert _entries() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"team_id": None}, "body/team_id"),
        ({"sentiment": "1"}, "body/sentiment"),
        ({"sentiment": True}, "body/sentiment"),
        ({"text": "x" * 5001}, "body/text"),
        ({"text": "nul\x00byte"}, "body/text"),
        ({"observed_on": "yesterday"}, "body/observed_on"),
        ({"observed_on": 0}, "body/observed_on"),
        ({"resistance": None}, "body/resistance"),
    ],
)
def test_each_field_is_checked(client, world, changes, path):
    response = client.post(world["url"], json=_body(world, **changes), headers=world["ari"])
    assert response.status_code == 422
    assert [error["path"] for error in response.json["errors"]] == [path]
    assert _entries() == 0


def test_a_date_before_the_programme_started_is_422(client, world):
    body = _body(world, observed_on=(TODAY - timedelta(days=101)).isoformat())
    response = client.post(world["url"], json=body, headers=world["ari"])
    assert response.status_code == 422
    assert response.json["errors"] == [
        {"path": "body/observed_on", "message": "The date is before the programme started."}
    ]
    assert _entries() == 0
