"""How values and statuses read everywhere: KPI values with units, and the one map from a
status to its colour.

Pages, PDF reports and charts all take their colours from TONES: the stylesheets read
them as CSS custom properties (`--green`, `--green-soft`, `--green-ink`, …) that the
base templates write from `tone_properties()`, and the charts use the same hex values.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tone:
    #: Lines, bars, chart points and solid badges.
    strong: str
    #: Backgrounds of badges and cells.
    soft: str
    #: Text on the soft background.
    ink: str


TONES = {
    "green": Tone("#1e7b4c", "#d3efdd", "#14532d"),
    "amber": Tone("#d08a00", "#fdf0c8", "#7a5200"),
    "red": Tone("#b42318", "#f8d0cc", "#7a1a12"),
    "blue": Tone("#175cd3", "#e7effc", "#123f8f"),
    "grey": Tone("#9aa4b2", "#eef0f3", "#5b6270"),
}
#: A KPI status, a schedule RAG and a gate status, each to its tone.
STATUS_TONES = {"on_track": "green", "at_risk": "amber", "off_track": "red", "no_data": "grey"}
RAG_TONES = {"green": "green", "amber": "amber", "red": "red"}
GATE_TONES = {
    "open": "grey",
    "submitted": "blue",
    "approved": "green",
    "deferred": "amber",
    "rejected": "red",
}


def tone_properties() -> str:
    """The tones as CSS custom properties, for a `:root` rule."""
    return "".join(
        f"--{name}:{tone.strong};--{name}-soft:{tone.soft};--{name}-ink:{tone.ink};"
        for name, tone in TONES.items()
    )


def colour_of(tones: dict[str, str], key: str) -> str:
    """The strong colour of a status in one of the maps above."""
    return TONES[tones[key]].strong


def format_value(value: float | None, unit: str) -> str:
    """A KPI value with its unit: at most two decimals, two always for a currency code."""
    if value is None:
        return "—"
    if len(unit) == 3 and unit.isalpha() and unit.isupper():
        number = f"{value:,.2f}"
    else:
        number = f"{value:,.2f}".rstrip("0").rstrip(".")
    if number.startswith("-") and not number.strip("-0.,"):
        number = number[1:]  # a value that rounds to zero has no sign
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}".strip()
