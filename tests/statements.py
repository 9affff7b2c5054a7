"""Counting the SQL statements the app sends: how tests bound a page's or an import's queries."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from transform.extensions import db

#: The test harness's own statements (each commit in a test is a savepoint), not the app's.
HARNESS = ("SAVEPOINT", "RELEASE", "ROLLBACK")


@contextmanager
def sent_statements() -> Iterator[list[str]]:
    """The statements sent meanwhile, the harness's left out; an executemany counts once."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith(HARNESS):
            sent.append(statement)

    engine = db.engines[None]
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_for_page(client, url: str) -> int:
    """How many statements one GET of the page sends; the page must answer 200."""
    with sent_statements() as sent:
        assert client.get(url).status_code == 200, url
    return len(sent)
