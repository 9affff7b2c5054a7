"""Form validators shared by features."""

from datetime import date

from wtforms.validators import ValidationError

from transform.templating import format_date


class WithinProgramme:
    """A date field must fall within the programme's start and end dates."""

    def __init__(self, starts_on: date, ends_on: date):
        self.starts_on = starts_on
        self.ends_on = ends_on

    def __call__(self, _form, field) -> None:
        if field.data is None:
            return
        if not self.starts_on <= field.data <= self.ends_on:
            raise ValidationError(
                f"Must fall within the programme, {format_date(self.starts_on)} to "
                f"{format_date(self.ends_on)}."
            )
