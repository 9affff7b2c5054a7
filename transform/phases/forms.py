from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from transform.models import GateDecisionKind, PhaseStatus, Programme, User
from transform.templating import size_label
from transform.validation import PlausibleDate, WithinProgramme, strip
from transform.versioning import VersionedForm

NOBODY = 0


def _owner_choices(members: list[User]) -> list[SelectChoice]:
    return [SelectChoice(NOBODY, "— Nobody —")] + [SelectChoice(m.id, m.name) for m in members]


def owner_id_or_none(value: int | None) -> int | None:
    return value or None


class PhaseForm(VersionedForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    owner_id = SelectField("Owner", coerce=int)
    status = SelectField("Status", choices=[SelectChoice(s.value, s.label) for s in PhaseStatus])
    planned_start = DateField("Planned start", validators=[InputRequired(), PlausibleDate()])
    planned_end = DateField("Planned end", validators=[InputRequired(), PlausibleDate()])
    actual_start = DateField("Actual start", validators=[Optional(), PlausibleDate()])
    actual_end = DateField("Actual end", validators=[Optional(), PlausibleDate()])

    def __init__(self, programme: Programme, members: list[User], today, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.owner_id.choices = _owner_choices(members)
        within = WithinProgramme(programme.starts_on, programme.ends_on)
        self.planned_start.validators = [InputRequired(), within]
        self.planned_end.validators = [InputRequired(), within]

    def validate_planned_end(self, field) -> None:
        if self.planned_start.data and field.data and field.data < self.planned_start.data:
            raise ValidationError("The planned end must not be before the planned start.")

    def validate_actual_start(self, field) -> None:
        if field.data and field.data > self.today:
            raise ValidationError("An actual date cannot be in the future.")

    def validate_actual_end(self, field) -> None:
        if not field.data:
            return
        if field.data > self.today:
            raise ValidationError("An actual date cannot be in the future.")
        if not self.actual_start.data:
            raise ValidationError("Give the actual start too.")
        if field.data < self.actual_start.data:
            raise ValidationError("The actual end must not be before the actual start.")


class ActivityForm(VersionedForm):
    owner_id = SelectField("Owner", coerce=int)
    due_on = DateField("Due", validators=[Optional(), PlausibleDate()])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])
    done = BooleanField("Done")

    def __init__(self, programme: Programme, members: list[User], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = _owner_choices(members)
        self.due_on.validators = [
            Optional(),
            WithinProgramme(programme.starts_on, programme.ends_on),
        ]


class ToggleDoneForm(VersionedForm):
    done = BooleanField("Done")


class NewActivityForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    is_deliverable = BooleanField("This is a deliverable")
    owner_id = SelectField("Owner", coerce=int)
    due_on = DateField("Due", validators=[Optional(), PlausibleDate()])

    def __init__(self, programme: Programme, members: list[User], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = _owner_choices(members)
        self.due_on.validators = [
            Optional(),
            WithinProgramme(programme.starts_on, programme.ends_on),
        ]


def _http_url(_form, field) -> None:
    if field.data and not field.data.lower().startswith(("https://", "http://")):
        raise ValidationError("Give a web address starting with https:// or http://.")


class EvidenceForm(FlaskForm):
    title = StringField("Title", filters=[strip], validators=[Optional(), Length(max=200)])
    # Stripped, so a link of spaces is no link (it was stored empty, as a file without one).
    url = URLField("Link", filters=[strip], validators=[Optional(), Length(max=2000), _http_url])
    file = FileField("Or upload a file")

    def validate_file(self, field) -> None:
        limit = current_app.config["UPLOAD_MAX_BYTES"]
        if field.data:
            FileSize(
                max_size=limit, message=f"The file is larger than the {size_label(limit)} limit."
            )(self, field)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        has_file = bool(self.file.data and self.file.data.filename)
        if valid and not self.url.data and not has_file:
            self.url.errors.append("Give a link or choose a file.")
            return False
        if valid and self.url.data and has_file:
            self.url.errors.append("Give a link or a file, not both.")
            return False
        if valid and self.url.data and not self.title.data:
            self.title.errors.append("Give the link a title.")
            return False
        return valid


class CriterionForm(VersionedForm):
    is_met = BooleanField("Met")


class GateDecisionForm(FlaskForm):
    decision = SelectField(
        "Decision",
        choices=[
            SelectChoice(GateDecisionKind.APPROVED.value, "Approve: the phase may close"),
            SelectChoice(GateDecisionKind.DEFERRED.value, "Defer: decide later"),
            SelectChoice(GateDecisionKind.REJECTED.value, "Reject: rework needed"),
        ],
        validators=[DataRequired()],
    )
    reason = TextAreaField(
        "Reason",
        validators=[DataRequired(message="Give the reason for the decision."), Length(max=5000)],
    )


class ConfirmForm(FlaskForm):
    """A bare form for buttons that post, so they carry a CSRF token."""


class GateSubmitForm(FlaskForm):
    """Submitting a gate, with the option the PMO recommends to the sponsor, if any."""

    recommendation = TextAreaField(
        "Recommended option", filters=[strip], validators=[Optional(), Length(max=500)]
    )
