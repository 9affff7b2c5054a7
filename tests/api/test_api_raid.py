"""API: a ticket sync reads, creates and updates RAID items and follow-ups by their
external reference, with the app's rules, audit trail and field-level refusals."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform import clock
from transform.api.tokens import create_token
from transform.extensions import db
from transform.models import AuditEvent, FeedbackEntry, FollowUp, RaidItem, Role, Team


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def world(db):
    pmo = factories.user("pmo@example.com", name="Pam PMO")
    ari = factories.user("ari@example.com", name="Ari Agent")
    sol = factories.user("sol@example.com", name="Sol Sponsor")
    programme = factories.programme(
        admin=pmo,
        members={ari: Role.CHANGE_AGENT, sol: Role.SPONSOR},
        starts_on=SUITE_DAY - timedelta(days=100),
        ends_on=SUITE_DAY + timedelta(days=100),
    )
    team = Team(name="Billing", headcount=12)
    db.session.add(team)
    db.session.flush()
    entry = FeedbackEntry(
        programme_id=programme.id,
        team_id=team.id,
        agent_id=ari.id,
        observed_on=SUITE_DAY,
        observed_stage="knowledge",
        sentiment=-1,
        text="Month-end clashes with training.",
    )
    db.session.add(entry)
    db.session.flush()
    base = f"/api/v1/programmes/{programme.id}"
    return {
        "programme": programme,
        "entry": entry.id,
        "ids": {"pmo": pmo.id, "ari": ari.id, "sol": sol.id},
        "raid": f"{base}/raid-items",
        "follow_ups": f"{base}/follow-ups",
        "pmo": _bearer(create_token(pmo, "jira sync")[1]),
        "ari": _bearer(create_token(ari, "ari")[1]),
        "sol": _bearer(create_token(sol, "sol")[1]),
    }


def _risk(**changes) -> dict:
    return {"kind": "risk", "title": "Vendor late", "severity": 4, "external_ref": "TRN-1"} | (
        changes
    )


def test_a_sync_creates_an_item_finds_it_by_key_and_updates_it_audited(client, world):
    created = client.post(world["raid"], json=_risk(), headers=world["pmo"])
    assert created.status_code == 201
    item = created.json
    assert (item["external_ref"], item["score"], item["status"]) == ("TRN-1", 12, "open")
    found = client.get(world["raid"], query_string={"external_ref": "TRN-1"}, headers=world["sol"])
    assert [row["id"] for row in found.json["items"]] == [item["id"]]
    changed = client.patch(
        f"{world['raid']}/{item['id']}",
        json={"status": "mitigating", "version": item["version"]},
        headers=world["pmo"],
    )
    assert changed.status_code == 200
    assert changed.json["status"] == "mitigating" and changed.json["title"] == "Vendor late"
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "raid_item").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.via) for e in events] == [
        ("raid.created", "api:jira sync"),
        ("raid.updated", "api:jira sync"),
    ]
    assert events[1].before["status"] == "open" and events[1].after["status"] == "mitigating"
    stale = client.patch(
        f"{world['raid']}/{item['id']}",
        json={"title": "Old view", "version": item["version"]},
        headers=world["pmo"],
    )
    assert stale.status_code == 409
    assert db.session.get(RaidItem, item["id"]).title == "Vendor late"


def test_a_taken_key_and_bad_choices_are_refused_at_their_fields(client, world):
    client.post(world["raid"], json=_risk(), headers=world["pmo"])
    refused = client.post(
        world["raid"],
        json=_risk(owner_id=999_999, due_on="2030-01-01", severity=9),
        headers=world["pmo"],
    )
    assert refused.status_code == 422
    assert {e["path"] for e in refused.json["errors"]} == {"body/severity"}
    refused = client.post(
        world["raid"], json=_risk(owner_id=999_999, due_on="2030-01-01"), headers=world["pmo"]
    )
    assert {e["path"] for e in refused.json["errors"]} == {"body/owner_id", "body/due_on"}
    taken = client.post(world["raid"], json=_risk(), headers=world["pmo"])
    assert taken.status_code == 422
    assert [e["path"] for e in taken.json["errors"]] == ["body/external_ref"]
    assert "already has this reference" in taken.json["errors"][0]["message"]
    assert len(db.session.scalars(select(RaidItem)).all()) == 1


def test_only_pmo_admins_write_the_raid_log(client, world):
    assert client.post(world["raid"], json=_risk(), headers=world["sol"]).status_code == 403
    assert client.get(world["raid"], headers=world["ari"]).status_code == 200


def test_the_raid_log_lists_only_what_changed_since_the_last_sync(client, world):
    first = client.post(world["raid"], json=_risk(), headers=world["pmo"]).json
    mark = clock.utcnow()
    clock.set_to(clock.now() + timedelta(minutes=5))
    second = client.post(world["raid"], json=_risk(external_ref="TRN-2"), headers=world["pmo"])
    since = mark.isoformat() + "+00:00"
    changed = client.get(
        world["raid"], query_string={"updated_since": since}, headers=world["pmo"]
    )
    assert [row["id"] for row in changed.json["items"]] == [second.json["id"]]
    assert first["id"] != second.json["id"]


def test_a_follow_up_is_raised_synced_and_moved_along_by_its_key(client, world):
    url = f"/api/v1/programmes/{world['programme'].id}/feedback/{world['entry']}/follow-ups"
    body = {"action": "Book a floor-walker", "external_ref": "TRN-7", "due_on": "2026-12-01"}
    assert client.post(url, json=body, headers=world["sol"]).status_code == 403
    created = client.post(url, json=body, headers=world["ari"])
    assert created.status_code == 201
    follow_up = created.json
    assert follow_up["owner_id"] == world["ids"]["ari"] and follow_up["status"] == "open"
    found = client.get(
        world["follow_ups"], query_string={"external_ref": "TRN-7"}, headers=world["sol"]
    )
    assert [row["id"] for row in found.json["items"]] == [follow_up["id"]]
    done = client.patch(
        f"{world['follow_ups']}/{follow_up['id']}",
        json={"status": "done", "version": follow_up["version"]},
        headers=world["pmo"],
    )
    assert done.status_code == 200 and done.json["status"] == "done"
    assert db.session.get(FollowUp, follow_up["id"]).status == "done"
    assert factories.audit_actions("follow_up") == ["follow_up.created", "follow_up.updated"]
    duplicate = client.post(url, json=body | {"action": "Again"}, headers=world["pmo"])
    assert [e["path"] for e in duplicate.json["errors"]] == ["body/external_ref"]
    outsider = client.patch(
        f"{world['follow_ups']}/{follow_up['id']}",
        json={"owner_id": 999_999},
        headers=world["pmo"],
    )
    assert [e["path"] for e in outsider.json["errors"]] == ["body/owner_id"]
