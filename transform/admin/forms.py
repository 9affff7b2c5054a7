from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from transform.passwords import new_password_problem
from transform.validation import PlausibleDate


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    password = PasswordField("Initial password", validators=[DataRequired()])
    is_site_admin = BooleanField("Site administrator (may create programmes and users)")

    def validate_password(self, field) -> None:
        problem = new_password_problem(field.data, self.email.data or "", self.name.data or "")
        if problem:
            raise ValidationError(problem)


class UserUpdateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    is_site_admin = BooleanField("Site administrator")
    is_enabled = BooleanField("Account enabled")


class ProgrammeForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    organisation = StringField("Organisation", validators=[Optional(), Length(max=160)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    template_id = SelectField("Methodology", coerce=int, validators=[DataRequired()])
    starts_on = DateField("Starts on", validators=[InputRequired(), PlausibleDate()])
    ends_on = DateField("Ends on", validators=[InputRequired(), PlausibleDate()])
    target_adoption_rate = DecimalField(
        "Target adoption rate (%)",
        default=80,
        places=1,
        validators=[DataRequired(), NumberRange(min=1, max=100)],
    )
    anonymity_threshold = IntegerField(
        "Anonymity threshold (smallest group shown)",
        default=5,
        validators=[DataRequired(), NumberRange(min=3, max=100, message="At least 3.")],
    )
    comment_threshold = IntegerField(
        "Comment threshold (smallest group whose comments are shown)",
        default=10,
        validators=[DataRequired(), NumberRange(min=3, max=1000)],
    )

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError("The end date must not be before the start date.")

    def validate_comment_threshold(self, field) -> None:
        if (
            self.anonymity_threshold.data
            and field.data
            and field.data < self.anonymity_threshold.data
        ):
            raise ValidationError("Must be at least the anonymity threshold.")
