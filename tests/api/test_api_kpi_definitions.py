"""API: PMO admins add and edit KPI definitions by the form's rules; actuals name their
KPI by id or by name, as the file import does."""

from datetime import timedelta

import pytest

from tests import factories
from tests.factories import SUITE_DAY
from transform.api.tokens import create_token
from transform.extensions import db
from transform.models import Checkpoint, Kpi, Role


@pytest.fixture
def world(db):
    pmo = factories.user("pmo@example.com", name="Pam PMO")
    sol = factories.user("sol@example.com", name="Sol Sponsor")
    programme = factories.programme(
        admin=pmo,
        members={sol: Role.SPONSOR},
        starts_on=SUITE_DAY - timedelta(days=100),
        ends_on=SUITE_DAY + timedelta(days=100),
    )
    return {
        "url": f"/api/v1/programmes/{programme.id}/kpis",
        "start": programme.starts_on.isoformat(),
        "end": programme.ends_on.isoformat(),
        "pmo": {"Authorization": f"Bearer {create_token(pmo, 'pmo sync')[1]}"},
        "sol": {"Authorization": f"Bearer {create_token(sol, 'sol')[1]}"},
    }


def _kpi(world, **changes) -> dict:
    return {
        "name": "Invoice turnaround",
        "unit": "days",
        "direction": "lower",
        "perspective": "internal_process",
        "baseline_value": 12.0,
        "baseline_on": world["start"],
        "target_value": 5.0,
        "target_on": world["end"],
    } | changes


def test_a_pmo_adds_and_edits_a_kpi_audited_as_the_token(client, world):
    created = client.post(world["url"], json=_kpi(world), headers=world["pmo"])
    assert created.status_code == 201, created.json
    kpi = created.json
    assert (kpi["name"], kpi["status"], kpi["version"]) == ("Invoice turnaround", "no_data", 1)
    edited = client.patch(
        f"{world['url']}/{kpi['id']}",
        json={"target_value": 4.0, "version": kpi["version"]},
        headers=world["pmo"],
    )
    assert edited.status_code == 200 and edited.json["target_value"] == 4.0
    assert edited.json["unit"] == "days"
    assert factories.audit_actions("kpi") == ["kpi.created", "kpi.updated"]
    stale = client.patch(
        f"{world['url']}/{kpi['id']}", json={"unit": "hours", "version": 1}, headers=world["pmo"]
    )
    assert stale.status_code == 409 and db.session.get(Kpi, kpi["id"]).unit == "days"
    assert client.post(world["url"], json=_kpi(world), headers=world["sol"]).status_code == 403


def test_the_forms_rules_refuse_at_each_field(client, world):
    body = _kpi(
        world,
        target_value=12.0,
        target_on=world["start"],
        min_value=0.0,
        max_value=-1.0,
        at_risk_points=20.0,
        off_track_points=10.0,
        owner_id=999_999,
    )
    refused = client.post(world["url"], json=body, headers=world["pmo"])
    assert refused.status_code == 422
    assert {e["path"] for e in refused.json["errors"]} == {
        "body/target_value",
        "body/target_on",
        "body/max_value",
        "body/off_track_points",
        "body/owner_id",
    }
    assert db.session.query(Kpi).count() == 0


def test_actuals_name_their_kpi_as_the_file_import_does(client, world):
    kpi = client.post(world["url"], json=_kpi(world), headers=world["pmo"]).json
    on = SUITE_DAY.isoformat()
    pushed = client.post(
        f"{world['url']}/actuals",
        json={"actuals": [{"kpi": "  invoice  TURNAROUND ", "on_date": on, "value": 9.0}]},
        headers=world["pmo"],
    )
    assert pushed.status_code == 200 and pushed.json["created"] == 1
    assert db.session.query(Checkpoint).filter_by(kpi_id=kpi["id"]).one().actual_value == 9.0
    twin = client.post(world["url"], json=_kpi(world), headers=world["pmo"]).json
    ambiguous = client.post(
        f"{world['url']}/actuals",
        json={
            "actuals": [
                {"kpi": "Invoice turnaround", "on_date": on, "value": 8.0},
                {"kpi": "Backlog", "on_date": on, "value": 8.0},
            ]
        },
        headers=world["pmo"],
    )
    assert ambiguous.status_code == 422
    errors = {e["path"]: e["message"] for e in ambiguous.json["errors"]}
    assert f"ids {kpi['id']}, {twin['id']}" in errors["body/actuals/0/kpi"]
    assert "not a KPI" in errors["body/actuals/1/kpi"]
    both = client.post(
        f"{world['url']}/actuals",
        json={"actuals": [{"kpi": "x", "kpi_id": kpi["id"], "on_date": on, "value": 1.0}]},
        headers=world["pmo"],
    )
    assert both.status_code == 422
