"""Survey waves over the API: listing, one wave with its items, importing responses."""

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.factories import SUITE_DAY
from transform.api.tokens import create_token
from transform.extensions import db
from transform.models import (
    Answer,
    AuditEvent,
    Programme,
    Response,
    ResponseSource,
    User,
    Wave,
    WaveCollection,
    WaveStatus,
    WaveTeam,
)
from transform.wave_groups import freeze_groups

TODAY = SUITE_DAY
BACKOFFICE = "Back-office optimisation"
OUTSOURCING = "Customer support outsourcing"
CODES = [f"{prefix}{n}" for prefix in ("AW", "DE", "KN", "AB", "RE") for n in (1, 2, 3)]


@pytest.fixture
def demo(db):
    world = factories.demo_world()
    world["imported"] = _import_wave(world["programme"], world["pulse"])
    return world


def _import_wave(programme: Programme, like: Wave) -> Wave:
    """An open wave that collects imported responses, over the teams and questions of `like`."""
    wave = Wave(
        programme_id=programme.id,
        instrument_id=like.instrument_id,
        name="Imported pulse",
        opens_on=like.opens_on,
        closes_on=like.closes_on,
        status=WaveStatus.OPEN,
        collection=WaveCollection.IMPORT,
        teams=[WaveTeam(team_id=target.team_id) for target in like.teams],
    )
    db.session.add(wave)
    freeze_groups(wave)
    return wave


def _bearer(email: str, name: str = "Survey sync") -> dict:
    user = db.session.scalar(select(User).where(User.email == email))
    _token, secret = create_token(user, name)
    return {"Authorization": f"Bearer {secret}"}


def _url(programme_id: int, path: str = "") -> str:
    return f"/api/v1/programmes/{programme_id}/waves{path}"


def _responses(wave_id: int) -> int:
    return db.session.scalar(select(func.count(Response.id)).where(Response.wave_id == wave_id))


def _response(team_id: int, value: int = 4, **extra) -> dict:
    return {
        "team_id": team_id,
        "submitted_on": "2026-11-20",
        "answers": dict.fromkeys(CODES, value),
        **extra,
    }


def test_waves_are_listed_newest_first_with_counts_and_teams(client, demo):
    programme = demo["programme"]
    waves = db.session.scalars(
        select(Wave)
        .where(Wave.programme_id == programme.id)
        .order_by(Wave.opens_on.desc(), Wave.id.desc())
    ).all()
    # A count below the anonymity threshold is null (the new import wave has none: 0).
    expected = [
        (w.id, w.name, w.status.value, n if n == 0 or n >= 5 else None)
        for w in waves
        for n in [_responses(w.id)]
    ]
    targets = {w.id: sorted(t.team.name for t in w.teams) for w in waves}
    response = client.get(_url(programme.id), headers=_bearer("agent@example.com"))
    assert response.status_code == 200
    items = response.json["items"]
    assert response.json["total"] == 5
    assert [(w["id"], w["name"], w["status"], w["responses"]) for w in items] == expected
    for wave in items:
        assert [t["name"] for t in wave["target_teams"]] == targets[wave["id"]]
    assert {w["instrument"]["kind"] for w in items} == {"adkar", "readiness"}


def test_a_wave_comes_with_its_instruments_items(client, demo):
    pulse = demo["pulse"]
    response = client.get(
        _url(demo["programme"].id, f"/{pulse.id}"), headers=_bearer("sponsor@example.com")
    )
    assert response.status_code == 200
    body = response.json
    assert body["id"] == pulse.id and body["instrument"]["kind"] == "adkar"
    assert body["responses"] == _responses(pulse.id)
    assert [item["code"] for item in body["items"]] == CODES
    first = body["items"][0]
    assert first["dimension"] == "awareness" and first["scale_points"] == 5
    assert set(first) == {
        "id",
        "code",
        "text",
        "dimension",
        "scale_points",
        "is_reverse",
        "is_required",
        "allows_dont_know",
    }


def _response_ids(wave_id: int) -> set[int]:
    return set(db.session.scalars(select(Response.id).where(Response.wave_id == wave_id)))


