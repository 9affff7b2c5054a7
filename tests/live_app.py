"""An app on its own, committed database, for tests whose requests must commit for real.

A SQLite file, or in the PostgreSQL pass a sibling database named <name>_<suffix>.
"""

import os

import psycopg
from flask_migrate import upgrade

from transform import TestConfig, create_app
from transform.extensions import db


def live_database_url(tmp_path_factory, suffix: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return f"sqlite:///{tmp_path_factory.mktemp(suffix) / 'live.db'}"
    base, _, name = url.rpartition("/")
    live_name = f"{name}_{suffix}"
    admin = base.replace("postgresql+psycopg://", "postgresql://", 1) + "/" + name
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{live_name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{live_name}"')
    return f"{base}/{live_name}"


def make_live_app(tmp_path_factory, suffix: str):
    """A migrated app on a fresh database of its own."""
    url = live_database_url(tmp_path_factory, suffix)
    previous = os.environ.get("TEST_DATABASE_URL")
    os.environ["TEST_DATABASE_URL"] = url
    try:
        app = create_app(TestConfig)
    finally:
        if previous is None:
            os.environ.pop("TEST_DATABASE_URL")
        else:
            os.environ["TEST_DATABASE_URL"] = previous
    app.config["UPLOAD_FOLDER"] = str(tmp_path_factory.mktemp(f"{suffix}-uploads"))
    with app.app_context():
        upgrade()
    return app


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
