"""Exit 0 when the PostgreSQL server at the given URL accepts a connection, else 1.

With --create, a database the URL names that does not exist yet is created first (for
the benchmarks' scratch database, which they wipe).
"""

import argparse
import sys

import psycopg
from psycopg import sql


def main(url: str, create: bool) -> int:
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        if create:
            _create_missing(conninfo)
        with psycopg.connect(conninfo, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error:
        return 1
    return 0


def _create_missing(conninfo: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(conninfo).get("dbname")
    if not name:
        return
    maintenance = psycopg.conninfo.make_conninfo(conninfo, dbname="postgres")
    with psycopg.connect(maintenance, connect_timeout=3, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--create", action="store_true", help="create the database if missing")
    arguments = parser.parse_args()
    sys.exit(main(arguments.url, arguments.create))
