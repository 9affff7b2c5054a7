"""KPIs over the API: listing with status, checkpoints, and pushing actuals all or nothing."""

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tests.factories import SUITE_DAY
from transform.api.tokens import create_token
from transform.extensions import db
from transform.kpis.queries import kpi_views
from transform.models import AuditEvent, Checkpoint, Kpi, User

TODAY = SUITE_DAY
BACKOFFICE = "Back-office optimisation"
OUTSOURCING = "Customer support outsourcing"


@pytest.fixture
def demo(db):
    world = factories.demo_world()
    kpis = {k.name: k for k in db.session.scalars(select(Kpi))}
    return world | {
        "turnaround": kpis["Turnaround time"],
        "satisfaction": kpis["Client satisfaction"],
    }


def _bearer(email: str, name: str = "BI sync") -> dict:
    user = db.session.scalar(select(User).where(User.email == email))
    _token, secret = create_token(user, name)
    return {"Authorization": f"Bearer {secret}"}


def _url(programme_id: int, path: str = "") -> str:
    return f"/api/v1/programmes/{programme_id}/kpis{path}"


def _actuals(kpi_id: int) -> dict[date, float | None]:
    return dict(
        db.session.execute(
            select(Checkpoint.on_date, Checkpoint.actual_value).where(Checkpoint.kpi_id == kpi_id)
        ).all()
    )


def _api_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.via.like("api:%")).order_by("id"))
    )


def test_kpis_come_with_the_status_the_scorecard_shows(client, demo):
    programme = demo["programme"]
    views = {view.kpi.id: view for view in kpi_views(programme)}
    headers = _bearer("sponsor@example.com")
    response = client.get(_url(programme.id), headers=headers)
    assert response.status_code == 200
    body = response.json
    assert body["total"] == 3 and body["next"] is None
    assert [item["id"] for item in body["items"]] == sorted(views)
    for item in body["items"]:
        view = views[item["id"]]
        assert item["name"] == view.kpi.name and item["unit"] == view.kpi.unit
        assert item["direction"] == view.kpi.direction.value
        assert item["perspective"] == view.kpi.perspective.value
        assert item["baseline_on"] == view.kpi.baseline_on.isoformat()
        assert item["status"] == view.status.status.value
        assert item["trend"] == (view.status.trend.value if view.status.trend else None)
        assert item["latest_actual"] == view.latest_actual
        assert item["latest_on"] == view.latest_on.isoformat()
        assert item["progress"] == pytest.approx(view.progress)
        assert item["planned_progress"] == pytest.approx(view.planned_progress)
        assert item["version"] == view.kpi.version


def test_kpis_page_with_a_next_link(client, demo):
    programme_id = demo["programme"].id
    headers = _bearer("pmo@example.com")
    first = client.get(_url(programme_id) + "?limit=2", headers=headers).json
    assert len(first["items"]) == 2 and first["total"] == 3
    second = client.get(first["next"], headers=headers).json
    assert len(second["items"]) == 1 and second["next"] is None


def test_checkpoints_list_planned_and_actual_values_with_versions(client, demo):
    kpi = demo["satisfaction"]
    expected = [
        (c.id, c.on_date.isoformat(), c.planned_value, c.actual_value, c.version)
        for c in kpi.checkpoints
    ]
    response = client.get(
        _url(demo["programme"].id, f"/{kpi.id}/checkpoints"), headers=_bearer("pmo@example.com")
    )
    assert response.status_code == 200
    assert response.json["kpi_id"] == kpi.id
    got = [
        (c["id"], c["on_date"], c["planned_value"], c["actual_value"], c["version"])
        for c in response.json["items"]
    ]
    assert got == expected


def test_a_kpi_of_another_programme_is_not_found(client, demo):
    other_kpi = db.session.scalar(select(Kpi.id).where(Kpi.programme_id == demo["other"].id))
    response = client.get(
        _url(demo["programme"].id, f"/{other_kpi}/checkpoints"),
        headers=_bearer("pmo@example.com"),
    )
    assert response.status_code == 404


