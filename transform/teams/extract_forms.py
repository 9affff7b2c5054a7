"""The org import's forms for a person-level HR extract: what the upload holds, and the
choice of its team, parent and name columns."""

from collections.abc import Sequence

from wtforms import HiddenField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice

from transform.import_forms import UploadForm
from transform.teams.forms import ImportReviewForm
from transform.teams.hr_extract import PeopleColumns

TEAMS, PEOPLE = "teams", "people"


class TeamUploadForm(UploadForm):
    holds = RadioField(
        "The file holds",
        choices=[
            SelectChoice(TEAMS, "One row per team: team id, name, parent id, headcount"),
            SelectChoice(
                PEOPLE, "One row per person: an HR extract; headcounts are counted per team"
            ),
        ],
        default=TEAMS,
    )


class PeopleReviewForm(ImportReviewForm):
    """Headcounts are counted, not read: no decimal mark is asked for."""

    decimal_mark = None
    people = HiddenField(default="1")
    team_column = SelectField("Team column")
    parent_column = SelectField("Parent column")
    name_column = SelectField("Team name column")

    def __init__(self, headers: Sequence[str], **kwargs):
        super().__init__(**kwargs)
        columns = [
            SelectChoice(str(index), header or f"Column {index + 1}")
            for index, header in enumerate(headers)
        ]
        self.team_column.choices = [SelectChoice("", "Choose the team column"), *columns]
        self.parent_column.choices = [SelectChoice("", "None: every team is top-level"), *columns]
        self.name_column.choices = [
            SelectChoice("", "None: the team column is the name"),
            *columns,
        ]

    def columns(self) -> PeopleColumns:
        def index(field) -> int | None:
            return int(field.data) if field.data else None

        return PeopleColumns(
            index(self.team_column), index(self.parent_column), index(self.name_column)
        )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        columns = self.columns()
        if columns.team is None:
            self.team_column.errors.append("Choose the column that names each person's team.")
            return False
        if columns.team in (columns.parent, columns.name):
            self.team_column.errors.append("Choose different columns for the team and the rest.")
            return False
        return True


def initial_columns(columns: PeopleColumns, token: str) -> dict:
    """Form data that pre-selects suggested columns."""

    def value(column: int | None) -> str:
        return "" if column is None else str(column)

    return {
        "upload": token,
        "people": "1",
        "team_column": value(columns.team),
        "parent_column": value(columns.parent),
        "name_column": value(columns.name),
    }
