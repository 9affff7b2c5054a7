"""Exit 0 when the PostgreSQL server at the given URL accepts a connection, else 1."""

import sys

import psycopg


def main(url: str) -> int:
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        with psycopg.connect(conninfo, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
