"""The demo programme: loads into an empty database, deterministic, realistic enough."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.factories import SUITE_DAY
from transform import TestConfig, create_app
from transform.demo import DEMO_PASSWORD, database_is_empty, load_demo
from transform.extensions import db
from transform.models import (
    Answer,
    GateStatus,
    Instrument,
    Item,
    Programme,
    Response,
    Team,
    Wave,
)
from transform.seeds import ADKAR_PULSE_NAME

DEMO_DAY = SUITE_DAY
BACKOFFICE = "Back-office optimisation"
OUTSOURCING = "Customer support outsourcing"


@pytest.fixture
def demo(db):
    assert database_is_empty()
    return load_demo(DEMO_DAY)


def _login(client, email):
    return client.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD})


@pytest.mark.parametrize(
    ("email", "sees", "does_not_see"),
    [
        ("pmo@example.com", [BACKOFFICE, OUTSOURCING], []),
        ("agent@example.com", [BACKOFFICE], [OUTSOURCING]),
        ("sponsor@example.com", [BACKOFFICE], [OUTSOURCING]),
        ("admin@example.com", [], [BACKOFFICE, OUTSOURCING]),
    ],
)
def test_each_demo_login_sees_its_programmes(client, demo, email, sees, does_not_see):
    assert _login(client, email).status_code == 303
    listing = client.get("/programmes/")
    assert listing.status_code == 200
    main = listing.data.split(b'id="main"')[1]
    for name in sees:
        assert name.encode() in main
    for name in does_not_see:
        assert name.encode() not in main


def test_site_admin_demo_login_reaches_administration(client, demo):
    _login(client, "admin@example.com")
    page = client.get("/admin/programmes")
    assert page.status_code == 200
    assert BACKOFFICE.encode() in page.data and OUTSOURCING.encode() in page.data


def test_demo_programme_pages_render_for_every_role(client, demo):
    programme_id = db.session.scalar(select(Programme.id).where(Programme.name == BACKOFFICE))
    for email in ("pmo@example.com", "agent@example.com", "sponsor@example.com"):
        other = client.application.test_client()
        _login(other, email)
        page = other.get(f"/programmes/{programme_id}")
        assert page.status_code == 200
        assert b"Operational Assessment" in page.data
        assert b"Approved" in page.data
        assert b"overdue since" in page.data


def test_demo_has_the_shape_the_issue_asks_for(demo):
    assert demo.programme_names == (BACKOFFICE, OUTSOURCING)
    backoffice = db.session.scalar(select(Programme).where(Programme.name == BACKOFFICE))
    assert [p.name for p in backoffice.phases] == [
        "Operational Assessment",
        "Process Redesign",
        "Technology Implementation",
        "Training & Change Management",
    ]
    assert backoffice.phases[0].gate.status == GateStatus.APPROVED
    assert 12 <= db.session.scalar(select(func.count()).select_from(Team)) <= 30
    adkar_waves = db.session.scalars(
        select(Wave)
        .join(Instrument, Instrument.id == Wave.instrument_id)
        .where(Wave.programme_id == backoffice.id, Instrument.name == ADKAR_PULSE_NAME)
    ).all()
    assert len(adkar_waves) == 3
    assert demo.kpis >= 7 and demo.checkpoints > 50


def _mean_answer(wave_id: int, dimension: str, team_name: str | None = None) -> float:
    query = (
        select(func.avg(Answer.value))
        .join(Response, Response.id == Answer.response_id)
        .join(Item, Item.id == Answer.item_id)
        .where(Response.wave_id == wave_id, Item.dimension == dimension, ~Item.is_reverse)
    )
    if team_name:
        query = query.join(Team, Team.id == Response.team_id).where(Team.name == team_name)
    return float(db.session.scalar(query))


def test_demo_adoption_grows_and_one_team_lags_at_knowledge(demo):
    waves = db.session.scalars(
        select(Wave)
        .join(Instrument, Instrument.id == Wave.instrument_id)
        .join(Programme, Programme.id == Wave.programme_id)
        .where(Programme.name == BACKOFFICE, Instrument.name == ADKAR_PULSE_NAME)
        .order_by(Wave.opens_on)
    ).all()
    ability = [_mean_answer(w.id, "ability") for w in waves]
    assert ability[0] < ability[1] < ability[2]
    last = waves[-1].id
    lagging_knowledge = _mean_answer(last, "knowledge", "Billing Operations")
    lagging_desire = _mean_answer(last, "desire", "Billing Operations")
    assert lagging_knowledge <= 3.0 < lagging_desire
    assert lagging_knowledge < _mean_answer(last, "knowledge") - 0.5


def _answers_fingerprint() -> list[tuple]:
    return db.session.execute(
        select(Wave.name, Team.name, Item.code, func.count(), func.sum(Answer.value))
        .join(Response, Response.id == Answer.response_id)
        .join(Wave, Wave.id == Response.wave_id)
        .join(Team, Team.id == Response.team_id)
        .join(Item, Item.id == Answer.item_id)
        .group_by(Wave.name, Team.name, Item.code)
        .order_by(Wave.name, Team.name, Item.code)
    ).all()


def test_demo_is_deterministic_for_a_date(demo, tmp_path, monkeypatch):
    first = [tuple(row) for row in _answers_fingerprint()]
    monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{tmp_path / 'again.db'}")
    other = create_app(TestConfig)
    with other.app_context():
        engine = db.engine
        db.metadata.create_all(engine)
        monkeypatch.setattr(db, "session", scoped_session(sessionmaker(bind=engine)))
        summary = load_demo(DEMO_DAY)
        second = [tuple(row) for row in _answers_fingerprint()]
        db.session.remove()
        engine.dispose()
    assert summary.users == demo.users
    assert summary.responses == demo.responses
    assert second == first


def test_demo_load_if_empty_leaves_existing_data_alone(app, demo):
    result = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0
    assert "already has data" in result.output
    refused = app.test_cli_runner().invoke(args=["demo", "load"])
    assert refused.exit_code != 0


def test_demo_logins_are_printed(app, demo):
    result = app.test_cli_runner().invoke(args=["demo", "logins"])
    assert "pmo@example.com" in result.output
    assert DEMO_PASSWORD in result.output
