from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from transform.agents.queries import CoveragePage, TeamRow


def _optional_int(value) -> int | None:
    """Coerce a select's value to an int, with the empty option meaning none."""
    if value is None or value == "":
        return None
    return int(value)


def _team_label(team: TeamRow, is_uncovered: bool) -> str:
    people = f"{team.headcount} {'person' if team.headcount == 1 else 'people'}"
    return f"{team.name} ({people}{', no agent yet' if is_uncovered else ''})"


class AssignForm(FlaskForm):
    """Assign one of the programme's change agents to one of its impacted teams."""

    agent_id = SelectField("Change agent", coerce=_optional_int, validate_choice=False)
    team_id = SelectField("Team", coerce=_optional_int, validate_choice=False)

    def __init__(self, page: CoveragePage, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.agent_id.choices = [SelectChoice("", "Choose a change agent")] + [
            SelectChoice(agent_id, name) for agent_id, name in page.agents.items()
        ]
        uncovered = {team.team_id for team in page.coverage.uncovered}
        self.team_id.choices = [SelectChoice("", "Choose a team")] + [
            SelectChoice(team.team_id, _team_label(team, team.team_id in uncovered))
            for team in page.teams.values()
        ]

    def validate_agent_id(self, field) -> None:
        if field.errors:
            return
        if field.data is None:
            raise ValidationError("Choose a change agent.")
        if field.data not in self.page.agents:
            raise ValidationError(
                "Only people who are change agents in this programme can be assigned."
            )

    def validate_team_id(self, field) -> None:
        if field.errors:
            return
        if field.data is None:
            raise ValidationError("Choose a team.")
        if field.data not in self.page.teams:
            raise ValidationError("Choose a team this programme impacts.")
        if (self.agent_id.data, field.data) in self.page.taken:
            raise already_assigned(self)


def already_assigned(form: AssignForm) -> ValidationError:
    agent = form.page.agents.get(form.agent_id.data, "This agent")
    team = form.page.teams[form.team_id.data].name
    return ValidationError(f"{agent} already covers {team}.")