def _new_responses(wave_id: int, earlier: set[int]) -> list[Response]:
    """The wave's responses stored since: ids are random, not in order of arrival."""
    stored = db.session.scalars(select(Response).where(Response.wave_id == wave_id)).all()
    return [response for response in stored if response.id not in earlier]


def test_a_token_cannot_reach_another_programmes_waves(client, demo):
    other, other_pulse = demo["other"].id, demo["other_pulse"].id
    programme_id = demo["programme"].id
    headers = _bearer("sponsor@example.com")
    assert client.get(_url(other), headers=headers).status_code == 404
    assert client.get(_url(other, f"/{other_pulse}"), headers=headers).status_code == 404
    # Nor through a programme it belongs to.
    pmo = _bearer("pmo@example.com")
    assert client.get(_url(programme_id, f"/{other_pulse}"), headers=pmo).status_code == 404
    response = client.post(
        _url(programme_id, f"/{other_pulse}/responses"),
        json={"responses": [_response(demo["teams"]["Tier 1 Chat"])]},
        headers=pmo,
    )
    assert response.status_code == 404


def test_importing_responses_stores_them_and_records_the_token(client, demo):
    pulse, teams = demo["imported"], demo["teams"]
    pulse_id, before = pulse.id, _responses(pulse.id)
    body = {
        "responses": [
            _response(teams["Payroll"], 5, comment="Training helped."),
            _response(teams["Payroll"], 2),
            _response(teams["Billing Operations"], 3),
        ]
    }
    earlier = _response_ids(pulse_id)
    response = client.post(
        _url(demo["programme"].id, f"/{pulse_id}/responses"),
        json=body,
        headers=_bearer("pmo@example.com", "Qualtrics"),
    )
    assert response.status_code == 201, response.json
    assert response.json == {
        "responses": 3,
        "answers": 45,
        "per_team": sorted(
            [
                {"team_id": teams["Payroll"], "responses": 2},
                {"team_id": teams["Billing Operations"], "responses": 1},
            ],
            key=lambda row: row["team_id"],
        ),
    }
    assert _responses(pulse_id) == before + 3
    stored = _new_responses(pulse_id, earlier)
    assert {r.source for r in stored} == {ResponseSource.IMPORT}
    assert {r.submitted_on for r in stored} == {date(2026, 11, 20)}
    assert "Training helped." in {r.comment for r in stored}
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.via.like("api:%"))).all()
    assert (event.action, event.entity_id, event.via) == (
        "wave.responses_imported",
        pulse_id,
        "api:Qualtrics",
    )
    assert event.after["responses"] == 3


def test_the_same_batch_twice_is_409(client, demo):
    pulse_id = demo["imported"].id
    body = {"responses": [_response(demo["teams"]["Collections"])]}
    url = _url(demo["programme"].id, f"/{pulse_id}/responses")
    headers = _bearer("pmo@example.com")
    assert client.post(url, json=body, headers=headers).status_code == 201
    count = _responses(pulse_id)
    again = client.post(url, json=body, headers=headers)
    assert again.status_code == 409
    assert "already imported" in again.json["detail"]
    assert _responses(pulse_id) == count


