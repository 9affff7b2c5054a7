from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from transform.models import Adkar, BarrierCategory, FollowUpStatus, Resistance, Team, User
from transform.validation import PlausibleDate
from transform.versioning import VersionedForm

SENTIMENTS = [
    SelectChoice(2, "+2 Very positive"),
    SelectChoice(1, "+1 Positive"),
    SelectChoice(0, "0 Neutral"),
    SelectChoice(-1, "−1 Negative"),
    SelectChoice(-2, "−2 Very negative"),
]
NOBODY = 0


class FeedbackForm(FlaskForm):
    """A change agent's observation of a team, with an optional follow-up action."""

    #: Choices are the teams the user may log for; the view names a refused team.
    team_id = SelectField("Team", coerce=int, validate_choice=False, validators=[InputRequired()])
    observed_on = DateField("Observed on", validators=[InputRequired(), PlausibleDate()])
    observed_stage = SelectField(
        "ADKAR stage the team is working on",
        choices=[SelectChoice(stage.value, stage.label) for stage in Adkar],
    )
    sentiment = SelectField("Sentiment", coerce=int, choices=SENTIMENTS, default=0)
    resistance = SelectField(
        "Resistance", choices=[SelectChoice(r.value, r.value.capitalize()) for r in Resistance]
    )
    barrier = SelectField(
        "Main barrier",
        choices=[SelectChoice(b.value, b.label) for b in BarrierCategory],
        default=BarrierCategory.NONE.value,
    )
    text = TextAreaField(
        "What you observed",
        validators=[DataRequired(message="Describe what you observed."), Length(max=5000)],
    )
    follow_up_action = StringField("Follow-up action", validators=[Optional(), Length(max=300)])
    follow_up_owner_id = SelectField("Follow-up owner", coerce=int, default=NOBODY)
    follow_up_due_on = DateField("Follow-up due", validators=[Optional(), PlausibleDate()])

    def __init__(
        self, teams: list[Team], people: list[User], today: date, starts_on: date, *args, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.today = today
        self.starts_on = starts_on
        self.team_id.choices = [SelectChoice(team.id, team.name) for team in teams]
        self.follow_up_owner_id.choices = [SelectChoice(NOBODY, "— Me —")] + [
            SelectChoice(person.id, person.name) for person in people
        ]
        # A new form (none read from a post, as after a quick-log save) starts on today.
        if not self.observed_on.raw_data:
            self.observed_on.data = self.observed_on.data or today

    def validate_team_id(self, field) -> None:
        if field.data not in {choice.value for choice in self.team_id.choices}:
            raise ValidationError("You are not assigned to this team, so you cannot log for it.")

    def validate_observed_on(self, field) -> None:
        if field.data and field.data > self.today:
            raise ValidationError("An observation cannot be dated in the future.")
        if field.data and field.data < self.starts_on:
            raise ValidationError("The date is before the programme started.")

    def validate_follow_up_due_on(self, field) -> None:
        if field.data and not self.follow_up_action.data:
            raise ValidationError("Describe the follow-up action, or clear the due date.")
        if field.data and self.observed_on.data and field.data < self.observed_on.data:
            raise ValidationError("The follow-up cannot be due before the observation.")


class FeedFilterForm(FlaskForm):
    """Filters for feeds and themes, read from the query string."""

    class Meta:
        csrf = False

    team = SelectField("Team and its sub-teams", coerce=int, default=0, validators=[Optional()])
    agent = SelectField("Change agent", coerce=int, default=0, validators=[Optional()])
    stage = SelectField(
        "ADKAR stage",
        default="",
        validators=[Optional()],
        choices=[SelectChoice("", "Any stage")] + [SelectChoice(s.value, s.label) for s in Adkar],
    )
    barrier = SelectField(
        "Barrier",
        default="",
        validators=[Optional()],
        choices=[SelectChoice("", "Any barrier")]
        + [SelectChoice(b.value, b.label) for b in BarrierCategory],
    )
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])

    def __init__(self, teams: list[Team], agents: list[User], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.team.choices = [SelectChoice(0, "All teams")] + [
            SelectChoice(team.id, team.name) for team in teams
        ]
        self.agent.choices = [SelectChoice(0, "Any agent")] + [
            SelectChoice(agent.id, agent.name) for agent in agents
        ]

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end of the range is before its start.")


class FollowUpStatusForm(VersionedForm):
    status = SelectField(
        "Status", choices=[SelectChoice(s.value, s.value.capitalize()) for s in FollowUpStatus]
    )