def test_a_token_cannot_reach_another_programme(client, demo):
    other = demo["other"].id
    kpi_id = demo["turnaround"].id
    headers = _bearer("sponsor@example.com")
    assert client.get(_url(other), headers=headers).status_code == 404
    body = {"actuals": [{"kpi_id": kpi_id, "on_date": "2026-11-20", "value": 10.0}]}
    response = client.post(_url(other, "/actuals"), json=body, headers=headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    # Nor does a body it would refuse tell a non-member that the programme exists.
    for refused in ({"actuals": "not a list"}, None):
        response = client.post(_url(other, "/actuals"), json=refused, headers=headers)
        assert response.status_code == 404
    response = client.post(_url(other, "/actuals"), data="x", headers=headers)
    assert response.status_code == 404


def test_pushing_actuals_updates_creates_and_records_the_token(client, demo):
    programme_id = demo["programme"].id
    turnaround, satisfaction = demo["turnaround"], demo["satisfaction"]
    existing = next(c for c in turnaround.checkpoints if c.actual_value is not None)
    on_date, version = existing.on_date, existing.version
    body = {
        "actuals": [
            {
                "kpi_id": turnaround.id,
                "on_date": on_date.isoformat(),
                "value": 10.25,
                "version": version,
            },
            {"kpi_id": turnaround.id, "on_date": "2026-11-21", "value": 10.0},
            {"kpi_id": satisfaction.id, "on_date": "2026-11-21", "value": 75},
        ]
    }
    response = client.post(
        _url(programme_id, "/actuals"), json=body, headers=_bearer("pmo@example.com", "Power BI")
    )
    assert response.status_code == 200, response.json
    assert response.json == {
        "received": 3,
        "created": 2,
        "updated": 1,
        "unchanged": 0,
        "kpis_changed": 2,
    }
    assert _actuals(turnaround.id)[on_date] == 10.25
    assert _actuals(turnaround.id)[date(2026, 11, 21)] == 10.0
    assert _actuals(satisfaction.id)[date(2026, 11, 21)] == 75.0
    events = _api_events()
    assert [(e.action, e.entity_id, e.via) for e in events] == [
        ("kpi.actuals_imported", turnaround.id, "api:Power BI"),
        ("kpi.actuals_imported", satisfaction.id, "api:Power BI"),
    ]
    assert events[0].after["actuals"] == {on_date.isoformat(): 10.25, "2026-11-21": 10.0}
    again = client.post(
        _url(programme_id, "/actuals"), json=body, headers=_bearer("pmo@example.com")
    )
    assert again.status_code == 409  # the first item's version moved on with the update
    body["actuals"][0].pop("version")
    again = client.post(
        _url(programme_id, "/actuals"), json=body, headers=_bearer("pmo@example.com")
    )
    assert again.json["unchanged"] == 3 and again.json["kpis_changed"] == 0


def test_one_bad_actual_refuses_them_all_with_every_path(client, demo):
    programme_id = demo["programme"].id
    turnaround, satisfaction = demo["turnaround"], demo["satisfaction"]
    other_kpi = db.session.scalar(select(Kpi.id).where(Kpi.programme_id == demo["other"].id))
    before = {kpi.id: _actuals(kpi.id) for kpi in (turnaround, satisfaction)}
    body = {
        "actuals": [
            {"kpi_id": turnaround.id, "on_date": "2026-11-21", "value": 9.5},
            {"kpi_id": other_kpi, "on_date": "2026-11-21", "value": 50},
            {"kpi_id": satisfaction.id, "on_date": "2025-01-01", "value": 70},
            {"kpi_id": satisfaction.id, "on_date": "2026-11-21", "value": 140},
            {"kpi_id": turnaround.id, "on_date": "2026-11-21", "value": 9.0},
            {"kpi_id": turnaround.id, "on_date": "9999-12-31", "value": 9.0},
        ]
    }
    response = client.post(
        _url(programme_id, "/actuals"), json=body, headers=_bearer("pmo@example.com")
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = {error["path"]: error["message"] for error in response.json["errors"]}
    assert set(errors) == {
        "body/actuals/1/kpi_id",
        "body/actuals/2/on_date",
        "body/actuals/3/value",
        "body/actuals/4/on_date",
        "body/actuals/5/on_date",
    }
    assert "not the id of a KPI of this programme" in errors["body/actuals/1/kpi_id"]
    assert "before the baseline date" in errors["body/actuals/2/on_date"]
    assert "at most 100" in errors["body/actuals/3/value"]
    assert "also item 0" in errors["body/actuals/4/on_date"]
    assert "Give a date between 1900 and 2999." in errors["body/actuals/5/on_date"]
    assert {kpi_id: _actuals(kpi_id) for kpi_id in before} == before
    assert _api_events() == []


@pytest.mark.parametrize(
    ("item", "path"),
    [
        ({"on_date": "2026-11-21", "value": 1}, "body/actuals/0/kpi_id"),
        ({"kpi_id": "1", "on_date": "2026-11-21", "value": 1}, "body/actuals/0/kpi_id"),
        ({"kpi_id": 1, "on_date": 1700000000, "value": 1}, "body/actuals/0/on_date"),
        ({"kpi_id": 1, "on_date": "21/11/2026", "value": 1}, "body/actuals/0/on_date"),
        # JSON is typed: a date that could be swapped, or a number that could be read two
        # ways, is refused, never read (the file import asks instead).
        ({"kpi_id": 1, "on_date": "11/04/2026", "value": 1}, "body/actuals/0/on_date"),
        ({"kpi_id": 1, "on_date": "2026-02-30", "value": 1}, "body/actuals/0/on_date"),
        ({"kpi_id": 1, "on_date": "2026-11-04T08:04:00", "value": 1}, "body/actuals/0/on_date"),
        ({"kpi_id": 1, "on_date": "2026-11-21", "value": "1,250"}, "body/actuals/0/value"),
        ({"kpi_id": 1, "on_date": "2026-11-21", "value": "12"}, "body/actuals/0/value"),
        ({"kpi_id": 1, "on_date": "2026-11-21", "value": True}, "body/actuals/0/value"),
        ({"kpi_id": 1, "on_date": "2026-11-21", "value": 1, "note": "x"}, "body/actuals/0/note"),
        (
            {"kpi_id": 1, "on_date": "2026-11-21", "value": 1, "version": 0},
            "body/actuals/0/version",
        ),
    ],
)
def test_malformed_actuals_are_422_at_their_path(client, demo, item, path):
    response = client.post(
        _url(demo["programme"].id, "/actuals"),
        json={"actuals": [item]},
        headers=_bearer("pmo@example.com"),
    )
    assert response.status_code == 422
    assert path in [error["path"] for error in response.json["errors"]]


def test_a_value_that_is_not_finite_is_refused(client, demo):
    kpi_id = demo["turnaround"].id
    # Python's JSON parser reads the non-standard NaN that some tools write.
    data = '{"actuals": [{"kpi_id": KPI, "on_date": "2026-11-21", "value": NaN}]}'
    data = data.replace("KPI", str(kpi_id))
    response = client.post(
        _url(demo["programme"].id, "/actuals"),
        data=data,
        content_type="application/json",
        headers=_bearer("pmo@example.com"),
    )
    assert response.status_code == 422, response.json
    assert response.json["errors"][0]["path"] == "body/actuals/0/value"
    assert _actuals(kpi_id).get(date(2026, 11, 21)) is None


def test_more_than_5000_actuals_are_refused(client, demo):
    item = {"kpi_id": demo["turnaround"].id, "on_date": "2026-11-21", "value": 1.0}
    response = client.post(
        _url(demo["programme"].id, "/actuals"),
        json={"actuals": [item] * 5001},
        headers=_bearer("pmo@example.com"),
    )
    assert response.status_code == 422
    assert [error["path"] for error in response.json["errors"]] == ["body/actuals"]


def test_a_stale_version_is_409_naming_it_and_nothing_is_written(client, demo):
    turnaround = demo["turnaround"]
    checkpoint = next(c for c in turnaround.checkpoints if c.actual_value is not None)
    on_date, version, old = checkpoint.on_date, checkpoint.version, checkpoint.actual_value
    checkpoint.actual_value = old + 1  # a colleague's save: the version moves on
    db.session.flush()
    assert checkpoint.version == version + 1
    body = {
        "actuals": [
            {"kpi_id": turnaround.id, "on_date": "2026-11-21", "value": 9.0},
            {
                "kpi_id": turnaround.id,
                "on_date": on_date.isoformat(),
                "value": 5.0,
                "version": version,
            },
            {"kpi_id": turnaround.id, "on_date": "2026-11-20", "value": 9.0, "version": 1},
        ]
    }
    response = client.post(
        _url(demo["programme"].id, "/actuals"), json=body, headers=_bearer("pmo@example.com")
    )
    assert response.status_code == 409
    errors = {error["path"]: error["message"] for error in response.json["errors"]}
    assert set(errors) == {"body/actuals/1/version", "body/actuals/2/version"}
    assert f"at version {version + 1}, not {version}" in errors["body/actuals/1/version"]
    assert "has no checkpoint" in errors["body/actuals/2/version"]
    actuals = _actuals(turnaround.id)
    assert actuals[on_date] == old + 1 and date(2026, 11, 21) not in actuals
    assert _api_events() == []


def test_a_sponsor_cannot_push_actuals_of_a_kpi_they_do_not_own(client, demo):
    turnaround = demo["turnaround"]
    body = {"actuals": [{"kpi_id": turnaround.id, "on_date": "2026-11-21", "value": 9.0}]}
    response = client.post(
        _url(demo["programme"].id, "/actuals"), json=body, headers=_bearer("sponsor@example.com")
    )
    assert response.status_code == 403
    assert response.json["errors"][0]["path"] == "body/actuals/0/kpi_id"
    assert date(2026, 11, 21) not in _actuals(turnaround.id)


def test_a_kpi_owner_pushes_their_own_kpi_as_on_its_page(client, demo):
    # The demo's sponsor owns client satisfaction: owners enter their KPI's actuals.
    satisfaction = demo["satisfaction"]
    body = {"actuals": [{"kpi_id": satisfaction.id, "on_date": "2026-11-21", "value": 74.0}]}
    response = client.post(
        _url(demo["programme"].id, "/actuals"), json=body, headers=_bearer("sponsor@example.com")
    )
    assert response.status_code == 200
    assert _actuals(satisfaction.id)[date(2026, 11, 21)] == 74.0


def test_a_member_who_owns_no_kpi_cannot_push_actuals(client, demo):
    body = {"actuals": [{"kpi_id": 999999, "on_date": "2026-11-21", "value": 1.0}]}
    response = client.post(
        _url(demo["programme"].id, "/actuals"), json=body, headers=_bearer("agent@example.com")
    )
    assert response.status_code == 403


def test_an_archived_programme_takes_no_actuals(client, db):
    admin = factories.user("owner@example.com")
    programme = factories.programme(admin=admin)
    programme.status = "archived"
    db.session.flush()
    _token, secret = create_token(admin, "sync")
    response = client.post(
        _url(programme.id, "/actuals"),
        json={"actuals": [{"kpi_id": 1, "on_date": "2026-11-21", "value": 1.0}]},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403
