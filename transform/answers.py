"""Reading one answer to one item, from whatever wrote it: the respondent's form, a cell of
a survey tool's export, or a JSON body. Pure, no Flask.

The one place that knows what an answer may be: a whole number on the item's scale, an
agreement label such as "Agree" (LABELS), "don't know" where the item allows it (DONT_KNOW,
stored as NULL), or nothing (an optional item left unanswered). The respond page, the
file import and the API all read through `read_answer`, so a new kind of item changes
the model, this module, the scoring of items and the respondent template.
"""

import enum
import re
from dataclasses import dataclass

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
#: What the respondent's form sends for "don't know".
DONT_KNOW_VALUE = "dk"
DONT_KNOW = frozenset({"don't know", "dont know", "do not know", DONT_KNOW_VALUE, "n/a", "na"})
#: An answer left blank: the response has no answer to that item.
UNANSWERED = object()

_WHOLE = re.compile(r"[+-]?\d+(?:\.0*)?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")


@dataclass(frozen=True)
class ItemSpec:
    """An item as reading its answers needs it."""

    id: int
    code: str
    text: str = ""
    scale_points: int = 5
    is_required: bool = True
    allows_dont_know: bool = False


def item_spec(item) -> ItemSpec:
    """The spec of an item (a models.Item, or anything with its attributes)."""
    return ItemSpec(
        item.id,
        item.code,
        item.text,
        item.scale_points,
        item.is_required,
        item.allows_dont_know,
    )


class Refusal(enum.StrEnum):
    """Why a written answer cannot be stored."""

    MISSING = "missing"
    DONT_KNOW_NOT_ALLOWED = "dont_know_not_allowed"
    OUT_OF_SCALE = "out_of_scale"
    NOT_WHOLE = "not_whole"
    OTHER_SCALE = "other_scale"
    NOT_AN_ANSWER = "not_an_answer"


@dataclass(frozen=True)
class ReadAnswer:
    #: 1..k, None for "don't know", or UNANSWERED; None also when refused.
    value: object
    refusal: Refusal | None = None
    #: Why, in words, naming what was written.
    message: str = ""


def read_answer(item: ItemSpec, text: str) -> ReadAnswer:
    """The answer `text` gives to `item`, or why it gives none."""
    scale = f"1–{item.scale_points}"
    if not text:
        if item.is_required:
            return _refused(Refusal.MISSING, "the answer is missing and the item is required.")
        return ReadAnswer(UNANSWERED)
    label = _normal(text)
    if label in DONT_KNOW:
        if item.allows_dont_know:
            return ReadAnswer(None)
        return _refused(
            Refusal.DONT_KNOW_NOT_ALLOWED, f"“{text}” (don't know) is not allowed for this item."
        )
    if _WHOLE.fullmatch(label):
        value = int(float(label))
        if 1 <= value <= item.scale_points:
            return ReadAnswer(value)
        return _refused(Refusal.OUT_OF_SCALE, f"{value} is outside the item's scale ({scale}).")
    if _NUMBER.fullmatch(label):
        return _refused(
            Refusal.NOT_WHOLE, f"{text} is not a whole number on the item's scale ({scale})."
        )
    if label in LABELS[item.scale_points]:
        return ReadAnswer(LABELS[item.scale_points][label])
    if any(label in labels for labels in LABELS.values()):
        return _refused(
            Refusal.OTHER_SCALE, f"“{text}” is not on the item's {item.scale_points}-point scale."
        )
    return _refused(
        Refusal.NOT_AN_ANSWER,
        f"“{text}” is not an answer: give a number from {scale} or a label such as “Agree”.",
    )


def _refused(refusal: Refusal, message: str) -> ReadAnswer:
    return ReadAnswer(None, refusal, message)


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()
