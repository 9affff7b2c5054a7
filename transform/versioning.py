"""Optimistic locking for edits: a form carries the version of the record its editor
opened, and an edit made on an older version is refused, never written over another's.

Versioned models keep a `version` column that SQLAlchemy bumps on every update.
"""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired


class StaleEdit(Exception):
    """The record changed since the editor opened it."""


def check_version(record, submitted_version: int | None) -> None:
    """Refuse an edit made on an older version of the record than the one stored."""
    if submitted_version is None or int(submitted_version) != record.version:
        raise StaleEdit


class VersionedForm(FlaskForm):
    """Carries the version of the record the editor opened."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])

    def is_stale(self, current_version: int) -> bool:
        """True unless the form was sent with the record's current version."""
        submitted = self.version.raw_data[0] if self.version.raw_data else None
        return submitted != str(current_version)
