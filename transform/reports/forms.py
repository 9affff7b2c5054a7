"""The report request (as-of date, team, wave) and the publish confirmation."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from transform.models import Programme, Team, Wave, WaveStatus
from transform.reports.registry import ReportSpec
from transform.templating import format_date


class ReportForm(FlaskForm):
    """What a report is for; read from a query string (download) or a POST (prepare)."""

    #: Missing means today; a date that does not parse is the field's own error.
    as_of = DateField("As of")
    team = SelectField("Team", coerce=int)
    wave = SelectField("Survey wave", coerce=int)

    def __init__(
        self,
        spec: ReportSpec,
        programme: Programme,
        teams: list[Team],
        waves: list[Wave],
        today: date,
        *args,
        teams_with_results: set[int] = frozenset(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.spec, self.programme, self.today = spec, programme, today
        # Teams whose figures can be shown first, so the default is one with a report.
        ordered = sorted(teams, key=lambda team: team.id not in teams_with_results)
        self.team.choices = [
            SelectChoice(
                team.id,
                team.name if team.id in teams_with_results else f"{team.name} (no results yet)",
            )
            for team in ordered
        ]
        self.wave.choices = [SelectChoice(wave.id, wave.name) for wave in waves]
        self.waves_by_id = {wave.id: wave for wave in waves}
        if not spec.needs_team:
            del self.team
        if not spec.needs_wave:
            del self.wave
        if not self.as_of.raw_data:
            # No date asked for (a page's link, or the page itself): today.
            self.as_of.data = default_as_of(programme, today)

    def validate_as_of(self, field) -> None:
        if field.data is None:
            return
        if field.data < self.programme.starts_on:
            raise ValidationError(
                f"The programme starts on {format_date(self.programme.starts_on)}; "
                "choose that day or later."
            )
        if field.data > self.today:
            raise ValidationError("A report cannot be dated after today.")

    def validate_wave(self, field) -> None:
        wave = self.waves_by_id.get(field.data)
        if wave is None:
            return  # not a choice: the field's own error
        if wave.status == WaveStatus.DRAFT:
            raise ValidationError(f"“{wave.name}” has not opened yet; choose another wave.")
        as_of = self.as_of.data
        if as_of is not None and wave.opens_on > as_of:
            raise ValidationError(
                f"“{wave.name}” opened on {format_date(wave.opens_on)}; choose an as-of date "
                "from that day on."
            )

    @property
    def team_id(self) -> int | None:
        return self.team.data if self.spec.needs_team else None

    @property
    def wave_id(self) -> int | None:
        return self.wave.data if self.spec.needs_wave else None

    def first_error(self) -> str:
        for field_name, errors in self.errors.items():
            label = getattr(self, field_name).label.text if hasattr(self, field_name) else ""
            return f"{label}: {errors[0]}" if label else str(errors[0])
        return ""


class PublishForm(FlaskForm):
    """Only the CSRF token: publishing needs no input."""


def default_as_of(programme: Programme, today: date) -> date:
    """Today, or the programme's start when it has not started yet."""
    return max(today, programme.starts_on)
