"""What the archive knows about the schema: table order, column codecs, the revision."""

import base64
from datetime import date, datetime

from alembic.migration import MigrationContext
from sqlalchemy import JSON, Column, Date, DateTime, Enum, LargeBinary, Table
from sqlalchemy.types import TypeDecorator

from transform.extensions import db

#: Tables shared between programmes: exported only as far as the programme refers to them.
REFERENCE_TABLES = (
    "user",
    "team",
    "instrument",
    "item",
    "methodology_template",
    "template_phase",
    "template_activity",
    "template_gate_criterion",
)
#: Never exported: credentials of integrations belong to the installation, not the programme.
EXCLUDED_TABLES = ("api_token",)


def tables() -> list[Table]:
    """Every exported table, parents before children."""
    return [t for t in db.metadata.sorted_tables if t.name not in EXCLUDED_TABLES]


def schema_revision() -> str | None:
    """The database's alembic revision."""
    return MigrationContext.configure(db.session.connection()).get_current_revision()


def _kind(column: Column):
    kind = column.type
    return kind.impl if isinstance(kind, TypeDecorator) else kind


def encode(column: Column, value):
    """A column value as JSON."""
    if value is None:
        return None
    kind = _kind(column)
    if isinstance(kind, Enum):
        return value.value if hasattr(value, "value") else value
    if isinstance(kind, DateTime | Date):
        return value.isoformat()
    if isinstance(kind, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    return value


def decode(column: Column, value):
    """The JSON value back as what the column takes."""
    if value is None:
        return None
    kind = _kind(column)
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return kind.enum_class(value)
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, JSON):
        return value
    return value
