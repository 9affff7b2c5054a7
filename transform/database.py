"""Engine behaviour per database: SQLite pragmas and IMMEDIATE write transactions."""

from flask import has_request_context, request
from sqlalchemy import Engine, event

SQLITE_BUSY_TIMEOUT_MS = 5000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def engine_options(database_uri: str) -> dict:
    """Return SQLALCHEMY_ENGINE_OPTIONS suited to the database behind the URI."""
    if database_uri.startswith("sqlite"):
        # Autocommit at the driver level: SQLAlchemy's begin event below decides how
        # a transaction begins (pysqlite's own BEGIN handling cannot do IMMEDIATE).
        return {
            "connect_args": {"isolation_level": None, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        }
    return {"pool_pre_ping": True}


def configure_engine(engine: Engine) -> None:
    """Attach per-connection settings to the engine; a no-op outside SQLite."""
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:
    """Begin IMMEDIATE unless this is a read-only web request.

    A DEFERRED transaction that later writes fails with SQLITE_BUSY at once when
    another writer holds the lock, ignoring busy_timeout; IMMEDIATE waits for it.
    GET requests never write, so they keep cheap deferred (shared) transactions.
    """
    if has_request_context() and request.method in READ_ONLY_METHODS:
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
