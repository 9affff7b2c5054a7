"""The form of a response import's second step: the mapping of the file's columns, and
the review of how its rows read (the upload is transform.import_forms.UploadForm)."""

from collections.abc import Sequence
from datetime import date

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from transform.answers import ItemSpec
from transform.import_forms import ReviewForm
from transform.templating import format_date
from transform.wave_data.import_files import column_labels
from transform.wave_data.importing import ColumnMapping, TeamMatch, check_mapping

ITEM_PREFIX = "item_"


class MappingForm(ReviewForm):
    """Built by mapping_form(), which adds one select per item of the wave. Answers are
    whole numbers on a scale, so no decimal mark is asked for."""

    decimal_mark = None
    team_column = SelectField("Team column")
    team_match = SelectField(
        "Team values are",
        choices=[
            SelectChoice(TeamMatch.NAME, "Team names"),
            SelectChoice(TeamMatch.EXTERNAL_ID, "Team ids (the id the HR system uses)"),
        ],
        default=TeamMatch.NAME,
    )
    day_column = SelectField("Date column")
    comment_column = SelectField("Comment column")
    response_id_column = SelectField(
        "Response id column",
        description="The survey tool's own response id: a response imported before is "
        "skipped when a grown export is imported again. Only a salted hash is kept.",
    )
    preview = SubmitField("Check how the rows read")
    submit = SubmitField("Import responses")

    def __init__(self, headers: Sequence[str], items: list[ItemSpec], default_day: date, **kwargs):
        super().__init__(**kwargs)
        self.labels, self.items = column_labels(headers), items
        columns = [SelectChoice(str(i), label) for i, label in enumerate(self.labels)]
        self.team_column.choices = [SelectChoice("", "Choose the team column"), *columns]
        self.day_column.choices = [
            SelectChoice("", f"None: every response is dated {format_date(default_day)}"),
            *columns,
        ]
        self.comment_column.choices = [SelectChoice("", "None: no comments"), *columns]
        self.response_id_column.choices = [SelectChoice("", "None: no response ids"), *columns]
        for _item, field in self.item_fields():
            field.choices = [SelectChoice("", "Not in the file"), *columns]

    def item_fields(self) -> list[tuple[ItemSpec, SelectField]]:
        return [(item, self[f"{ITEM_PREFIX}{item.id}"]) for item in self.items]

    def mapping(self) -> ColumnMapping:
        return ColumnMapping(
            items={item.id: _column(field.data) for item, field in self.item_fields()},
            team=_column(self.team_column.data),
            team_match=self.team_match.data,
            day=_column(self.day_column.data),
            comment=_column(self.comment_column.data),
            response_id=_column(self.response_id_column.data),
        )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        fields = {
            "team": self.team_column,
            "day": self.day_column,
            "comment": self.comment_column,
            "response_id": self.response_id_column,
        }
        fields |= {item.id: field for item, field in self.item_fields()}
        problems = check_mapping(self.mapping(), self.items, self.labels)
        for problem in problems:
            field = fields.get(problem.target)
            if field is None:
                self.form_errors.append(problem.message)
            else:
                field.errors.append(problem.message)
        return not problems


def mapping_form(
    headers: Sequence[str], items: list[ItemSpec], default_day: date, **kwargs
) -> MappingForm:
    """A MappingForm with a select per item; without submitted data, `data` pre-selects."""
    selects = {
        f"{ITEM_PREFIX}{item.id}": SelectField(f"{item.code} · {item.text}") for item in items
    }
    form_class = type("ItemMappingForm", (MappingForm,), selects)
    return form_class(headers, items, default_day, **kwargs)


def initial_data(mapping: ColumnMapping, token: str) -> dict:
    """Form data that pre-selects a suggested mapping."""

    def value(column: int | None) -> str:
        return "" if column is None else str(column)

    data = {f"{ITEM_PREFIX}{item_id}": value(column) for item_id, column in mapping.items.items()}
    return data | {
        "upload": token,
        "team_column": value(mapping.team),
        "team_match": mapping.team_match,
        "day_column": value(mapping.day),
        "comment_column": value(mapping.comment),
        "response_id_column": value(mapping.response_id),
    }


def _column(value: str | None) -> int | None:
    return int(value) if value else None


class RetryForm(FlaskForm):
    """The retry button of a failed import job, so that it carries a CSRF token."""
