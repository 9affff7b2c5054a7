"""The invitation and reminder texts: PMO-written templates with a few placeholders.

Subjects and texts are Jinja templates in a sandbox, plain text, with only the
placeholders below; a syntax error, an unknown placeholder or a text without the link
is refused at the field. Pure: no Flask, no database.
"""

from dataclasses import dataclass

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

PLACEHOLDERS = {
    "programme": "the programme's name",
    "survey": "the wave's name",
    "introduction": "the survey's introduction",
    "closes_on": "the close date",
    "contact": "who to ask",
    "link": "the person's own single-use link",
}
DEFAULT_SUBJECT = "{{ programme }}: your view in {{ survey }}"
DEFAULT_BODY = """Hello,

{{ programme }} asks for your view in a short survey, {{ survey }}.

{{ introduction }}

Your own link (it works once, and only for you):
{{ link }}

The survey closes on {{ closes_on }}. Your answers are anonymous: they are kept with
your team's name and the day only, never with your address or this link, and your
team's results are shown only when enough colleagues have answered.

Questions? Contact {{ contact }}.
"""
DEFAULT_REMINDER_SUBJECT = "Reminder: {{ survey }} closes on {{ closes_on }}"
DEFAULT_REMINDER_BODY = """Hello,

If you have a few minutes before {{ closes_on }}, {{ programme }} would value your view
in {{ survey }}. Your own link:
{{ link }}

You receive this because your link has not been used yet; nobody sees who has answered.
Questions? Contact {{ contact }}.
"""

_environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


@dataclass(frozen=True)
class MessageValues:
    programme: str
    survey: str
    introduction: str
    closes_on: str
    contact: str
    link: str

    def as_dict(self) -> dict[str, str]:
        return self.__dict__.copy()


def render(template: str, values: MessageValues) -> str:
    return _environment.from_string(template).render(values.as_dict())


def template_problem(template: str, needs_link: bool, sample: MessageValues) -> str | None:
    """Why the template cannot be used, in words for the field; None when it can."""
    try:
        rendered = render(template, sample)
    except TemplateError as error:
        where = f" (line {error.lineno})" if getattr(error, "lineno", None) else ""
        names = ", ".join("{{ " + name + " }}" for name in PLACEHOLDERS)
        return f"The text cannot be used{where}: {error.message}. Placeholders are {names}."
    if needs_link and sample.link not in rendered:
        return "The text must contain {{ link }}: each person's own link goes there."
    if not needs_link and "\n" in rendered.strip():
        return "A subject is one line."
    return None
