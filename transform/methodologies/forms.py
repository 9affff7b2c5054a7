from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from transform.methodologies import service
from transform.models import GateCriterionKind
from transform.validation import NumberRange, strip

#: How each kind of gate criterion is checked, in words for the PMO.
KIND_LABELS = {
    GateCriterionKind.CHECKLIST: "Checklist: ticked by the PMO",
    GateCriterionKind.NO_EARLY_BARRIER: "No team's ADKAR barrier point at Awareness or Desire",
    GateCriterionKind.READINESS_MINIMUM: "Readiness index at least a threshold",
    GateCriterionKind.RESPONSE_MINIMUM: "Each team reached the anonymity minimum of responses",
    GateCriterionKind.KPI_ON_TRACK: "A programme KPI on track",
}

#: A template cannot name a programme's KPI, so kpi_on_track is not offered.
TEMPLATE_KINDS = [kind for kind in GateCriterionKind if kind != GateCriterionKind.KPI_ON_TRACK]


def evaluated_from(kind: GateCriterionKind) -> str | None:
    """Where a computed criterion's answer comes from; None for a checklist item."""
    if kind == GateCriterionKind.CHECKLIST:
        return None
    if kind == GateCriterionKind.KPI_ON_TRACK:
        return "Evaluated from KPI data"
    return "Evaluated from survey data"


class TemplateForm(FlaskForm):
    name = StringField(
        "Name", filters=[strip], validators=[DataRequired(), Length(max=service.NAME_MAX)]
    )
    description = TextAreaField(
        "Description", filters=[strip], validators=[Optional(), Length(max=5000)]
    )

    def validate_name(self, field) -> None:
        if service.name_is_taken(field.data):
            raise ValidationError("A template with this name already exists.")


class PhaseForm(FlaskForm):
    name = StringField("Phase name", filters=[strip], validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(
        "Description", filters=[strip], validators=[Optional(), Length(max=5000)]
    )
    duration_weeks = IntegerField(
        "Typical duration (weeks)",
        default=6,
        validators=[
            InputRequired(message="Give a number of weeks."),
            NumberRange(min=1, max=520, message="Between 1 and 520 weeks."),
        ],
    )


class ActivityForm(FlaskForm):
    name = StringField(
        "Activity or deliverable", filters=[strip], validators=[DataRequired(), Length(max=200)]
    )
    is_deliverable = BooleanField("Deliverable")


class CriterionForm(FlaskForm):
    text = StringField(
        "Gate criterion", filters=[strip], validators=[DataRequired(), Length(max=300)]
    )
    kind = SelectField(
        "Checked by",
        choices=[SelectChoice(kind.value, KIND_LABELS[kind]) for kind in TEMPLATE_KINDS],
        default=GateCriterionKind.CHECKLIST.value,
        validators=[DataRequired()],
    )
    threshold = FloatField(
        "Threshold (0–100)",
        validators=[Optional(), NumberRange(min=0, max=100, message="Between 0 and 100.")],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        wants_threshold = self.kind.data == GateCriterionKind.READINESS_MINIMUM.value
        if self.threshold.errors:
            return False
        if wants_threshold and self.threshold.data is None:
            self.threshold.errors.append("A readiness minimum needs a threshold.")
            return False
        if not wants_threshold and self.threshold.data is not None:
            self.threshold.errors.append("Only a readiness minimum takes a threshold.")
            return False
        return valid
