"""The form that words an instrument in another language: intro, scale labels, items."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from transform.languages import PAGE_TEXT
from transform.models import Instrument, InstrumentTranslation
from transform.validation import strip

LABEL_MAX = 60
ITEM_MAX = 400


class TranslationForm(FlaskForm):
    intro = TextAreaField(
        "Introduction for respondents", filters=[strip], validators=[Optional(), Length(max=5000)]
    )
    scale_low = StringField(
        "Label of the scale's lowest point (“Strongly disagree”)",
        filters=[strip],
        validators=[DataRequired(), Length(max=LABEL_MAX)],
    )
    scale_mid = StringField(
        "Label of its middle point (“Neither”)",
        filters=[strip],
        validators=[DataRequired(), Length(max=LABEL_MAX)],
    )
    scale_high = StringField(
        "Label of its highest point (“Strongly agree”)",
        filters=[strip],
        validators=[DataRequired(), Length(max=LABEL_MAX)],
    )
    dont_know = StringField(
        "“Don't know”", filters=[strip], validators=[DataRequired(), Length(max=LABEL_MAX)]
    )

    @classmethod
    def for_instrument(
        cls, instrument: Instrument, language: str, translation: InstrumentTranslation | None
    ) -> "TranslationForm":
        """The form with an `item_<id>` field per item, filled from the translation; a new
        one starts with the language's usual scale labels."""

        class Bound(cls):
            pass

        texts = {}
        for item in instrument.items:
            texts[f"item_{item.id}"] = next(
                (t.text for t in item.translations if t.language == language), ""
            )
            setattr(
                Bound,
                f"item_{item.id}",
                StringField(
                    f"{item.code}: {item.text}",
                    filters=[strip],
                    validators=[Optional(), Length(max=ITEM_MAX)],
                ),
            )
        if translation is None:
            page = PAGE_TEXT[language]
            texts |= {
                "scale_low": page.scale_low,
                "scale_mid": page.scale_mid,
                "scale_high": page.scale_high,
                "dont_know": page.dont_know,
            }
        return Bound(obj=translation, **texts)

    def item_field(self, item_id: int):
        return self[f"item_{item_id}"]

    def item_texts(self) -> dict[int, str]:
        """Each item's text as entered, by item id; blank for an item not translated yet."""
        return {
            int(field.name.removeprefix("item_")): field.data or ""
            for field in self
            if field.name.startswith("item_")
        }
