"""KPI forms: the definition, a checkpoint, a planned trajectory and a re-baseline reason."""

import math

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FloatField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from transform.models import Direction, Kpi, Perspective, Team, User
from transform.scoring.kpi import Shape, value_problem
from transform.seeds import KPI_LIBRARY
from transform.templating import format_date
from transform.validation import NumberRange, PlausibleDate
from transform.versioning import VersionedForm

NOBODY = 0
CUSTOM = ""
NO_PLAN = ""
NUMBER_MESSAGE = "Enter a number, such as 42 or 3.5."
EVERY = (
    SelectChoice("monthly", "Every month end"),
    SelectChoice("quarterly", "Every quarter end"),
)


def check_bounds(value: float | None, low: float | None, high: float | None, unit: str) -> None:
    """A field error when a given value lies outside the KPI's possible range."""
    if value is None:
        return
    problem = value_problem(value, low, high, unit)
    if problem:
        raise ValidationError(f"The value {problem}.")


class NumberField(FloatField):
    """A float typed as people type it: thousands separators and a trailing % allowed."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace(",", "").removesuffix("%").strip()
        try:
            value = float(text)
        except ValueError:
            self.data = None
            raise ValueError(NUMBER_MESSAGE) from None
        if not math.isfinite(value):
            self.data = None
            raise ValueError(NUMBER_MESSAGE)
        self.data = value


class KpiForm(FlaskForm):
    """What a KPI is and where it should go. Tolerances are typed in points of progress."""

    name = StringField("Name", validators=[DataRequired(), Length(max=160)])
    description = TextAreaField("How it is measured", validators=[Length(max=2000)])
    unit = StringField("Unit", validators=[DataRequired(), Length(max=40)])
    direction = SelectField(
        "Better when",
        choices=[
            SelectChoice(Direction.HIGHER_IS_BETTER.value, "Higher is better"),
            SelectChoice(Direction.LOWER_IS_BETTER.value, "Lower is better"),
        ],
    )
    perspective = SelectField(
        "Scorecard perspective", choices=[SelectChoice(p.value, p.label) for p in Perspective]
    )
    team_id = SelectField("Team", coerce=int)
    owner_id = SelectField("Owner", coerce=int)
    baseline_value = NumberField("Baseline value", validators=[InputRequired(NUMBER_MESSAGE)])
    baseline_on = DateField("Baseline date", validators=[InputRequired(), PlausibleDate()])
    target_value = NumberField("Target value", validators=[InputRequired(NUMBER_MESSAGE)])
    target_on = DateField("Target date", validators=[InputRequired(), PlausibleDate()])
    min_value = NumberField("Lowest possible value", validators=[Optional()])
    max_value = NumberField("Highest possible value", validators=[Optional()])
    at_risk_points = NumberField(
        "At risk when behind plan by more than (points)",
        validators=[Optional(), NumberRange(0, 100, "Between 0 and 100 points.")],
    )
    off_track_points = NumberField(
        "Off track when behind plan by more than (points)",
        validators=[Optional(), NumberRange(0, 100, "Between 0 and 100 points.")],
    )

    def __init__(self, teams: list[Team], members: list[User], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.team_id.choices = [SelectChoice(NOBODY, "— The whole programme —")] + [
            SelectChoice(team.id, team.name) for team in teams
        ]
        self.owner_id.choices = [SelectChoice(NOBODY, "— Nobody —")] + [
            SelectChoice(member.id, member.name) for member in members
        ]

    def validate_target_value(self, field) -> None:
        if field.data is not None and field.data == self.baseline_value.data:
            raise ValidationError("The target must differ from the baseline.")
        self._within_bounds(field)

    def validate_baseline_value(self, field) -> None:
        self._within_bounds(field)

    def validate_target_on(self, field) -> None:
        if field.data and self.baseline_on.data and field.data <= self.baseline_on.data:
            raise ValidationError("The target date must come after the baseline date.")

    def validate_max_value(self, field) -> None:
        low = self.min_value.data
        if field.data is not None and low is not None and field.data <= low:
            raise ValidationError("The highest value must be above the lowest.")

    def validate_off_track_points(self, field) -> None:
        at_risk = self.at_risk_points.data
        if field.data is not None and at_risk is not None and field.data < at_risk:
            raise ValidationError("Off track must be at least as far behind as at risk.")

    def _within_bounds(self, field) -> None:
        check_bounds(field.data, self.min_value.data, self.max_value.data, self.unit.data or "")


class NewKpiForm(KpiForm):
    library = SelectField("Start from", choices=[])
    plan_shape = SelectField("Planned trajectory", choices=[])
    plan_every = SelectField("Checkpoints", choices=list(EVERY))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.library.choices = [SelectChoice(CUSTOM, "A custom KPI")] + [
            SelectChoice(d.key, f"{d.name} ({d.unit})") for d in KPI_LIBRARY
        ]
        self.plan_shape.choices = [SelectChoice(s.value, s.label) for s in Shape] + [
            SelectChoice(NO_PLAN, "None yet: I will type planned values in")
        ]


class EditKpiForm(KpiForm, VersionedForm):
    reason = TextAreaField("Reason for the re-baseline", validators=[Length(max=2000)])

    def __init__(self, kpi: Kpi, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi

    def validate_reason(self, field) -> None:
        if self.kpi.locked_at is None or (field.data or "").strip():
            return
        moved = (
            self.baseline_value.data != self.kpi.baseline_value
            or self.baseline_on.data != self.kpi.baseline_on
            or self.target_value.data != self.kpi.target_value
            or self.target_on.data != self.kpi.target_on
        )
        if moved:
            raise ValidationError(
                "The baseline is locked since the first gate: say why it changes."
            )


class CheckpointForm(FlaskForm):
    """A checkpoint: its date, and the planned and actual values (either may wait)."""

    on_date = DateField("Date", validators=[InputRequired(), PlausibleDate()])
    planned_value = NumberField("Planned", validators=[Optional()])
    actual_value = NumberField("Actual", validators=[Optional()])

    def __init__(self, kpi: Kpi, *args, taken_dates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.taken_dates = set(taken_dates)

    def validate_on_date(self, field) -> None:
        if field.data is None:
            return
        if field.data < self.kpi.baseline_on:
            raise ValidationError(f"Before the baseline date {format_date(self.kpi.baseline_on)}.")
        if field.data in self.taken_dates:
            raise ValidationError(f"There is already a checkpoint on {format_date(field.data)}.")
        if self.planned_value.data is None and self.actual_value.data is None:
            raise ValidationError("Give a planned or an actual value for this date.")

    def validate_planned_value(self, field) -> None:
        if field.data is None:
            return
        if self.kpi.locked_at is not None:
            raise ValidationError("The plan is locked: change it through a re-baseline.")
        self._within_bounds(field)

    def validate_actual_value(self, field) -> None:
        if field.data is not None:
            self._within_bounds(field)

    def _within_bounds(self, field) -> None:
        check_bounds(field.data, self.kpi.min_value, self.kpi.max_value, self.kpi.unit)


class ActualForm(VersionedForm):
    """The inline edit of one checkpoint's actual value; blank clears it."""

    actual_value = NumberField("Actual", validators=[Optional()])

    def __init__(self, kpi: Kpi, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi

    def validate_actual_value(self, field) -> None:
        check_bounds(field.data, self.kpi.min_value, self.kpi.max_value, self.kpi.unit)


class PlanForm(FlaskForm):
    shape = SelectField("Trajectory", choices=[SelectChoice(s.value, s.label) for s in Shape])
    every = SelectField("Checkpoints", choices=list(EVERY))
    reason = TextAreaField("Reason for the re-baseline", validators=[Length(max=2000)])

    def __init__(self, kpi: Kpi, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi

    def validate_reason(self, field) -> None:
        if self.kpi.locked_at is not None and not (field.data or "").strip():
            raise ValidationError("The plan is locked since the first gate: say why it changes.")


class ConfirmForm(FlaskForm):
    """An empty form: CSRF protection for buttons that delete."""
