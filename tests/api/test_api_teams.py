"""API: reading the org tree, and the all-or-nothing bulk upsert from an HR extract."""

from datetime import UTC, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests import factories
from transform import clock
from transform.api.tokens import create_token
from transform.extensions import db
from transform.models import AuditEvent, Role, Team


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _counts() -> tuple[int, int]:
    teams = db.session.scalar(select(func.count(Team.id)))
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    return teams, events


@pytest.fixture
def org(db):
    """Operations (OPS) above Billing (BIL); Records has no external id.
    Pam is a PMO admin (an org editor); Ari is only a change agent."""
    pam = factories.user("pam@example.com", name="Pam PMO")
    ari = factories.user("ari@example.com", name="Ari Agent")
    factories.programme(admin=pam, members={ari: Role.CHANGE_AGENT})
    ops = Team(name="Operations", external_id="OPS", headcount=40)
    db.session.add(ops)
    db.session.flush()
    billing = Team(name="Billing", external_id="BIL", headcount=12, parent_id=ops.id)
    records = Team(name="Records", headcount=9)
    db.session.add_all([billing, records])
    db.session.flush()
    _token, editor = create_token(pam, "HR sync")
    _token, agent = create_token(ari, "ari laptop")
    return {
        "ops": ops.id,
        "billing": billing.id,
        "records": records.id,
        "pam": pam.id,
        "editor": _bearer(editor),
        "agent": _bearer(agent),
    }


def _team(external_id: str) -> Team:
    return db.session.scalar(select(Team).where(Team.external_id == external_id))


def test_any_token_reads_the_org_tree(client, org):
    response = client.get("/api/v1/teams", headers=org["agent"])
    assert response.status_code == 200
    assert [item["name"] for item in response.json["items"]] == [
        "Billing",
        "Operations",
        "Records",
    ]
    billing = response.json["items"][0]
    assert billing == {
        "id": org["billing"],
        "external_id": "BIL",
        "name": "Billing",
        "parent_id": org["ops"],
        "parent_external_id": "OPS",
        "headcount": 12,
        "version": 1,
        "updated_at": billing["updated_at"],
    }


def test_a_team_is_found_by_its_hr_id_and_read_with_its_parents(client, org):
    found = client.get("/api/v1/teams?external_id=BIL", headers=org["agent"]).json
    assert [item["id"] for item in found["items"]] == [org["billing"]]
    assert client.get("/api/v1/teams?external_id=NOPE", headers=org["agent"]).json["total"] == 0
    team = client.get(f"/api/v1/teams/{org['billing']}", headers=org["agent"]).json
    assert (team["external_id"], team["parent_external_id"]) == ("BIL", "OPS")
    missing = client.get("/api/v1/teams/999999", headers=org["agent"])
    assert missing.status_code == 404


def test_a_sync_reads_only_the_teams_changed_since_its_last_run(client, org):
    before = clock.utcnow()
    clock.set_to(clock.now() + timedelta(hours=2))
    db.session.get(Team, org["records"]).headcount = 10
    db.session.flush()
    since = (before + timedelta(hours=1)).replace(tzinfo=UTC).isoformat()
    changed = client.get(
        "/api/v1/teams", query_string={"updated_since": since}, headers=org["agent"]
    )
    assert [item["name"] for item in changed.json["items"]] == ["Records"]
    as_paris = (
        (before + timedelta(hours=2)).replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=1)))
    )
    assert as_paris.isoformat().endswith("+01:00")
    same = client.get(
        "/api/v1/teams", query_string={"updated_since": as_paris.isoformat()}, headers=org["agent"]
    )
    assert [item["name"] for item in same.json["items"]] == ["Records"]


@pytest.mark.parametrize("value", ["yesterday", "2026-11-20", "2026-11-20T08:00:00"])
def test_an_unreadable_updated_since_is_a_bad_request_naming_the_field(client, org, value):
    response = client.get(
        "/api/v1/teams", query_string={"updated_since": value}, headers=org["agent"]
    )
    assert response.status_code == 400
    assert [error["path"] for error in response.json["errors"]] == ["query/updated_since"]
    assert "offset" in response.json["errors"][0]["message"]


def test_the_tree_filters_by_parent_and_pages(client, org):
    children = client.get(f"/api/v1/teams?parent_id={org['ops']}", headers=org["agent"]).json
    assert [item["id"] for item in children["items"]] == [org["billing"]]
    first = client.get("/api/v1/teams?limit=2", headers=org["agent"]).json
    assert first["total"] == 3 and len(first["items"]) == 2 and "offset=2" in first["next"]
    last = client.get(first["next"], headers=org["agent"]).json
    assert [item["name"] for item in last["items"]] == ["Records"] and last["next"] is None


