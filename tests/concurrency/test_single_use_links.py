"""Parallel submissions through one single-use link store exactly one response.

Each thread is a separate browser: its own client, session and database connection.
On PostgreSQL the atomic `UPDATE … WHERE is_used = false` decides the race; on SQLite
the IMMEDIATE write transactions serialise the submissions.
"""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.live_app import dispose, make_live_app
from transform import clock
from transform.extensions import db
from transform.models import (
    Programme,
    Response,
    SurveyLink,
    Team,
)
from transform.seeds import ensure_builtins
from transform.waves.service import issue_links

SUBMITTERS = 12


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "concurrency")
    with app.app_context():
        ensure_builtins()
        today = clock.today()
        programme = Programme(
            name="Race", starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30)
        )
        team = Team(name="Billing", headcount=40)
        db.session.add_all([programme, team])
        db.session.flush()
        wave = factories.open_pulse(programme, [team], today)
        db.session.flush()
        tokens = issue_links(wave, team, 5)
        answers = {f"item-{item.code}": "4" for item in wave.instrument.items}
        db.session.commit()
        db.session.remove()
    yield app, tokens, answers
    dispose(app)


def _count(app, model, *where) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(model).where(*where))
        finally:
            db.session.remove()


def test_parallel_submissions_through_one_link_store_exactly_one(live):
    app, tokens, answers = live
    token = tokens[0]
    start = threading.Barrier(SUBMITTERS)
    statuses: list[int] = []

    def submit():
        client = app.test_client()
        client.get(f"/s/{token}")
        start.wait()
        statuses.append(client.post(f"/s/{token}", data=answers).status_code)

    threads = [threading.Thread(target=submit) for _ in range(SUBMITTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [303] + [410] * (SUBMITTERS - 1)
    assert _count(app, Response) == 1
    assert _count(app, SurveyLink, SurveyLink.is_used.is_(True)) == 1


def test_parallel_submissions_through_different_links_are_all_kept(live):
    app, tokens, answers = live
    before = _count(app, Response)
    statuses: list[int] = []
    start = threading.Barrier(len(tokens) - 1)

    def submit(token):
        client = app.test_client()
        start.wait()
        statuses.append(client.post(f"/s/{token}", data=answers).status_code)

    threads = [threading.Thread(target=submit, args=(t,)) for t in tokens[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [303] * (len(tokens) - 1)
    assert _count(app, Response) == before + len(tokens) - 1
