"""Form validators shared by features."""

from datetime import date

from wtforms.validators import ValidationError


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
                f"Must fall within the programme, {self.starts_on:%-d %b %Y} to "
                f"{self.ends_on:%-d %b %Y}."
            )
