"""Fixtures: one schema per run built by the migrations, one rolled-back transaction per test.

The database is SQLite in a temporary file, or PostgreSQL when TEST_DATABASE_URL is set.
"""

import os
from datetime import timedelta

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import create_engine, text
from sqlalchemy.orm import scoped_session, sessionmaker

from tests import factories
from transform import TestConfig, clock, create_app
from transform.extensions import db as _db
from transform.indices.cache import dashboard_cache
from transform.models import Role

DEMO_PASSWORD = factories.PASSWORD


def _reset_postgres_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(autouse=True, scope="session")
def suite_clock():
    """The whole run happens on SUITE_DAY by the app's clock, whatever the wall clock says.

    Session-scoped so that module fixtures building live apps see that day too.
    """
    clock.set_to(factories.SUITE_DAY)
    yield clock
    clock.reset()


@pytest.fixture(autouse=True)
def clock_put_back(suite_clock):
    """A test that moves the clock (`clock.set_to`) is put back on SUITE_DAY after it."""
    shift = _clock_shift()
    yield
    if abs(_clock_shift() - shift) > timedelta(seconds=1):
        clock.set_to(factories.SUITE_DAY)


def _clock_shift() -> timedelta:
    return clock.now() - clock.system_now()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_postgres_schema(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


class IsolatedRequestClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Tests hold an app context open for direct database work; Flask would reuse it for
    requests, sharing `g` (and so the logged-in user) and skipping the per-request
    session teardown. Hiding it for the request's duration restores production behaviour.
    What the test set up is committed first (into the outer test transaction), as data
    a request finds in a real database would be.
    """

    def open(self, *args, **kwargs):
        if _cv_app.get(None) is not None:
            _db.session.commit()
        hidden = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(hidden)
            if _cv_app.get(None) is not None:
                # What the request changed is in the database; reload on next access.
                _db.session.expire_all()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    os.environ["TEST_DATABASE_URL"] = database_url
    app = create_app(TestConfig)
    app.test_client_class = IsolatedRequestClient
    app.config["UPLOAD_FOLDER"] = str(tmp_path_factory.mktemp("uploads"))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def db(app):
    """Run the test in a transaction that is rolled back, whatever the app commits.

    Requests commit as usual; with create_savepoint each commit only releases a
    savepoint inside the outer transaction, which the teardown rolls back.
    """
    # Each test rolls the database back under the app, so ids repeat between tests:
    # a dashboard kept by one test must not be served to the next.
    dashboard_cache(app).clear()
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original_session = _db.session
        # One session per app context, as Flask-SQLAlchemy scopes them: the test's
        # objects stay attached while each request gets and closes its own session.
        _db.session = scoped_session(
            sessionmaker(
                bind=connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
            ),
            scopefunc=_app_ctx_id,
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original_session
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = DEMO_PASSWORD):
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def people(db):
    """The cast of a small programme: its PMO, two change agents, a sponsor, an outsider."""
    return {
        "pmo": factories.user("pmo@example.com", name="Pam PMO"),
        "agent": factories.user("agent@example.com", name="Ari Agent"),
        "agent2": factories.user("agent2@example.com", name="Bea Agent"),
        "sponsor": factories.user("sponsor@example.com", name="Sol Sponsor"),
        "outsider": factories.user("outsider@example.com", name="Otto Outsider"),
    }


@pytest.fixture
def programme(people):
    """A two-phase programme run by the PMO, with both agents and the sponsor in it."""
    return factories.programme(
        admin=people["pmo"],
        members={
            people["agent"]: Role.CHANGE_AGENT,
            people["agent2"]: Role.CHANGE_AGENT,
            people["sponsor"]: Role.SPONSOR,
        },
        name="Back-office optimisation",
    )


@pytest.fixture
def pmo(auth, people):
    """The programme's PMO, logged in on `client`."""
    auth.login("pmo@example.com")
    return people["pmo"]


@pytest.fixture
def demo(db):
    """The demo loaded on SUITE_DAY; its back-office programme."""
    return factories.demo_programme()


@pytest.fixture
def csrf_enabled(app, monkeypatch):
    """Switch CSRF protection on for one test; the suite runs with it off otherwise."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


#: Tests keep their keys in a Redis database of their own, flushed around each test; the
#: PostgreSQL run, which `make test` runs beside the SQLite one, uses another (Makefile).
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture
def redis_url():
    """A flushed Redis database; skipped without Redis, but a failure when CI=true."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"no Redis answers at {REDIS_TEST_URL} ({error})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must run the Redis-backed tests")
        pytest.skip(message)
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()
    client.close()


@pytest.fixture
def redis_app_factory(app, redis_url):
    """Build apps that share the test Redis (and the test database), as hosts would.

    Each create_app binds the one global limiter to the newest app's store; the session
    app gets its own back afterwards.
    """
    from transform.extensions import limiter

    class RedisTestConfig(TestConfig):
        REDIS_URL = redis_url

    def build(**settings):
        config = type("Config", (RedisTestConfig,), settings)
        built = create_app(config)
        built.test_client_class = IsolatedRequestClient
        return built

    yield build
    limiter.init_app(app)
