from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from transform.models import Instrument, Programme, Team, WaveCollection
from transform.validation import NumberRange, PlausibleDate, WithinProgramme
from transform.waves.service import MAX_LINKS_PER_ISSUE


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WaveForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    instrument_id = SelectField("Survey", coerce=int)
    opens_on = DateField("Opens on", validators=[InputRequired(), PlausibleDate()])
    closes_on = DateField("Closes on", validators=[InputRequired(), PlausibleDate()])
    team_ids = CheckboxList("Teams it goes to", coerce=int)
    collection = SelectField(
        "How it collects responses",
        choices=[SelectChoice(c.value, c.label) for c in WaveCollection],
        default=WaveCollection.LINKS.value,
    )

    def __init__(
        self,
        programme: Programme,
        instruments: list[Instrument],
        teams: list[Team],
        *args,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.instrument_id.choices = [SelectChoice(i.id, i.name) for i in instruments]
        self.team_ids.choices = [
            SelectChoice(t.id, f"{t.name} ({t.headcount} people)") for t in teams
        ]
        within = WithinProgramme(programme.starts_on, programme.ends_on)
        self.opens_on.validators = [InputRequired(), within]
        self.closes_on.validators = [InputRequired(), within]
        if not self.is_submitted():
            self.team_ids.data = [t.id for t in teams]

    def validate_closes_on(self, field) -> None:
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError("The wave cannot close before it opens.")

    def validate_team_ids(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one team.")


class LinksForm(FlaskForm):
    team_id = SelectField("Team", coerce=int)
    count = IntegerField(
        "How many links",
        validators=[
            InputRequired(),
            NumberRange(
                min=1, max=MAX_LINKS_PER_ISSUE, message=f"From 1 to {MAX_LINKS_PER_ISSUE}."
            ),
        ],
    )


class TeamLinkForm(FlaskForm):
    team_id = SelectField("Team", coerce=int)


class ConfirmForm(FlaskForm):
    """A bare form so that action buttons carry a CSRF token."""


class AllLinksForm(FlaskForm):
    """Links for every team of a wave at once: one count field per team, built per wave."""

    @classmethod
    def for_teams(cls, rows, **kwargs) -> "AllLinksForm":
        """A form with a `count_<team id>` field per row (team_id, name, prefill)."""

        class Bound(cls):
            pass

        for row in rows:
            setattr(
                Bound,
                f"count_{row.team_id}",
                IntegerField(
                    row.name,
                    default=row.prefill,
                    validators=[
                        InputRequired(),
                        NumberRange(
                            min=0,
                            max=MAX_LINKS_PER_ISSUE,
                            message=f"From 0 to {MAX_LINKS_PER_ISSUE}.",
                        ),
                    ],
                ),
            )
        return Bound(**kwargs)

    def counts(self) -> dict[int, int]:
        """Each team's count as entered, by team id."""
        return {
            int(field.name.removeprefix("count_")): field.data
            for field in self
            if field.name.startswith("count_")
        }

    def count_field(self, team_id: int):
        return self[f"count_{team_id}"]
