"""Reading one cell of a survey export as an answer, and checking a day: pure, no Flask.

Answers are whole numbers on the item's scale or the agreement labels survey tools
write out (see LABELS); "Don't know", "DK" and "N/A" are "don't know" where the item
allows it; a blank cell is unanswered. Days are read by transform.value_reading, as
every import reads dates; a day must fall within the wave.
"""

import re
from dataclasses import dataclass
from datetime import date

#: Labels on a 5-point and a 7-point agreement scale, compared ignoring case and spacing.
LABELS = {
    5: {
        "strongly disagree": 1,
        "disagree": 2,
        "neither agree nor disagree": 3,
        "neutral": 3,
        "agree": 4,
        "strongly agree": 5,
    },
    7: {
        "strongly disagree": 1,
        "disagree": 2,
        "somewhat disagree": 3,
        "slightly disagree": 3,
        "neither agree nor disagree": 4,
        "neutral": 4,
        "somewhat agree": 5,
        "slightly agree": 5,
        "agree": 6,
        "strongly agree": 7,
    },
}
DONT_KNOW = frozenset({"don't know", "dont know", "do not know", "dk", "n/a", "na"})
#: An answer cell that was left blank: the response has no answer to that item.
UNANSWERED = object()

_WHOLE = re.compile(r"[+-]?\d+(?:\.0*)?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")


@dataclass(frozen=True)
class AnswerSpec:
    """An item as an import needs it."""

    id: int
    code: str
    text: str
    scale_points: int = 5
    is_required: bool = True
    allows_dont_know: bool = False


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


def read_answer(item: AnswerSpec, text: str):
    """(value, "") with value 1..k, None for "don't know" or UNANSWERED; else (None, why)."""
    scale = f"1–{item.scale_points}"
    if not text:
        if item.is_required:
            return None, "the answer is missing and the item is required."
        return UNANSWERED, ""
    label = _normal(text)
    if label in DONT_KNOW:
        if item.allows_dont_know:
            return None, ""
        return None, f"“{text}” (don't know) is not allowed for this item."
    if _WHOLE.fullmatch(label):
        value = int(float(label))
        if 1 <= value <= item.scale_points:
            return value, ""
        return None, f"{value} is outside the item's scale ({scale})."
    if _NUMBER.fullmatch(label):
        return None, f"{text} is not a whole number on the item's scale ({scale})."
    if label in LABELS[item.scale_points]:
        return LABELS[item.scale_points][label], ""
    if any(label in labels for labels in LABELS.values()):
        return None, f"“{text}” is not on the item's {item.scale_points}-point scale."
    return (
        None,
        f"“{text}” is not an answer: give a number from {scale} or a label such as “Agree”.",
    )


def day_problem(day: date, opens_on: date, closes_on: date) -> str | None:
    """Why a response cannot be dated `day` in a wave open those days, or None."""
    if opens_on <= day <= closes_on:
        return None
    return (
        f"{day.isoformat()} is outside the wave, {opens_on.isoformat()} to "
        f"{closes_on.isoformat()}."
    )