def test_the_upsert_creates_updates_and_moves_and_is_audited_as_the_api(client, org):
    body = {
        "teams": [
            # A child listed before its new parent still lands under it.
            {
                "external_id": "COL",
                "name": "Collections",
                "parent_external_id": "FIN",
                "headcount": 5,
            },
            {"external_id": "FIN", "name": "Finance", "headcount": 20},
            {
                "external_id": "BIL",
                "name": "Billing",
                "parent_external_id": "FIN",
                "headcount": 12,
            },
            {"external_id": "OPS", "name": "Operations", "headcount": 40},
        ]
    }
    response = client.put("/api/v1/teams", json=body, headers=org["editor"])
    assert response.status_code == 200
    assert response.json == {"created": 2, "updated": 1, "unchanged": 1, "moved": 1}
    finance, collections, billing = _team("FIN"), _team("COL"), _team("BIL")
    assert collections.parent_id == finance.id and billing.parent_id == finance.id
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(["team.created", "team.updated"]))
    ).all()
    assert len(events) == 3
    assert {event.via for event in events} == {"api:HR sync"}
    assert {event.user_id for event in events} == {org["pam"]}
    [moved] = [event for event in events if event.action == "team.updated"]
    assert moved.before["parent_id"] == org["ops"] and moved.after["parent_id"] == finance.id


def test_one_bad_team_refuses_the_whole_extract(client, org):
    before = _counts()
    body = {
        "teams": [
            {"external_id": "NEW", "name": "New team", "headcount": 3},
            {"external_id": "BIL", "name": "Billing renamed", "headcount": 12},
            {"external_id": "LOST", "name": "Lost", "parent_external_id": "NOPE", "headcount": 1},
            {"external_id": "NEW", "name": "New again", "headcount": 4},
        ]
    }
    response = client.put("/api/v1/teams", json=body, headers=org["editor"])
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = {error["path"]: error["message"] for error in response.json["errors"]}
    assert set(errors) == {"body/teams/2/parent_external_id", "body/teams/3/external_id"}
    assert "NOPE" in errors["body/teams/2/parent_external_id"]
    assert errors["body/teams/3/external_id"] == "External id NEW is also at index 0."
    assert _counts() == before
    assert _team("BIL").name == "Billing" and _team("NEW") is None


def test_a_cycle_is_refused_naming_every_team_in_it(client, org):
    before = _counts()
    body = {
        "teams": [
            {"external_id": "X", "name": "X", "parent_external_id": "Y", "headcount": 1},
            {"external_id": "Y", "name": "Y", "parent_external_id": "X", "headcount": 1},
            # Operations under Billing, which is under Operations in the database.
            {
                "external_id": "OPS",
                "name": "Operations",
                "parent_external_id": "BIL",
                "headcount": 40,
            },
        ]
    }
    response = client.put("/api/v1/teams", json=body, headers=org["editor"])
    assert response.status_code == 422
    paths = [error["path"] for error in response.json["errors"]]
    assert sorted(paths) == [
        "body/teams/0/parent_external_id",
        "body/teams/1/parent_external_id",
        "body/teams/2/parent_external_id",
    ]
    messages = " ".join(error["message"] for error in response.json["errors"])
    assert "X → Y → X" in messages and "OPS → BIL → OPS" in messages
    assert "Indexes 0, 1 form a cycle" in messages and "Index 2 forms a cycle" in messages
    assert _counts() == before


def test_a_duplicate_is_placed_by_its_field_whatever_the_id_says(client, org):
    row = {"external_id": "Parent id 7 on row 1", "name": "Odd", "headcount": 1}
    response = client.put("/api/v1/teams", json={"teams": [row, row]}, headers=org["editor"])
    assert response.status_code == 422
    assert response.json["errors"] == [
        {
            "path": "body/teams/1/external_id",
            "message": "External id Parent id 7 on row 1 is also at index 0.",
        }
    ]


def test_invalid_values_are_422_with_their_paths_and_write_nothing(client, org):
    before = _counts()
    body = {
        "teams": [
            {"external_id": "A", "name": " ", "headcount": 1},
            {"external_id": "B", "name": "B", "headcount": -1},
            {"external_id": "C", "name": "C", "headcount": "7"},
            {"external_id": "D", "name": "D", "headcount": 1, "cost_centre": "42"},
            {"name": "E", "headcount": 1},
            {"external_id": "F" * 65, "name": "F", "headcount": 1},
        ]
    }
    response = client.put("/api/v1/teams", json=body, headers=org["editor"])
    assert response.status_code == 422
    assert {error["path"] for error in response.json["errors"]} == {
        "body/teams/0/name",
        "body/teams/1/headcount",
        "body/teams/2/headcount",
        "body/teams/3/cost_centre",
        "body/teams/4/external_id",
        "body/teams/5/external_id",
    }
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"teams": []}, "body/teams"),
        ({"teams": [{"external_id": "A", "name": "A", "headcount": 0}] * 5001}, "body/teams"),
        ({}, "body/teams"),
        ({"teams": [], "replace": True}, "body/replace"),
    ],
)
def test_the_body_itself_is_checked(client, org, body, path):
    response = client.put("/api/v1/teams", json=body, headers=org["editor"])
    assert response.status_code == 422
    assert path in {error["path"] for error in response.json["errors"]}


def test_only_org_editors_may_upsert(client, org):
    before = _counts()
    body = {"teams": [{"external_id": "NEW", "name": "New team", "headcount": 3}]}
    response = client.put("/api/v1/teams", json=body, headers=org["agent"])
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert _counts() == before


def test_a_site_administrator_with_no_programme_may_upsert(client, org):
    admin = factories.user("root@example.com", is_site_admin=True)
    _token, secret = create_token(admin, "ops script")
    body = {"teams": [{"external_id": "NEW", "name": "New team", "headcount": 3}]}
    response = client.put("/api/v1/teams", json=body, headers=_bearer(secret))
    assert response.status_code == 200 and response.json["created"] == 1
