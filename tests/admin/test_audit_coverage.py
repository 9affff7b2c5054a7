"""Every change to phases, gates, KPIs, teams, waves and memberships leaves an audit event."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform.demo import DEMO_PASSWORD, load_demo
from transform.extensions import db
from transform.models import (
    AuditEvent,
    GateCriterionKind,
    GateStatus,
    ImpactedTeam,
    Instrument,
    Programme,
    Team,
    User,
)

DEMO_DAY = SUITE_DAY
HTMX = {"HX-Request": "true"}


@pytest.fixture
def programme(db, client):
    load_demo(DEMO_DAY)
    client.post("/auth/login", data={"email": "pmo@example.com", "password": DEMO_PASSWORD})
    # Ids are not 1 on PostgreSQL, whose sequences outlive rolled-back tests.
    return db.session.scalar(select(Programme).where(Programme.name == "Back-office optimisation"))


def _event(action: str, entity: str, entity_id: int | None = None) -> AuditEvent:
    query = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == entity_id)
    event = db.session.scalars(query.order_by(AuditEvent.id.desc())).first()
    assert event is not None, f"no audit event {action} on {entity}"
    assert event.user.email == "pmo@example.com"
    assert event.via == "web"
    return event


def _open_gate(programme):
    return next(p.gate for p in programme.phases if p.gate.status == GateStatus.OPEN)


def test_a_phase_edit_is_audited(client, programme):
    phase = programme.phases[-1]
    response = client.post(
        f"/programmes/{programme.id}/phases/{phase.id}/edit",
        data={
            "version": phase.version,
            "name": "Training and adoption",
            "owner_id": "0",
            "status": phase.status.value,
            "planned_start": phase.planned_start.isoformat(),
            "planned_end": phase.planned_end.isoformat(),
            "actual_start": phase.actual_start.isoformat() if phase.actual_start else "",
            "actual_end": "",
        },
    )
    assert response.status_code == 303
    event = _event("phase.updated", "phase", phase.id)
    assert event.programme_id == programme.id
    assert event.before["name"] != "Training and adoption"
    assert event.after["name"] == "Training and adoption"


def test_ticking_a_gate_criterion_is_audited_with_before_and_after(client, programme):
    gate = _open_gate(programme)
    criterion = next(
        c for c in gate.criteria if c.kind == GateCriterionKind.CHECKLIST and not c.is_met
    )
    phase = gate.phase
    response = client.post(
        f"/programmes/{programme.id}/phases/{phase.id}/gate/criteria/{criterion.id}",
        data={"version": criterion.version, "is_met": "y"},
        headers=HTMX,
    )
    assert response.status_code == 200
    event = _event("gate_criterion.updated", "gate_criterion", criterion.id)
    assert event.before["is_met"] is False and event.after["is_met"] is True


def test_submitting_a_gate_is_audited(client, programme):
    gate = _open_gate(programme)
    phase = gate.phase
    response = client.post(f"/programmes/{programme.id}/phases/{phase.id}/gate/submit")
    assert response.status_code == 303
    event = _event("gate.submitted", "gate", gate.id)
    assert event.before == {"status": "open", "recommendation": None}
    assert event.after == {"status": "submitted", "recommendation": None}


def test_creating_a_kpi_is_audited(client, programme):
    response = client.post(
        f"/programmes/{programme.id}/kpis/new",
        data=factories.kpi_form(name="Audit backlog", description="", plan_shape="linear"),
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    event = _event("kpi.created", "kpi")
    assert event.before is None
    assert event.after["name"] == "Audit backlog" and event.programme_id == programme.id


def test_creating_and_editing_a_team_is_audited(client, programme):
    data = {
        "name": "Audit Desk",
        "external_id": "",
        "parent_id": "",
        "headcount": "4",
        "change_capacity": "",
    }
    assert client.post("/teams/new", data=data).status_code == 303
    team = db.session.scalar(select(Team).where(Team.name == "Audit Desk"))
    created = _event("team.created", "team", team.id)
    assert created.before is None and created.after["headcount"] == 4
    edit = data | {"headcount": "6", "version": team.version}
    assert client.post(f"/teams/{team.id}/edit", data=edit).status_code == 303
    updated = _event("team.updated", "team", team.id)
    assert updated.before["headcount"] == 4 and updated.after["headcount"] == 6


def test_creating_and_opening_a_wave_is_audited(client, programme):
    instrument = db.session.scalars(select(Instrument).order_by(Instrument.id)).first()
    team_ids = db.session.scalars(
        select(ImpactedTeam.team_id).where(ImpactedTeam.programme_id == programme.id).limit(2)
    ).all()
    response = client.post(
        f"/programmes/{programme.id}/waves/new",
        data={
            "name": "Audit pulse",
            "instrument_id": instrument.id,
            "opens_on": DEMO_DAY.isoformat(),
            "closes_on": (DEMO_DAY + timedelta(days=14)).isoformat(),
            "team_ids": team_ids,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    created = _event("wave.created", "wave")
    assert created.after["name"] == "Audit pulse"
    wave_id = created.entity_id
    assert client.post(f"/programmes/{programme.id}/waves/{wave_id}/open").status_code == 303
    opened = _event("wave.opened", "wave", wave_id)
    assert opened.before == {"status": "draft"} and opened.after == {"status": "open"}


def test_membership_changes_are_audited(client, programme):
    newcomer = User(email="newcomer@example.com", name="New Comer", password_hash="x")
    db.session.add(newcomer)
    db.session.flush()
    url = f"/programmes/{programme.id}/members"
    assert client.post(url, data={"user_id": newcomer.id, "role": "sponsor"}).status_code == 303
    created = _event("membership.created", "membership")
    assert created.before is None
    assert created.after == {"user_id": newcomer.id, "role": "sponsor"}
    membership_id = created.entity_id
    assert (
        client.post(url, data={"user_id": newcomer.id, "role": "change_agent"}).status_code == 303
    )
    updated = _event("membership.updated", "membership", membership_id)
    assert updated.before["role"] == "sponsor" and updated.after["role"] == "change_agent"
    assert client.post(f"{url}/{membership_id}/remove").status_code == 303
    removed = _event("membership.deleted", "membership", membership_id)
    assert removed.before["role"] == "change_agent" and removed.after is None
