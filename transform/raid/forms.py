from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice, enum_choices, enum_coerce
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from transform.models import Phase, Programme, RaidKind, RaidStatus, User
from transform.raid.queries import (
    LIKELIHOOD_LABELS,
    SEVERITY_LABELS,
    STATUS_ACTIVE,
    RaidFilters,
)
from transform.raid.service import RaidDraft
from transform.validation import NumberRange, PlausibleDate, WithinProgramme, strip

STALE_MESSAGE = "Someone changed this item since you opened it. Reload to see their changes."


def _label(member) -> str:
    return member.value.capitalize()


def _optional_int(value) -> int | None:
    """Coerce a select's value to an int, with the empty option meaning none."""
    if value is None or value == "":
        return None
    return int(value)


def _scale_choices(labels: dict[int, str]) -> list[SelectChoice]:
    return [SelectChoice(number, f"{number} {label}") for number, label in labels.items()]


class RaidItemForm(FlaskForm):
    kind = SelectField(
        "Type",
        choices=enum_choices(RaidKind, label=_label),
        coerce=enum_coerce(RaidKind),
        default=RaidKind.RISK,
    )
    title = StringField("Title", filters=[strip], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        "Description", filters=[strip], validators=[Optional(), Length(max=5000)]
    )
    phase_id = SelectField("Phase", coerce=_optional_int)
    owner_id = SelectField("Owner", coerce=_optional_int)
    severity = SelectField(
        "Severity", choices=_scale_choices(SEVERITY_LABELS), coerce=int, default=3
    )
    likelihood = SelectField(
        "Likelihood", choices=_scale_choices(LIKELIHOOD_LABELS), coerce=int, default=3
    )
    status = SelectField(
        "Status",
        choices=enum_choices(RaidStatus, label=_label),
        coerce=enum_coerce(RaidStatus),
        default=RaidStatus.OPEN,
    )
    due_on = DateField("Due date", validators=[Optional(), PlausibleDate()])
    recommendation = TextAreaField(
        "Recommended option", filters=[strip], validators=[Optional(), Length(max=500)]
    )

    def __init__(
        self, programme: Programme, phases: list[Phase], owners: list[User], *args, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.phase_id.choices = [SelectChoice("", "No phase")] + [
            SelectChoice(phase.id, phase.name) for phase in phases
        ]
        self.owner_id.choices = [SelectChoice("", "No owner yet")] + [
            SelectChoice(owner.id, owner.name) for owner in owners
        ]

    def validate_due_on(self, field) -> None:
        WithinProgramme(self.programme.starts_on, self.programme.ends_on)(self, field)

    def draft(self) -> RaidDraft:
        return RaidDraft(
            kind=self.kind.data,
            title=self.title.data,
            description=self.description.data or "",
            phase_id=self.phase_id.data,
            owner_id=self.owner_id.data,
            severity=self.severity.data,
            likelihood=self.likelihood.data,
            status=self.status.data,
            due_on=self.due_on.data,
            recommendation=self.recommendation.data or None,
        )


class RaidItemEditForm(RaidItemForm):
    #: The item's version when the form was opened; a different one now means a stale edit.
    version = HiddenField()

    def is_stale(self, current_version: int) -> bool:
        """True unless the form was sent with the item's current version."""
        submitted = self.version.raw_data[0] if self.version.raw_data else None
        return submitted != str(current_version)


class RaidFilterForm(FlaskForm):
    """The list's filters, read from the query string; an invalid value filters nothing."""

    class Meta:
        csrf = False

    kind = SelectField(
        "Type",
        choices=[SelectChoice("", "All types"), *enum_choices(RaidKind, label=_label)],
        default="",
    )
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("", "Any status"),
            SelectChoice(STATUS_ACTIVE, "Not closed"),
            *enum_choices(RaidStatus, label=_label),
        ],
        default="",
    )
    owner_id = SelectField("Owner", coerce=_optional_int)
    phase_id = SelectField("Phase", coerce=_optional_int)
    severity = IntegerField(
        "Severity", widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=5)]
    )
    likelihood = IntegerField(
        "Likelihood", widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=5)]
    )

    def __init__(self, phases: list[Phase], owners: list[User], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phase_id.choices = [SelectChoice("", "All phases")] + [
            SelectChoice(phase.id, phase.name) for phase in phases
        ]
        self.owner_id.choices = [SelectChoice("", "Anyone")] + [
            SelectChoice(owner.id, owner.name) for owner in owners
        ]

    def filters(self) -> RaidFilters:
        """The valid filters; a field with a value that is not allowed filters nothing."""
        self.validate()

        def value(field):
            return None if field.errors or field.data in ("", None) else field.data

        kind = value(self.kind)
        return RaidFilters(
            kind=RaidKind(kind) if kind else None,
            status=value(self.status),
            owner_id=value(self.owner_id),
            phase_id=value(self.phase_id),
            severity=value(self.severity),
            likelihood=value(self.likelihood),
        )
