"""Read a respondent's answers from a submitted form and check them against the items.

Pure: takes the items as plain specs and the form as a mapping, returns the answers or
the errors per item. Each answer is read by transform.answers, as imports read theirs;
this module adds only what a form needs: field names, the comment, and wording for a
respondent. A field named for an item not in the instrument makes the whole submission
foreign (it was not made from this survey's form).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from transform.answers import UNANSWERED, ItemSpec, Refusal, read_answer
from transform.languages import ENGLISH_TEXT, PageText

ANSWER_PREFIX = "item-"
COMMENT_MAX = 2000


@dataclass(frozen=True)
class ReadAnswers:
    #: item id -> value on the item's scale, or None for "don't know"; unanswered optional
    #: items are absent.
    values: dict[int, int | None]
    #: item code -> message
    errors: dict[str, str]
    comment: str | None
    foreign: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.foreign


def field_name(item: ItemSpec) -> str:
    return f"{ANSWER_PREFIX}{item.code}"


def read_answers(
    items: list[ItemSpec], form: Mapping[str, str], page: PageText = ENGLISH_TEXT
) -> ReadAnswers:
    """The answers in the form, or its errors worded in the respondent's language."""
    known = {field_name(item) for item in items}
    foreign = any(key.startswith(ANSWER_PREFIX) and key not in known for key in form)
    values: dict[int, int | None] = {}
    errors: dict[str, str] = {}
    for item in items:
        answer = read_answer(item, (form.get(field_name(item)) or "").strip())
        if answer.refusal == Refusal.MISSING:
            errors[item.code] = page.answer_missing
        elif answer.refusal:
            errors[item.code] = page.answer_range.format(points=item.scale_points)
        elif answer.value is not UNANSWERED:
            # An unanswered optional item stores no answer: NULL means "don't know".
            values[item.id] = answer.value
    comment = (form.get("comment") or "").strip() or None
    if comment and len(comment) > COMMENT_MAX:
        errors["comment"] = page.comment_too_long.format(limit=COMMENT_MAX)
    return ReadAnswers(values, errors, comment, foreign)
