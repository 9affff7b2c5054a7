"""Many writers at once: survey submissions through team links, and edits of one activity.

Each thread is a separate browser: its own client, session and database connection.
Every accepted survey submission must be stored exactly once; of ten saves of one
activity made on the same version exactly one wins and the others are refused with 409,
leaving the winner's values whole.
"""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.live_app import dispose, make_live_app
from transform import clock
from transform.auth.service import create_user
from transform.extensions import db
from transform.models import (
    Activity,
    Answer,
    MethodologyTemplate,
    Response,
    Team,
)
from transform.programmes.service import ProgrammeDraft, create_programme_from_template
from transform.seeds import BACKOFFICE_TEMPLATE_NAME, ensure_builtins
from transform.waves.service import issue_team_link

SUBMISSIONS = 50
TEAMS = 5
EDITORS = 10
PASSWORD = "parallel-writes-password"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    app = make_live_app(tmp_path_factory, "parallel")
    with app.app_context():
        ensure_builtins()
        today = clock.today()
        pmo = create_user("pmo@example.com", "Pat Parallel", PASSWORD)
        template = db.session.scalar(
            select(MethodologyTemplate).where(MethodologyTemplate.name == BACKOFFICE_TEMPLATE_NAME)
        )
        programme = create_programme_from_template(
            ProgrammeDraft("Parallel", today - timedelta(days=60), today + timedelta(days=300)),
            template,
            pmo,
        )
        teams = [Team(name=f"Team {n}", headcount=50) for n in range(TEAMS)]
        db.session.add_all(teams)
        db.session.flush()
        wave = factories.open_pulse(programme, teams, today)
        db.session.flush()
        team_links = [issue_team_link(wave_team) for wave_team in wave.teams]
        answers = {f"item-{item.code}": "4" for item in wave.instrument.items}
        phase = programme.phases[0]
        activity = phase.activities[0]
        ids = {"programme": programme.id, "phase": phase.id, "activity": activity.id}
        ids["wave"], ids["items"] = wave.id, len(wave.instrument.items)
        db.session.commit()
        db.session.remove()
    yield app, team_links, answers, ids
    dispose(app)


def _scalar(app, statement):
    with app.app_context():
        try:
            return db.session.scalar(statement)
        finally:
            db.session.remove()


def _run_together(target, arguments) -> None:
    start = threading.Barrier(len(arguments))

    def run(argument):
        start.wait()
        target(argument)

    threads = [threading.Thread(target=run, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)


def test_parallel_submissions_through_team_links_are_each_stored_once(live):
    app, team_links, answers, ids = live
    before = _scalar(app, select(func.count(Response.id)))
    statuses: list[int] = []

    def submit(number: int):
        client = app.test_client()
        token = team_links[number % len(team_links)]
        answered = answers | {"comment": f"parallel submission {number}"}
        statuses.append(client.post(f"/t/{token}", data=answered).status_code)

    _run_together(submit, list(range(SUBMISSIONS)))

    accepted = statuses.count(303)
    assert statuses == [303] * SUBMISSIONS
    stored = _scalar(app, select(func.count(Response.id)).where(Response.wave_id == ids["wave"]))
    assert stored - before == accepted
    with app.app_context():
        try:
            comments = db.session.scalars(
                select(Response.comment).where(Response.wave_id == ids["wave"])
            ).all()
        finally:
            db.session.remove()
    assert sorted(comments) == sorted(f"parallel submission {n}" for n in range(SUBMISSIONS))
    # Every response whole: all its answers, none stored twice.
    answers_stored = _scalar(
        app,
        select(func.count(Answer.id)).join(Response).where(Response.wave_id == ids["wave"]),
    )
    assert answers_stored == stored * ids["items"]


def test_parallel_edits_of_one_activity_let_exactly_one_win(live):
    app, _links, _answers, ids = live
    url = "/programmes/{programme}/phases/{phase}/activities/{activity}/edit".format(**ids)
    version = _scalar(app, select(Activity.version).where(Activity.id == ids["activity"]))
    clients = []
    for _ in range(EDITORS):
        client = app.test_client()
        client.post("/auth/login", data={"email": "pmo@example.com", "password": PASSWORD})
        clients.append(client)
    outcomes: list[tuple[int, int]] = []

    def save(editor: int):
        response = clients[editor].post(
            url,
            data={"version": str(version), "owner_id": "0", "notes": f"note by editor {editor}"},
        )
        outcomes.append((response.status_code, editor))

    _run_together(save, list(range(EDITORS)))

    statuses = sorted(status for status, _ in outcomes)
    assert statuses == [303] + [409] * (EDITORS - 1)
    (winner,) = [editor for status, editor in outcomes if status == 303]
    with app.app_context():
        try:
            activity = db.session.get(Activity, ids["activity"])
            assert activity.version == version + 1
            assert activity.notes == f"note by editor {winner}"
        finally:
            db.session.remove()
