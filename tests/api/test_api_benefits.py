"""API: writing the benefits register (initiatives and their values) as a PMO admin."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests import factories
from transform.api.tokens import create_token
from transform.benefits import service
from transform.extensions import db
from transform.models import (
    AuditEvent,
    ImpactedTeam,
    Initiative,
    InitiativeStage,
    ProgrammeStatus,
    Role,
    Team,
    ValueKind,
    ValueRebaseline,
)

L = InitiativeStage


@pytest.fixture
def world(db):
    """A programme impacting Billing (not Archive), its PMO admin, a sponsor and an
    outsider, each with a token, and one initiative at L0."""
    people = {
        "pmo": factories.user("pmo@example.com", "Pat Office"),
        "sponsor": factories.user("sponsor@example.com", "Spon Sor"),
        "outsider": factories.user("out@example.com", "Oz Outsider"),
    }
    programme = factories.programme(
        admin=people["pmo"],
        members={people["sponsor"]: Role.SPONSOR},
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 12, 18),
    )
    factories.programme(admin=people["outsider"], name="Elsewhere")
    billing, archive = Team(name="Billing", headcount=12), Team(name="Archive", headcount=3)
    db.session.add_all([billing, archive])
    db.session.flush()
    db.session.add(ImpactedTeam(programme_id=programme.id, team_id=billing.id))
    initiative = service.create_initiative(
        programme,
        service.InitiativeDraft("Billing automation", "", people["pmo"].id, "Billing", None, ()),
    )
    db.session.commit()
    tokens = {role: create_token(user, "BI")[1] for role, user in people.items()}
    return {
        "programme": programme,
        "initiative": initiative,
        "people": people,
        "billing": billing,
        "archive": archive,
        "headers": {role: {"Authorization": f"Bearer {s}"} for role, s in tokens.items()},
    }


def _initiatives(world) -> str:
    return f"/api/v1/programmes/{world['programme'].id}/initiatives"


def _values(world) -> str:
    return f"{_initiatives(world)}/{world['initiative'].id}/values"


def _errors(response) -> dict:
    return {error["path"]: error["message"] for error in response.get_json()["errors"]}


def _at(initiative: Initiative, stage: InitiativeStage, by_id: int) -> None:
    while initiative.stage.index < stage.index:
        initiative.move_to(InitiativeStage(f"L{initiative.stage.index + 1}"), by_id, "")
    db.session.commit()


def test_the_pmo_adds_an_initiative_at_l0(client, world):
    body = {
        "name": "  Shared mailbox triage ",
        "owner_id": world["people"]["sponsor"].id,
        "workstream": "Intake",
        "team_ids": [world["billing"].id],
    }
    response = client.post(_initiatives(world), json=body, headers=world["headers"]["pmo"])
    assert response.status_code == 201, response.get_json()
    item = response.get_json()
    assert item["name"] == "Shared mailbox triage" and item["stage"] == "L0"
    assert item["team_ids"] == [world["billing"].id] and item["planned_net"] == 0
    initiative = db.session.get(Initiative, item["id"])
    assert initiative.programme_id == world["programme"].id
    assert initiative.owner_id == world["people"]["sponsor"].id
    assert factories.audit_actions("initiative").count("initiative.created") == 2
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity == "initiative", AuditEvent.entity_id == initiative.id
        )
    )
    assert event.via == "api:BI"


def test_an_initiative_is_refused_field_by_field(client, world):
    body = {
        "name": "Records",
        "owner_id": world["people"]["outsider"].id,
        "team_ids": [world["archive"].id],
    }
    response = client.post(_initiatives(world), json=body, headers=world["headers"]["pmo"])
    assert response.status_code == 422
    assert _errors(response) == {
        "body/owner_id": "The owner must be a member of the programme.",
        "body/team_ids": "Only teams the programme impacts.",
    }
    blank = client.post(_initiatives(world), json={"name": "  "}, headers=world["headers"]["pmo"])
    assert blank.status_code == 422 and "body/name" in _errors(blank)
    assert db.session.scalar(select(Initiative).where(Initiative.name == "Records")) is None


@pytest.mark.parametrize(("role", "status"), [("sponsor", 403), ("outsider", 404), (None, 401)])
def test_only_pmo_admins_write_the_register(client, world, role, status):
    headers = world["headers"][role] if role else {}
    created = client.post(_initiatives(world), json={"name": "X"}, headers=headers)
    changed = client.patch(
        f"{_initiatives(world)}/{world['initiative'].id}", json={"name": "Y"}, headers=headers
    )
    value = {"kind": "planned", "value_type": "revenue", "month": "2026-03-01", "amount": 5}
    recorded = client.post(_values(world), json=value, headers=headers)
    assert [created.status_code, changed.status_code, recorded.status_code] == [status] * 3
    assert world["initiative"].name == "Billing automation" and not world["initiative"].entries


def test_an_archived_programme_is_read_only(client, world):
    world["programme"].status = ProgrammeStatus.ARCHIVED
    db.session.commit()
    response = client.post(
        _initiatives(world), json={"name": "X"}, headers=world["headers"]["pmo"]
    )
    assert response.status_code == 403


def test_the_pmo_changes_the_fields_sent(client, world):
    initiative = world["initiative"]
    url = f"{_initiatives(world)}/{initiative.id}"
    body = {"workstream": "Finance", "team_ids": [world["billing"].id], "version": 1}
    response = client.patch(url, json=body, headers=world["headers"]["pmo"])
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["workstream"] == "Finance"
    db.session.refresh(initiative)
    assert initiative.name == "Billing automation" and initiative.workstream == "Finance"
    assert [team.name for team in initiative.teams] == ["Billing"]
    assert "initiative.updated" in factories.audit_actions("initiative")
    stale = client.patch(url, json={"name": "Z", "version": 1}, headers=world["headers"]["pmo"])
    assert stale.status_code == 409 and initiative.name == "Billing automation"
    no_name = client.patch(url, json={"name": None}, headers=world["headers"]["pmo"])
    assert no_name.status_code == 422 and "body/name" in _errors(no_name)
    missing = client.patch(
        f"{_initiatives(world)}/999999", json={}, headers=world["headers"]["pmo"]
    )
    assert missing.status_code == 404


def test_values_follow_the_stage_rules_of_the_form(client, world):
    pmo = world["headers"]["pmo"]
    plan = {"kind": "planned", "value_type": "recurring_saving", "month": "2026-03-17"}
    response = client.post(_values(world), json=plan | {"amount": 1000}, headers=pmo)
    assert response.status_code == 201, response.get_json()
    assert response.get_json() | {"id": 0} == {
        "id": 0,
        "initiative_id": world["initiative"].id,
        "kind": "planned",
        "value_type": "recurring_saving",
        "month": "2026-03-01",
        "amount": 1000.0,
        "currency": world["programme"].currency,
        "confirmed": False,
    }
    forecast = client.post(_values(world), json=plan | {"kind": "forecast", "amount": 1})
    assert forecast.status_code == 401
    forecast = client.post(
        _values(world), json=plan | {"kind": "forecast", "amount": 1}, headers=pmo
    )
    assert forecast.status_code == 422
    assert _errors(forecast) == {"body/kind": "Forecasts start at L3; this initiative is at L0."}
    negative = client.post(
        _values(world), json=plan | {"amount": -5, "month": "2027-03-01"}, headers=pmo
    )
    assert set(_errors(negative)) == {"body/amount", "body/month"}
    assert [(e.kind, e.amount) for e in world["initiative"].entries] == [(ValueKind.PLANNED, 1000)]


def test_a_locked_plan_changes_with_a_reason_and_a_confirmed_actual_never(client, world):
    initiative, pmo = world["initiative"], world["headers"]["pmo"]
    plan = {"kind": "planned", "value_type": "recurring_saving", "month": "2026-03-01"}
    client.post(_values(world), json=plan | {"amount": 1000}, headers=pmo)
    _at(initiative, L.L4, world["people"]["pmo"].id)
    silent = client.post(_values(world), json=plan | {"amount": 800}, headers=pmo)
    assert silent.status_code == 422 and list(_errors(silent)) == ["body/reason"]
    body = plan | {"amount": 800, "reason": "Vendor slipped."}
    assert client.post(_values(world), json=body, headers=pmo).status_code == 201
    rebaseline = db.session.scalar(select(ValueRebaseline))
    assert rebaseline.reason == "Vendor slipped." and rebaseline.before["amount"] == 1000
    actual = plan | {"kind": "actual", "amount": 700}
    assert client.post(_values(world), json=actual, headers=pmo).status_code == 201
    entry = next(e for e in initiative.entries if e.kind == ValueKind.ACTUAL)
    entry.confirmed_at = datetime(2026, 4, 2)
    db.session.commit()
    refused = client.post(_values(world), json=actual | {"amount": 900}, headers=pmo)
    assert _errors(refused) == {
        "body/amount": "Finance confirmed this actual; it can no longer change."
    }
    db.session.refresh(entry)
    assert entry.amount == 700
