"""The database keeps data sound: constraints, SQLite settings, optimistic locking."""

import sqlite3
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tests import factories
from transform.extensions import db
from transform.models import FeedbackEntry, Phase, Team


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings apply to SQLite only")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_sqlite_write_transactions_begin_immediate(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings apply to SQLite only")
    # The test's own transaction has begun but written nothing. Had it begun DEFERRED
    # it would hold no lock; IMMEDIATE took the write lock at BEGIN, so another
    # writer cannot even begin.
    other = db.engine.raw_connection()
    try:
        other.driver_connection.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.driver_connection.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_a_stale_edit_is_refused(app, db):
    programme = factories.programme()
    phase_id = programme.phases[0].id
    db.session.commit()
    stale = db.session.get(Phase, phase_id)
    # Another request changes the row and bumps its version behind our back.
    db.session.execute(
        text("UPDATE phase SET version = version + 1, name = 'Renamed' WHERE id = :id"),
        {"id": phase_id},
    )
    stale.name = "My edit"
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(
    "bad_entry",
    [
        {"sentiment": 3, "text": "Too happy"},
        {"sentiment": 0, "text": ""},
    ],
)
def test_check_constraints_refuse_impossible_feedback(app, db, bad_entry):
    programme = factories.programme()
    team = Team(name="Billing", headcount=10)
    db.session.add(team)
    db.session.flush()
    db.session.add(
        FeedbackEntry(
            programme_id=programme.id,
            team_id=team.id,
            observed_on=date(2026, 3, 1),
            observed_stage="awareness",
            **bad_entry,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_foreign_keys_are_enforced(app, db):
    db.session.add(Team(name="Orphan", headcount=1, parent_id=987654))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
