from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from transform.models import WebhookEvent
from transform.validation import strip


class WebhookForm(FlaskForm):
    url = StringField(
        "Receiver URL", filters=[strip], validators=[DataRequired(), Length(max=2000)]
    )
    secret = PasswordField(
        "Secret",
        validators=[DataRequired(), Length(min=16, max=200)],
        description="At least 16 characters; the receiver checks each body's signature with it.",
    )
    events = SelectMultipleField(
        "Events",
        choices=[SelectChoice(event.value, event.label) for event in WebhookEvent],
        validators=[DataRequired(message="Choose at least one event.")],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )

    def validate_url(self, field) -> None:
        """Only http(s) URLs with a host: no file:, ftp: or other scheme is ever fetched."""
        parts = urlsplit(field.data or "")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError("Give an http:// or https:// URL with a host.")
        if any(char.isspace() for char in field.data):
            raise ValidationError("A URL has no spaces.")
