"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.orm import scoped_session, sessionmaker

from transform import TestConfig, create_app
from transform.extensions import db


def test_migrations_match_models(app):
    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})
    differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_create_every_check_constraint(app):
    inspector = inspect(db.session.connection())
    for table in db.metadata.sorted_tables:
        expected = {
            constraint.name
            for constraint in table.constraints
            if constraint.__class__.__name__ == "CheckConstraint"
        }
        actual = {c["name"] for c in inspector.get_check_constraints(table.name)}
        assert expected <= actual, f"{table.name} lacks {expected - actual}"


def test_downgrade_then_upgrade_rebuilds_the_schema(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{tmp_path / 'roundtrip.db'}")
    fresh = create_app(TestConfig)
    with fresh.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade()
        assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_migrating_a_database_with_data_keeps_every_row(tmp_path, monkeypatch):
    """SQLite rebuilds a table to alter it; with foreign keys on, dropping the old copy
    would cascade into every row pointing at it (responses, links, memberships)."""
    from tests.factories import SUITE_DAY
    from transform.demo import load_demo
    from transform.seeds import ensure_builtins

    monkeypatch.setenv("TEST_DATABASE_URL", f"sqlite:///{tmp_path / 'data.db'}")
    fresh = create_app(TestConfig)
    tables = ("response", "answer", "wave_team", "survey_link", "membership", "wave")
    with fresh.app_context():
        upgrade()
        # The suite's session is bound to its own database: this one needs its own.
        monkeypatch.setattr(db, "session", scoped_session(sessionmaker(bind=db.engine)))
        ensure_builtins()
        load_demo(SUITE_DAY)
        db.session.commit()

        def counts():
            with db.engine.connect() as connection:
                return {
                    t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                    for t in tables
                }

        before = counts()
        assert before["response"] > 0
        downgrade(revision="0004")
        assert counts() == before
        upgrade()
        assert counts() == before
        db.session.remove()
        db.engine.dispose()
