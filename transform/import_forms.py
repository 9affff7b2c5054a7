"""The forms every import shares: the upload, and the review of how the file reads."""

import hashlib
import json

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from transform.templating import size_label
from transform.value_reading import Choices, DateOrder, DecimalMark, Settlement

FROM_THE_FILE = "Decide from the file"
#: Each choice: its name, and what it means where the file gives no example.
DATE_ORDERS = {
    DateOrder.DAY_FIRST: ("Day first", "day/month/year"),
    DateOrder.MONTH_FIRST: ("Month first", "month/day/year"),
}
DECIMAL_MARKS = {
    DecimalMark.POINT: ("Decimal point", "1,234.5"),
    DecimalMark.COMMA: ("Decimal comma", "1.234,5"),
}


#: The end of an uploaded file's name kept for messages; the name is never stored.
FILENAME_KEPT = 120


def _labelled(label: tuple[str, str], example: str | None) -> str:
    """A choice's option: "Month first: 11/04/2026 is 4 November 2026" where the file has
    a value it decides, else "Month first: month/day/year"."""
    name, meaning = label
    return f"{name}: {example or meaning}"


class UploadForm(FlaskForm):
    file = FileField("CSV or Excel file", validators=[FileRequired("Choose a file to import.")])

    def validate_file(self, field) -> None:
        limit = current_app.config["UPLOAD_MAX_BYTES"]
        FileSize(limit, message=f"The file is larger than the {size_label(limit)} limit.")(
            self, field
        )

    def filename(self) -> str:
        """The uploaded file's own name, without any folders the browser sent."""
        name = (self.file.data.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        return name[-FILENAME_KEPT:]


class ReviewForm(FlaskForm):
    """An upload under review: how to read its dates and numbers, then the confirmation.

    The page shows how the file reads with the choices it was posted with, and keeps their
    fingerprint in `previewed`; "Import" writes only when the choices posted with it are
    the ones previewed, so nothing is stored that the user has not seen read. A feature
    drops a choice its files do not need by setting the field to None in a subclass.
    """

    upload = HiddenField()
    date_order = SelectField("Dates are written", default="")
    decimal_mark = SelectField("Numbers are written with a", default="")
    previewed = HiddenField()
    preview = SubmitField("Read the file again")
    submit = SubmitField("Import")
    cancel = SubmitField("Discard it and upload another")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.explain()

    def explain(
        self,
        dates: Settlement[DateOrder] | None = None,
        numbers: Settlement[DecimalMark] | None = None,
    ) -> None:
        """Label each choice with what the file's first ambiguous value reads as with it."""
        for name, labels, settlement in (
            ("date_order", DATE_ORDERS, dates),
            ("decimal_mark", DECIMAL_MARKS, numbers),
        ):
            if name not in self:
                continue
            examples = dict(settlement.examples) if settlement else {}
            self[name].choices = [SelectChoice("", FROM_THE_FILE)] + [
                SelectChoice(way.value, _labelled(label, examples.get(way)))
                for way, label in labels.items()
            ]

    def choices(self) -> Choices:
        """What was chosen; None where the file decides."""
        date_order = self.data.get("date_order") or None
        decimal_mark = self.data.get("decimal_mark") or None
        return Choices(
            DateOrder(date_order) if date_order else None,
            DecimalMark(decimal_mark) if decimal_mark else None,
        )

    def fingerprint(self) -> str:
        """What the preview depends on: the upload and every choice, buttons aside."""
        skipped = {"csrf_token", "previewed"}
        chosen = {
            name: field.data
            for name, field in self._fields.items()
            if name not in skipped and not isinstance(field, SubmitField)
        }
        return hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()

    def mark_previewed(self) -> None:
        """The page about to be shown previews these choices: "Import" may write them."""
        self.previewed.data = self.fingerprint()

    def is_confirmed(self) -> bool:
        """ "Import" was pressed on a preview of exactly the choices posted."""
        return bool(self.submit.data) and self.previewed.data == self.fingerprint()
