"""Form validators shared by features."""

from datetime import date

from wtforms import validators
from wtforms.validators import ValidationError

from transform.templating import format_date

#: Dates outside these years are refused where people type or import them: no programme
#: plans that far, and the charts cannot draw dates near the calendar's end (9999).
FIRST_YEAR = 1900
LAST_YEAR = 2999


def strip(value):
    """A field filter: surrounding whitespace dropped, so blank-looking input is blank."""
    return value.strip() if isinstance(value, str) else value


def implausible_date(value: date) -> str | None:
    """Why `value` is refused as a date of the programme's world, or None."""
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        return None
    return f"Give a date between {FIRST_YEAR} and {LAST_YEAR}."


class PlausibleDate:
    """A date field's year must lie within FIRST_YEAR to LAST_YEAR."""

    def __call__(self, _form, field) -> None:
        problem = implausible_date(field.data) if field.data is not None else None
        if problem:
            raise ValidationError(problem)


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


class NumberRange(validators.NumberRange):
    """WTForms' NumberRange, refusing a number too large for a float at the field.

    WTForms checks `math.isnan(data)` first, which raises OverflowError for an integer
    beyond float range (10**400 typed into a headcount); that is bad input, not a 500.
    """

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except OverflowError:
            raise validators.ValidationError(
                self.message or "That number is far too large."
            ) from None
