"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

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