def test_one_bad_response_refuses_them_all_listing_each(client, demo):
    pulse, teams = demo["imported"], demo["teams"]
    pulse_id = pulse.id
    before = (_responses(pulse_id), db.session.scalar(select(func.count(Answer.id))))
    missing = _response(teams["Payroll"])
    del missing["answers"]["RE3"]
    body = {
        "responses": [
            _response(teams["Payroll"]),
            _response(999_999),
            _response(teams["Tier 1 Chat"]),
            _response(teams["Payroll"], submitted_on="2026-11-01"),
            _response(teams["Payroll"], answers={**dict.fromkeys(CODES, 4), "KN2": 6}),
            missing,
            _response(teams["Payroll"], answers={**dict.fromkeys(CODES, 4), "XX9": 3}),
            _response(teams["Payroll"], answers={**dict.fromkeys(CODES, 4), "AW1": None}),
        ]
    }
    response = client.post(
        _url(demo["programme"].id, f"/{pulse_id}/responses"),
        json=body,
        headers=_bearer("pmo@example.com"),
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = {error["path"]: error["message"] for error in response.json["errors"]}
    assert set(errors) == {
        "body/responses/1/team_id",
        "body/responses/2/team_id",
        "body/responses/3/submitted_on",
        "body/responses/4/answers/KN2",
        "body/responses/5/answers/RE3",
        "body/responses/6/answers/XX9",
        "body/responses/7/answers/AW1",
    }
    assert "Unknown team id" in errors["body/responses/1/team_id"]
    assert "not one of the teams this wave surveys" in errors["body/responses/2/team_id"]
    assert "outside the wave" in errors["body/responses/3/submitted_on"]
    assert "outside the item's scale" in errors["body/responses/4/answers/KN2"]
    assert "required" in errors["body/responses/5/answers/RE3"]
    assert "not an item of this wave's survey" in errors["body/responses/6/answers/XX9"]
    assert "not allowed for this item" in errors["body/responses/7/answers/AW1"]
    assert (_responses(pulse_id), db.session.scalar(select(func.count(Answer.id)))) == before
    assert db.session.scalar(select(func.count()).where(AuditEvent.via.like("api:%"))) == 0


def test_dont_know_is_null_where_the_item_allows_it(client, demo):
    readiness, teams = _import_wave(demo["programme"], demo["readiness"]), demo["teams"]
    readiness_id = readiness.id
    codes = [item.code for item in readiness.instrument.items]
    answers = {code: 4 for code in codes} | {"EF1": None}
    body = {
        "responses": [
            {"team_id": teams["Payroll"], "submitted_on": "2026-04-20", "answers": answers}
        ]
    }
    earlier = _response_ids(readiness_id)
    response = client.post(
        _url(demo["programme"].id, f"/{readiness_id}/responses"),
        json=body,
        headers=_bearer("pmo@example.com"),
    )
    assert response.status_code == 201, response.json
    (latest,) = _new_responses(readiness_id, earlier)
    values = {answer.item_id: answer.value for answer in latest.answers}
    assert None in values.values() and len(values) == len(codes)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"team_id": "12"}, "body/responses/0/team_id"),
        ({"submitted_on": "20/11/2026"}, "body/responses/0/submitted_on"),
        ({"submitted_on": "11/04/2026"}, "body/responses/0/submitted_on"),
        ({"submitted_on": "11/26/2026 08:04:00 AM"}, "body/responses/0/submitted_on"),
        ({"answers": {}}, "body/responses/0/answers"),
        ({"answers": {"AW1": 4.5}}, "body/responses/0/answers/AW1"),
        ({"answers": {"AW1": "4"}}, "body/responses/0/answers/AW1"),
        ({"answers": {"AW1": 8}}, "body/responses/0/answers/AW1"),
        ({"comment": "x" * 2001}, "body/responses/0/comment"),
        ({"comment": "nul \x00 byte"}, "body/responses/0/comment"),
        ({"respondent": "a@example.com"}, "body/responses/0/respondent"),
    ],
)
def test_malformed_responses_are_422_at_their_path(client, demo, change, path):
    body = {"responses": [_response(demo["teams"]["Payroll"]) | change]}
    response = client.post(
        _url(demo["programme"].id, f"/{demo['imported'].id}/responses"),
        json=body,
        headers=_bearer("pmo@example.com"),
    )
    assert response.status_code == 422
    assert path in [error["path"] for error in response.json["errors"]]


def test_more_than_2000_responses_are_refused(app, client, demo, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4 * 1024 * 1024)
    body = {"responses": [_response(demo["teams"]["Payroll"])] * 2001}
    response = client.post(
        _url(demo["programme"].id, f"/{demo['imported'].id}/responses"),
        json=body,
        headers=_bearer("pmo@example.com"),
    )
    assert response.status_code == 422
    assert [error["path"] for error in response.json["errors"]] == ["body/responses"]


@pytest.mark.parametrize("email", ["sponsor@example.com", "agent@example.com"])
def test_only_pmo_admins_import_responses(client, demo, email):
    pulse_id = demo["imported"].id
    count = _responses(pulse_id)
    response = client.post(
        _url(demo["programme"].id, f"/{pulse_id}/responses"),
        json={"responses": [_response(demo["teams"]["Payroll"])]},
        headers=_bearer(email),
    )
    assert response.status_code == 403
    assert _responses(pulse_id) == count
