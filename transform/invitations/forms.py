"""The invitations page's forms: the roster, the message, and the confirmations."""

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from transform.invitations import message

#: What the preview and the field checks put in place of each placeholder.
SAMPLE_LINK = "https://transform.example/s/your-own-link"


class RosterForm(FlaskForm):
    file = FileField("CSV or Excel file")
    pasted = TextAreaField("Or paste the rows", validators=[Optional(), Length(max=5_000_000)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if (
            not (self.file.data and self.file.data.filename)
            and not (self.pasted.data or "").strip()
        ):
            self.file.errors.append("Choose a file, or paste the rows below.")
            return False
        return True


class MessageForm(FlaskForm):
    subject = StringField("Invitation subject", validators=[InputRequired(), Length(max=200)])
    body = TextAreaField("Invitation text", validators=[InputRequired(), Length(max=20_000)])
    reminder_subject = StringField(
        "Reminder subject", validators=[InputRequired(), Length(max=200)]
    )
    reminder_body = TextAreaField(
        "Reminder text", validators=[InputRequired(), Length(max=20_000)]
    )
    contact = StringField("Contact for questions", validators=[InputRequired(), Length(max=254)])
    reminder_days = StringField(
        "Remind this many days before the close date", validators=[Optional(), Length(max=60)]
    )
    preview = SubmitField("Preview")
    submit = SubmitField("Save the message")

    def __init__(self, sample: message.MessageValues, **kwargs):
        super().__init__(**kwargs)
        self.sample = sample

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        sample = message.MessageValues(
            **(self.sample.as_dict() | {"contact": self.contact.data or ""})
        )
        for field, needs_link in (
            (self.subject, False),
            (self.body, True),
            (self.reminder_subject, False),
            (self.reminder_body, True),
        ):
            if field.data and not field.errors:
                problem = message.template_problem(field.data, needs_link, sample)
                if problem:
                    field.errors.append(problem)
                    valid = False
        if self.days() is None:
            self.reminder_days.errors.append(
                "Write whole numbers of days between 1 and 60, separated by commas, e.g. 3, 1."
            )
            valid = False
        return valid

    def days(self) -> list[int] | None:
        """The reminder days, largest first; None when they cannot be read."""
        text = (self.reminder_days.data or "").strip()
        if not text:
            return []
        parts = [part for part in re.split(r"[,\s;]+", text) if part]
        if not all(part.isdigit() and 1 <= int(part) <= 60 for part in parts):
            return None
        return sorted({int(part) for part in parts}, reverse=True)


class ConfirmForm(FlaskForm):
    """A button that changes something: CSRF only."""
