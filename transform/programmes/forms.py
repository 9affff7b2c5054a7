from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from transform.validation import NumberRange, PlausibleDate
from transform.versioning import VersionedForm


class ProgrammeUpdateForm(VersionedForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    organisation = StringField("Organisation", validators=[Optional(), Length(max=160)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    starts_on = DateField("Starts on", validators=[InputRequired(), PlausibleDate()])
    ends_on = DateField("Ends on", validators=[InputRequired(), PlausibleDate()])
    target_adoption_rate = DecimalField(
        "Target adoption rate (%)",
        places=1,
        validators=[InputRequired(), NumberRange(min=1, max=100)],
    )
    anonymity_threshold = IntegerField(
        "Anonymity threshold (smallest group shown)",
        validators=[InputRequired(), NumberRange(min=3, max=100, message="At least 3.")],
    )
    comment_threshold = IntegerField(
        "Comment threshold (smallest group whose comments are shown)",
        validators=[InputRequired(), NumberRange(min=3, max=1000)],
    )
    people_per_agent = IntegerField(
        "Target people per change agent",
        validators=[InputRequired(), NumberRange(min=1, max=10000)],
    )


class ArchiveForm(FlaskForm):
    """Archive or restore: a bare form so the button carries a CSRF token."""
