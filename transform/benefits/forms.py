"""Forms of the benefits register; the stage and value rules live in the service, which
names the field a refusal belongs to."""

import math

from flask_wtf import FlaskForm
from wtforms import (
    FloatField,
    HiddenField,
    MonthField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice, enum_choices, enum_coerce
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from transform.benefits.queries import BenefitFilters
from transform.benefits.service import InitiativeDraft, ValueDraft
from transform.models import InitiativeStage, Phase, Team, User, ValueKind, ValueType
from transform.validation import NumberRange, strip

CURRENCIES = ("GBP", "EUR", "USD", "CHF")


def _optional_int(value) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def _stage_choices() -> list[SelectChoice]:
    return [SelectChoice(stage.value, stage.label) for stage in InitiativeStage]


class InitiativeForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=160)])
    description = TextAreaField(
        "Description", filters=[strip], validators=[Optional(), Length(max=5000)]
    )
    owner_id = SelectField("Owner", coerce=_optional_int)
    workstream = StringField(
        "Workstream", filters=[strip], validators=[Optional(), Length(max=80)]
    )
    phase_id = SelectField("Phase", coerce=_optional_int)
    team_ids = SelectMultipleField("Teams it changes", coerce=int)

    def __init__(self, owners: list[User], phases: list[Phase], teams: list[Team], **kwargs):
        super().__init__(**kwargs)
        self.owner_id.choices = [SelectChoice("", "No owner yet")] + [
            SelectChoice(owner.id, owner.name) for owner in owners
        ]
        self.phase_id.choices = [SelectChoice("", "No phase")] + [
            SelectChoice(phase.id, phase.name) for phase in phases
        ]
        self.team_ids.choices = [SelectChoice(team.id, team.name) for team in teams]

    def draft(self) -> InitiativeDraft:
        return InitiativeDraft(
            name=self.name.data,
            description=self.description.data or "",
            owner_id=self.owner_id.data,
            workstream=self.workstream.data or "",
            phase_id=self.phase_id.data,
            team_ids=tuple(self.team_ids.data or ()),
        )


STALE_MESSAGE = "Someone changed this initiative since you opened it. Reload to see their changes."


class InitiativeEditForm(InitiativeForm):
    #: The initiative's version when the form was opened; another one now is a stale edit.
    version = HiddenField()

    def is_stale(self, current_version: int) -> bool:
        submitted = self.version.raw_data[0] if self.version.raw_data else None
        return submitted != str(current_version)


class StageForm(FlaskForm):
    stage = SelectField("Move to", choices=_stage_choices(), coerce=enum_coerce(InitiativeStage))
    reason = TextAreaField("Why", filters=[strip], validators=[Optional(), Length(max=2000)])


class ValueForm(FlaskForm):
    kind = SelectField(
        "Kind",
        choices=enum_choices(ValueKind, label=lambda kind: kind.label),
        coerce=enum_coerce(ValueKind),
    )
    value_type = SelectField(
        "Type",
        choices=enum_choices(ValueType, label=lambda kind: kind.label),
        coerce=enum_coerce(ValueType),
    )
    month = MonthField("Month", validators=[InputRequired(message="Choose a month.")])
    amount = FloatField(
        "Amount", validators=[InputRequired(message="Enter an amount (0 or more).")]
    )
    reason = TextAreaField(
        "Re-baseline reason", filters=[strip], validators=[Optional(), Length(max=2000)]
    )

    def validate_amount(self, field) -> None:
        if field.data is not None and not (math.isfinite(field.data) and abs(field.data) < 1e12):
            raise ValidationError("Enter an amount as a plain number.")

    def draft(self) -> ValueDraft:
        return ValueDraft(
            kind=self.kind.data,
            value_type=self.value_type.data,
            month=self.month.data,
            amount=self.amount.data,
            reason=self.reason.data or "",
        )


class TargetForm(FlaskForm):
    currency = SelectField("Currency", choices=[SelectChoice(code, code) for code in CURRENCIES])
    value_target = FloatField(
        "Net value target",
        validators=[
            Optional(),
            NumberRange(min=0, message="A target is a positive amount (or none)."),
        ],
    )


class FilterForm(FlaskForm):
    """The register's filters from the query string; an invalid value filters nothing."""

    class Meta:
        csrf = False

    stage = SelectField(
        "Stage", choices=[SelectChoice("", "All stages"), *_stage_choices()], default=""
    )
    workstream = SelectField("Workstream", default="")

    def __init__(self, workstreams: list[str], **kwargs):
        super().__init__(**kwargs)
        self.workstream.choices = [SelectChoice("", "All workstreams")] + [
            SelectChoice(name, name) for name in workstreams
        ]

    def filters(self) -> BenefitFilters:
        self.validate()

        def value(field):
            return None if field.errors or field.data in ("", None) else field.data

        stage = value(self.stage)
        return BenefitFilters(
            stage=InitiativeStage(stage) if stage else None, workstream=value(self.workstream)
        )
