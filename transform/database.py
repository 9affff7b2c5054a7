"""Engine behaviour per database.

SQLite: pragmas, and IMMEDIATE write transactions.

PostgreSQL (psycopg):
- A pooled connection is checked before a request uses it, without a round trip: an idle
  connection has nothing to read unless the server has ended it (a restart, an
  administrator's pg_terminate_backend, an idle timeout: each sends its FATAL message
  and closes), so a readable socket means it is gone and the pool connects afresh,
  dropping every connection older than it too. A connection cut silently on the way (a
  firewall dropping idle ones) is retired by POOL_RECYCLE_S before that happens.
- A read-only request (GET, HEAD, OPTIONS) runs its plain SELECTs without a transaction,
  each its own, as under READ COMMITTED they would see the same: no BEGIN, no COMMIT,
  one round trip per query. The first statement that is not a plain SELECT (a write, a
  SELECT ... FOR UPDATE, a SAVEPOINT, a server-side cursor) begins the transaction,
  which the request commits or rolls back as any other (transform/request_transaction.py).
"""

import re
import select

from flask import has_request_context, request
from sqlalchemy import Engine, event, exc

SQLITE_BUSY_TIMEOUT_MS = 5000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Seconds after which a pooled PostgreSQL connection is replaced at its next checkout.
POOL_RECYCLE_S = 1800
#: Where a connection records that it is lent to a read-only request.
READS_OUTSIDE_TRANSACTION = "reads_outside_transaction"
PLAIN_SELECT = re.compile(
    r"\s*SELECT\b(?!.*\bFOR\s+(?:UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b)",
    re.IGNORECASE | re.DOTALL,
)


def engine_options(database_uri: str) -> dict:
    """Return SQLALCHEMY_ENGINE_OPTIONS suited to the database behind the URI."""
    if database_uri.startswith("sqlite"):
        # Autocommit at the driver level: SQLAlchemy's begin event below decides how
        # a transaction begins (pysqlite's own BEGIN handling cannot do IMMEDIATE).
        return {
            "connect_args": {"isolation_level": None, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        }
    return {"pool_recycle": POOL_RECYCLE_S}


def configure_engine(engine: Engine) -> None:
    """Attach per-connection settings to the engine."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.driver == "psycopg":
        event.listen(engine, "checkout", _lend_checked_connection)
        event.listen(engine, "before_cursor_execute", _begin_before_writing)


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
    if _read_only_request():
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _read_only_request() -> bool:
    return has_request_context() and request.method in READ_ONLY_METHODS


def _lend_checked_connection(dbapi_connection, record, _proxy) -> None:
    """Refuse a connection the server has ended; lend it to a read-only request without
    a transaction until its first write."""
    if dbapi_connection.closed or _has_input(dbapi_connection.fileno()):
        raise exc.InvalidatePoolError("PostgreSQL ended the connection while it was pooled")
    reads_only = _read_only_request()
    record.info[READS_OUTSIDE_TRANSACTION] = reads_only
    dbapi_connection.autocommit = reads_only


def _has_input(fileno: int) -> bool:
    poller = select.poll()
    poller.register(fileno, select.POLLIN)
    return bool(poller.poll(0))


def _begin_before_writing(connection, cursor, statement, _parameters, _context, _many) -> None:
    if (
        cursor.connection.autocommit
        and connection.info.get(READS_OUTSIDE_TRANSACTION)
        # A server-side cursor (yield_per, stream_results) is declared in a transaction.
        and (not PLAIN_SELECT.match(statement) or hasattr(cursor, "name"))
    ):
        cursor.connection.autocommit = False
