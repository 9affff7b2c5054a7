from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from transform.instruments import service
from transform.models import Adkar, Instrument, InstrumentKind, Item
from transform.validation import strip

KIND_LABELS = {
    InstrumentKind.CUSTOM: "Custom",
    InstrumentKind.ADKAR: "ADKAR",
    InstrumentKind.READINESS: "Readiness",
}

#: What each kind of instrument may measure, in words for the PMO.
KIND_CHOICE_LABELS = {
    InstrumentKind.CUSTOM: "Custom: any dimensions, including ones you name",
    InstrumentKind.ADKAR: "ADKAR: only the five ADKAR elements (feeds the adoption index)",
    InstrumentKind.READINESS: "Readiness: only change commitment and change efficacy",
}

#: What an instrument of each kind measures, for its page.
KIND_EXPLANATIONS = {
    InstrumentKind.ADKAR: (
        "This is an ADKAR instrument: each item measures one of the five ADKAR elements, "
        "so barrier points and the adoption index can be computed."
    ),
    InstrumentKind.READINESS: (
        "This is a readiness instrument: each item measures change commitment or change "
        "efficacy, the subscales of the readiness index."
    ),
    InstrumentKind.CUSTOM: (
        "A custom instrument: items measure an ADKAR element, a readiness subscale or a "
        "dimension you name."
    ),
}

DIMENSION_LABELS = {element.value: element.label for element in Adkar} | {
    service.READINESS_DIMENSIONS[0]: "Change commitment",
    service.READINESS_DIMENSIONS[1]: "Change efficacy",
}

#: The dimension choice that asks for a name typed by the user.
OTHER_DIMENSION = "_other"
KNOWN_DIMENSIONS = service.ADKAR_DIMENSIONS + service.READINESS_DIMENSIONS


def dimension_label(dimension: str) -> str:
    """A dimension as people read it: "Awareness", "Change efficacy", "Workload"."""
    return DIMENSION_LABELS.get(dimension) or dimension[:1].upper() + dimension[1:]


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _dimension_choices(kind: InstrumentKind) -> list[SelectChoice]:
    """The dimensions an instrument of this kind offers, grouped as the PMO thinks of them."""
    allowed = service.KIND_DIMENSIONS[kind] or KNOWN_DIMENSIONS
    choices = [
        SelectChoice(
            value,
            DIMENSION_LABELS[value],
            optgroup="ADKAR elements" if value in service.ADKAR_DIMENSIONS else "Readiness",
        )
        for value in allowed
    ]
    if service.KIND_DIMENSIONS[kind] is None:
        choices.append(SelectChoice(OTHER_DIMENSION, "Another dimension (name it below)"))
    return choices


class InstrumentForm(FlaskForm):
    name = StringField(
        "Name", filters=[strip], validators=[DataRequired(), Length(max=service.NAME_MAX)]
    )
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(kind.value, KIND_CHOICE_LABELS[kind]) for kind in KIND_LABELS],
        coerce=InstrumentKind,
        default=InstrumentKind.CUSTOM,
        invalid_choice_message="Choose Custom, ADKAR or Readiness.",
        invalid_value_message="Choose Custom, ADKAR or Readiness.",
    )
    description = TextAreaField(
        "Description", filters=[strip], validators=[Optional(), Length(max=5000)]
    )
    intro = TextAreaField(
        "Introduction for respondents",
        filters=[strip],
        validators=[Optional(), Length(max=5000)],
    )

    def __init__(self, *args, instrument: Instrument | None = None, **kwargs):
        self._instrument = instrument
        super().__init__(*args, **kwargs)

    def validate_name(self, field) -> None:
        if service.name_is_taken(field.data, self._instrument.id if self._instrument else None):
            raise ValidationError("An instrument with this name already exists.")

    def validate_kind(self, field) -> None:
        if self._instrument is None or field.data is None:
            return
        misfits = service.misfit_items(self._instrument, field.data)
        if misfits:
            codes = ", ".join(item.code for item in misfits)
            raise ValidationError(
                f"{service.KIND_RULES[field.data]} These items do not fit: {codes}."
            )


class ItemForm(FlaskForm):
    code = StringField(
        "Code",
        filters=[strip],
        validators=[
            DataRequired(),
            Length(max=service.CODE_MAX),
            Regexp(r"^[A-Za-z0-9_-]+$", message="Use letters, digits, _ and - only, no spaces."),
        ],
    )
    text = TextAreaField(
        "Statement", filters=[strip], validators=[DataRequired(), Length(max=service.TEXT_MAX)]
    )
    dimension = SelectField("Dimension", validate_choice=False, validators=[DataRequired()])
    custom_dimension = StringField("Name of the dimension", filters=[strip])
    scale_points = SelectField(
        "Scale",
        choices=[
            SelectChoice("5", "1–5 (five points)"),
            SelectChoice("7", "1–7 (seven points)"),
        ],
        coerce=_int_or_none,
        default=5,
        invalid_choice_message="Choose a 5-point or a 7-point scale.",
    )
    is_reverse = BooleanField("Reverse-coded")
    allows_dont_know = BooleanField("Offers “don't know”")
    is_required = BooleanField("Answer required", default=True)

    def __init__(self, instrument: Instrument, item: Item | None = None, **kwargs):
        self._instrument = instrument
        self._item = item
        if item is not None:
            kwargs = _item_data(item) | kwargs
        super().__init__(**kwargs)
        self.dimension.choices = _dimension_choices(instrument.kind)

    def validate_code(self, field) -> None:
        item_id = self._item.id if self._item else None
        if service.code_is_taken(self._instrument, field.data, item_id):
            raise ValidationError("Another item of this instrument already has this code.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.dimension.errors:
            return False
        choice = self.dimension.data
        if choice == OTHER_DIMENSION:
            name = (self.custom_dimension.data or "").lower()
            if not name:
                self.custom_dimension.errors.append("Name the dimension this item measures.")
                return False
            if len(name) > service.DIMENSION_MAX:
                self.custom_dimension.errors.append(
                    f"Field cannot be longer than {service.DIMENSION_MAX} characters."
                )
                return False
        elif choice not in KNOWN_DIMENSIONS:
            self.dimension.errors.append("Choose a dimension from the list.")
            return False
        problem = service.dimension_error(self._instrument.kind, self.chosen_dimension())
        if problem:
            self.dimension.errors.append(problem)
            return False
        return valid

    def chosen_dimension(self) -> str:
        if self.dimension.data == OTHER_DIMENSION:
            return (self.custom_dimension.data or "").lower()
        return self.dimension.data

    def draft(self) -> service.ItemDraft:
        return service.ItemDraft(
            code=self.code.data,
            text=self.text.data,
            dimension=self.chosen_dimension(),
            scale_points=self.scale_points.data,
            is_reverse=self.is_reverse.data,
            allows_dont_know=self.allows_dont_know.data,
            is_required=self.is_required.data,
        )


def _item_data(item: Item) -> dict:
    known = item.dimension in KNOWN_DIMENSIONS
    return {
        "code": item.code,
        "text": item.text,
        "dimension": item.dimension if known else OTHER_DIMENSION,
        "custom_dimension": "" if known else item.dimension,
        "scale_points": item.scale_points,
        "is_reverse": item.is_reverse,
        "allows_dont_know": item.allows_dont_know,
        "is_required": item.is_required,
    }
