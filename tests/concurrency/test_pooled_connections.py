"""PostgreSQL connections as requests use them (transform/database.py): a page view reads
without a transaction, a write begins one that the request commits or rolls back, and a
pooled connection the server has ended is replaced before a request gets it.

What the app sends is read from libpq's protocol trace: each Query and each Sync
message waits for the server's answer, so their count is the request's round trips.
"""

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

import psycopg
import pytest
from flask import Flask
from sqlalchemy import event, select

from tests import factories
from tests.live_app import dispose, make_live_app
from transform import clock
from transform.extensions import db
from transform.models import Programme, Team
from transform.seeds import ensure_builtins
from transform.waves.service import issue_team_link

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL connection handling",
)

TRACED = re.compile(r"^F\t\d+\t(\w+)\t?(.*)$", re.MULTILINE)


@dataclass
class Live:
    app: Flask
    token: str
    answers: dict[str, str]
    #: libpq's trace of every connection the app opened after its set-up.
    trace: BinaryIO


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "pool")

    @app.get("/probe/write/<int:status>")
    def write(status: int):
        db.session.add(Team(name=f"Written by a GET answered {status}", headcount=1))
        db.session.flush()
        return "", status

    @app.get("/probe/lock")
    def lock():
        db.session.execute(select(Team.id).with_for_update()).all()
        return db.session.connection().connection.dbapi_connection.info.transaction_status.name

    @app.get("/probe/stream")
    def stream():
        return str(len(db.session.scalars(select(Team.id).execution_options(yield_per=2)).all()))

    with app.app_context():
        ensure_builtins()
        today = clock.today()
        programme = Programme(
            name="Pool", starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30)
        )
        team = Team(name="Billing", headcount=400)
        db.session.add_all([programme, team])
        db.session.flush()
        wave = factories.open_pulse(programme, [team], today)
        token = issue_team_link(wave.teams[0])
        answers = {f"item-{item.code}": "4" for item in wave.instrument.items}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
        trace = tempfile.TemporaryFile()

        @event.listens_for(db.engine, "connect")
        def traced(dbapi_connection, _record):
            dbapi_connection.pgconn.trace(trace.fileno())
            dbapi_connection.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)

    yield Live(app, token, answers, trace)
    dispose(app)
    trace.close()


@contextmanager
def sent(live: Live) -> Iterator[list[str]]:
    """The protocol messages the app sends meanwhile: "Query BEGIN", "Parse", "Sync"..."""
    start = live.trace.seek(0, os.SEEK_END)
    messages: list[str] = []
    yield messages
    live.trace.seek(start)
    for kind, rest in TRACED.findall(live.trace.read().decode()):
        messages.append("Query " + rest.strip(' "') if kind == "Query" else kind)


def round_trips(messages: list[str]) -> int:
    return sum(1 for message in messages if message.startswith(("Query", "Sync")))


def test_a_page_view_is_one_round_trip_without_a_transaction(live):
    app, token = live.app, live.token
    client = app.test_client()
    client.get(f"/t/{token}")  # the survey is kept in the process from now on
    with sent(live) as messages:
        assert client.get(f"/t/{token}").status_code == 200
    assert [message for message in messages if message.startswith("Query")] == []
    assert round_trips(messages) == 1


def test_a_submission_is_one_transaction_with_no_ping(live):
    app, token, answers = live.app, live.token, live.answers
    client = app.test_client()
    client.get(f"/t/{token}")
    with sent(live) as messages:
        assert client.post(f"/t/{token}", data=answers).status_code == 303
    queries = [message for message in messages if message.startswith("Query")]
    assert queries == ["Query BEGIN", "Query COMMIT"]
    assert messages[0] == "Query BEGIN" and messages[-1] == "Query COMMIT"


@pytest.mark.parametrize(("status", "kept"), [(200, True), (409, False)])
def test_a_write_in_a_get_is_committed_below_400_and_rolled_back_otherwise(live, status, kept):
    app = live.app
    assert app.test_client().get(f"/probe/write/{status}").status_code == status
    with app.app_context():
        name = f"Written by a GET answered {status}"
        found = db.session.scalar(select(Team.id).where(Team.name == name))
        db.session.remove()
    assert (found is not None) is kept


def test_a_locking_read_in_a_get_holds_its_lock_in_a_transaction(live):
    app = live.app
    assert app.test_client().get("/probe/lock").get_data(as_text=True) == "INTRANS"


def test_a_get_can_stream_its_rows_from_a_server_side_cursor(live):
    # PostgreSQL declares such a cursor only inside a transaction.
    assert live.app.test_client().get("/probe/stream").status_code == 200


def test_requests_are_answered_after_the_server_ends_the_pooled_connections(live):
    app, token, answers = live.app, live.token, live.answers
    client = app.test_client()
    assert client.get(f"/t/{token}").status_code == 200
    _end_every_other_connection(app)
    assert client.get(f"/t/{token}").status_code == 200
    _end_every_other_connection(app)
    assert client.post(f"/t/{token}", data=answers).status_code == 303


def _end_every_other_connection(app) -> None:
    """pg_terminate_backend on every other connection to the app's database, as a
    restart does, and wait until they are gone."""
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg", "postgresql")
    others = (
        "SELECT pid FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend'"
    )
    with psycopg.connect(url, autocommit=True) as admin:
        ended = admin.execute(f"SELECT pg_terminate_backend(pid) FROM ({others}) o").fetchall()
        assert ended, "the app held no pooled connection"
        for _ in range(200):
            if not admin.execute(others).fetchall():
                return
            admin.execute("SELECT pg_sleep(0.02)")
    raise AssertionError("the ended connections did not go away")
