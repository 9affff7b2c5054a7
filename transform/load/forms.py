from dataclasses import dataclass
from datetime import date

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.fields import MonthField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import HiddenInput

from transform.load.org import TeamInfo
from transform.scoring.change_load import month_start
from transform.validation import FIRST_YEAR, LAST_YEAR, NumberRange

DEFAULT_MONTHS = 12
MIN_MONTHS = 6
MAX_MONTHS = 24
#: Deepest indent shown in the team filter; deeper teams line up with it.
MAX_INDENT = 6
STALE_MESSAGE = (
    "Someone changed this team's capacity since you opened it. The current value is "
    "shown; set yours again if it is still needed."
)


def is_plannable(month: date) -> bool:
    return FIRST_YEAR <= month.year <= LAST_YEAR


def default_window(today: date) -> dict:
    """The window form's values when the query string gives none."""
    return {"first": month_start(today), "months": DEFAULT_MONTHS}


def _optional_int(value) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


@dataclass(frozen=True)
class Window:
    first: date
    months: int
    team_id: int | None

    def query_args(self) -> dict:
        """The window as query-string arguments for url_for."""
        args = {"from": f"{self.first:%Y-%m}", "months": str(self.months)}
        if self.team_id is not None:
            args["team"] = str(self.team_id)
        return args


class OptionalMonthField(MonthField):
    """A month input where a blank value keeps the default instead of being an error."""

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            return
        super().process_formdata(valuelist)


class WindowForm(FlaskForm):
    """The heatmap's window, read from the query string; an invalid value takes the default."""

    class Meta:
        csrf = False

    first = OptionalMonthField(
        "From", name="from", invalid_value_message="Give a month as YYYY-MM, e.g. 2026-03."
    )
    months = IntegerField(
        "Months",
        invalid_value_message=f"Show {MIN_MONTHS} to {MAX_MONTHS} months.",
        validators=[
            Optional(),
            NumberRange(
                min=MIN_MONTHS,
                max=MAX_MONTHS,
                message=f"Show {MIN_MONTHS} to {MAX_MONTHS} months.",
            ),
        ],
    )
    team = SelectField("Teams", coerce=_optional_int)

    def __init__(self, teams: list[TeamInfo], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.team.choices = [SelectChoice("", "All teams")] + [
            SelectChoice(team.id, "\u2002" * min(team.depth, MAX_INDENT) + team.name)
            for team in teams
        ]

    def validate_first(self, field) -> None:
        if field.data is not None and not is_plannable(field.data):
            raise ValidationError(f"Give a month between {FIRST_YEAR} and {LAST_YEAR}.")

    def window(self, today: date) -> Window:
        """The valid window; a field with a value that is not allowed takes its default."""
        self.validate()

        def value(field, default):
            return default if field.errors or field.data in ("", None) else field.data

        return Window(
            first=month_start(value(self.first, today)),
            months=value(self.months, DEFAULT_MONTHS),
            team_id=value(self.team, None),
        )


class CapacityForm(FlaskForm):
    capacity = IntegerField(
        "Capacity (points a month)",
        invalid_value_message="A whole number above 0, or blank.",
        validators=[
            Optional(),
            NumberRange(min=1, max=100000, message="A whole number above 0, or blank."),
        ],
    )
    #: The team's version when the form was opened; a different one now means a stale edit.
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def is_stale(self, current_version: int) -> bool:
        return self.version.data != current_version
