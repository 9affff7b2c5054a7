"""API: the programmes a token's owner belongs to, their phases and stage gates."""

from datetime import date

import pytest

from tests import factories
from transform import clock
from transform.api.tokens import create_token
from transform.extensions import db
from transform.models import (
    GateCriterion,
    GateCriterionKind,
    GateDecisionKind,
    Programme,
    ProgrammeStatus,
    Role,
)


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def world(db):
    """Pat is PMO admin of Alpha, sponsor of Beta; nobody gave Pat a place in Gamma."""
    pat = factories.user("pat@example.com", name="Pat Member")
    sponsor = factories.user("sol@example.com", name="Sol Sponsor")
    alpha = factories.programme(
        admin=pat, members={sponsor: Role.SPONSOR}, name="Alpha", starts_on=date(2026, 3, 2)
    )
    beta = factories.programme(members={pat: Role.SPONSOR}, name="Beta")
    gamma = factories.programme(name="Gamma")
    _token, secret = create_token(pat, "dashboard")
    return {
        "alpha": alpha.id,
        "beta": beta.id,
        "gamma": gamma.id,
        "sponsor": sponsor,
        "secret": secret,
    }


def test_lists_only_the_owners_programmes_with_their_role(client, world):
    response = client.get("/api/v1/programmes", headers=_bearer(world["secret"]))
    assert response.status_code == 200
    page = response.json
    assert page["total"] == 2 and page["next"] is None
    by_name = {item["name"]: item for item in page["items"]}
    assert set(by_name) == {"Alpha", "Beta"}
    assert by_name["Alpha"] == {
        "id": world["alpha"],
        "name": "Alpha",
        "status": "active",
        "starts_on": "2026-03-02",
        "ends_on": "2026-12-18",
        "role": "admin",
        "anonymity_threshold": 5,
        "target_adoption_rate": 80.0,
        "updated_at": by_name["Alpha"]["updated_at"],
    }
    assert by_name["Beta"]["role"] == "sponsor"


def test_archived_programmes_are_listed_only_on_request(client, world):
    db.session.get(Programme, world["beta"]).status = ProgrammeStatus.ARCHIVED
    headers = _bearer(world["secret"])
    names = [
        item["name"] for item in client.get("/api/v1/programmes", headers=headers).json["items"]
    ]
    assert names == ["Alpha"]
    response = client.get("/api/v1/programmes?include_archived=true", headers=headers)
    assert {item["status"] for item in response.json["items"]} == {"active", "archived"}


def test_include_archived_takes_true_or_false_only(client, world):
    response = client.get(
        "/api/v1/programmes?include_archived=yes", headers=_bearer(world["secret"])
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["path"] == "query/include_archived"


def test_the_list_pages_with_a_next_link(client, world):
    headers = _bearer(world["secret"])
    first = client.get("/api/v1/programmes?limit=1", headers=headers).json
    assert first["total"] == 2 and first["limit"] == 1 and first["offset"] == 0
    assert len(first["items"]) == 1 and "offset=1" in first["next"]
    second = client.get(first["next"], headers=headers).json
    assert len(second["items"]) == 1 and second["next"] is None
    assert first["items"][0]["id"] != second["items"][0]["id"]


def test_an_invalid_page_query_is_422_naming_the_parameter(client, world):
    response = client.get("/api/v1/programmes?limit=0&offset=-1", headers=_bearer(world["secret"]))
    assert response.status_code == 422
    assert {error["path"] for error in response.json["errors"]} == {"query/limit", "query/offset"}


def test_one_programme_and_nothing_of_another(client, world):
    headers = _bearer(world["secret"])
    response = client.get(f"/api/v1/programmes/{world['beta']}", headers=headers)
    assert response.status_code == 200 and response.json["role"] == "sponsor"
    for path in (f"/programmes/{world['gamma']}", f"/programmes/{world['gamma']}/phases"):
        response = client.get(f"/api/v1{path}", headers=headers)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert "Gamma" not in response.get_data(as_text=True)
    assert client.get("/api/v1/programmes/999999", headers=headers).status_code == 404


def test_phases_come_in_order_with_schedule_and_gate(client, world):
    alpha = db.session.get(Programme, world["alpha"])
    first = alpha.phases[0]
    first.activities[0].done_on = date(2026, 3, 10)
    gate = first.gate
    gate.criteria[0].is_met = True
    gate.criteria.append(
        GateCriterion(position=2, text="Enough responses", kind="response_minimum")
    )
    gate.submit(alpha.memberships[0].user_id)
    gate.decide(GateDecisionKind.DEFERRED, world["sponsor"].id, "Wait for the survey.")
    response = client.get(
        f"/api/v1/programmes/{world['alpha']}/phases", headers=_bearer(world["secret"])
    )
    assert response.status_code == 200
    body = response.json
    assert body["as_of"] == clock.today().isoformat()
    assert [phase["position"] for phase in body["items"]] == [1, 2]
    phase = body["items"][0]
    assert phase["name"] == "Phase 1" and phase["status"] == "not_started"
    assert phase["owner"] == "Pat Member"
    assert phase["planned_start"] == "2026-03-02" and phase["actual_start"] is None
    assert (phase["activities_total"], phase["activities_done"]) == (2, 1)
    assert phase["schedule"]["rag"] in {"green", "amber", "red"}
    assert phase["schedule"]["actual_percent"] == 50.0
    gate_out = phase["gate"]
    assert gate_out["status"] == "deferred" and gate_out["submitted_at"]
    assert [(c["text"], c["kind"], c["met"]) for c in gate_out["criteria"]] == [
        ("Deliverables signed off", "checklist", True),
        ("Enough responses", GateCriterionKind.RESPONSE_MINIMUM.value, None),
    ]
    [decision] = gate_out["decisions"]
    assert decision["decision"] == "deferred" and decision["decided_by"] == "Sol Sponsor"
    assert decision["reason"] == "Wait for the survey."
    assert decision["decided_at"].endswith("Z") and gate_out["submitted_at"].endswith("Z")
    assert body["items"][1]["gate"]["decisions"] == []
