"""What every template can use: htmx asset, navigation, formatting filters."""

from datetime import date, datetime

from babel import dates as babel_dates
from flask import Flask, has_request_context, request
from flask_login import current_user

from transform.formatting import format_value, tone_properties
from transform.languages import language_name, long_date
from transform.scoring.adkar import UNDETERMINED
from transform.scoring.bands import band, whole
from transform.scoring.readiness import COMPONENT_LABELS

HTMX_ASSET = "js/htmx-2.0.11.min.js"


#: Locales dates are written in, as the browser's language asks (Accept-Language); the
#: first is the default, and the one PDFs and the command line use. A date typed into a
#: browser's date field follows the same locale, so typed and shown dates agree.
LOCALES = ("en_GB", "en_US", "de_DE", "fr_FR", "nl_NL", "es_ES")


def user_locale() -> str:
    """The locale of the request's browser among LOCALES; the default outside a request."""
    if not has_request_context():
        return LOCALES[0]
    asked = request.accept_languages.best_match([code.replace("_", "-") for code in LOCALES])
    return asked.replace("-", "_") if asked else LOCALES[0]


def format_date(value: date | datetime | None) -> str:
    """A date as the user's locale writes it in words: 3 Dec 2026, Dec 3, 2026, 03.12.2026."""
    if value is None:
        return "—"
    return babel_dates.format_date(value, "medium", locale=user_locale())


def format_datetime(value: datetime | None) -> str:
    """A stored (UTC) moment as the user's locale writes it, marked UTC."""
    if value is None:
        return "—"
    return f"{babel_dates.format_datetime(value, 'medium', locale=user_locale())} UTC"


def size_label(size_bytes: int) -> str:
    """A byte count as people say it: whole MB from 1 MB up, else KB."""
    if size_bytes >= 1024 * 1024:
        return f"{size_bytes // (1024 * 1024)} MB"
    return f"{max(1, size_bytes // 1024)} KB"


#: How a team's barrier point is defined, said the same way on every page and report.
BARRIER_POINT_RULE = (
    "A team's barrier point is the first ADKAR element, in the order Awareness, Desire, "
    "Knowledge, Ability, Reinforcement, whose team mean is at or below 50 of 100 (the "
    "middle of the scale): the rule for one respondent, applied to the team's means."
)


CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def format_money(value: float | None, currency: str) -> str:
    """An amount in whole units of its currency, with a sign only when negative."""
    if value is None:
        return "—"
    symbol = CURRENCY_SYMBOLS.get(currency, f"{currency} ")
    sign = "−" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.0f}"


def barrier_point_label(element: str | None) -> str:
    """A team's barrier point as pages and reports name it."""
    if element is None:
        return "None"
    if element == UNDETERMINED:
        return "Cannot tell"
    return element.capitalize()


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.filters["size"] = size_label
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["component_label"] = COMPONENT_LABELS.__getitem__
    app.jinja_env.globals["component_labels"] = COMPONENT_LABELS
    app.jinja_env.filters["kpi_value"] = format_value
    app.jinja_env.globals["tone_properties"] = tone_properties
    app.jinja_env.globals["user_locale"] = user_locale
    app.jinja_env.filters["barrier_point"] = barrier_point_label
    app.jinja_env.globals["barrier_point_rule"] = BARRIER_POINT_RULE
    # The proxy, so the user is loaded only when a template reads it (respondents' pages
    # never do), not for every render as flask-login's own context processor would.
    app.jinja_env.globals["current_user"] = current_user
    # Scores are shown and banded by one rule (transform.scoring.bands), never round().
    app.jinja_env.filters["whole"] = whole
    app.jinja_env.filters["band"] = band

    @app.context_processor
    def navigation():
        # A function, so only a page drawing the menu queries for it (fragments do not).
        return {"nav_programmes": _nav_programmes, "htmx_asset": HTMX_ASSET}


def _nav_programmes() -> list:
    from transform.access import programmes_of_current_user

    return programmes_of_current_user() if current_user.is_authenticated else []
