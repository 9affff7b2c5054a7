"""The form that adds a person to a programme or changes their role."""

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from transform.models import Role


class MembershipForm(FlaskForm):
    user_id = SelectField("Person", coerce=int, validators=[DataRequired()])
    role = SelectField(
        "Role",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validators=[DataRequired()],
    )
