"""Survey tools' export layouts: which tool wrote a file, and which rows are not answers.

Pure, no Flask. Each tool writes its own header: Qualtrics three rows (codes, question
text, `{"ImportId": …}`), SurveyMonkey two (questions, then the options or "Response",
with a matrix question's later columns left blank in the first row), Google Forms one
with a grid's statement in brackets (`Question [statement]`), LimeSurvey one with a
subquestion's code in brackets (`GROUP[CODE]`, separated by semicolons), Microsoft Forms
one. `recognise` names the layout from the first rows, says which rows below the header
to skip and why, and gives each column a code and a statement for suggesting items.
A file no tool's layout fits reads as a plain one-row header.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from transform.value_reading import DateOrder

QUALTRICS = "Qualtrics"
SURVEYMONKEY = "SurveyMonkey"
GOOGLE_FORMS = "Google Forms"
LIMESURVEY = "LimeSurvey"
MICROSOFT_FORMS = "Microsoft Forms"

#: How each tool names the column of its own response id (compared as header keys).
RESPONSE_ID_HEADERS = {
    QUALTRICS: "responseid",
    SURVEYMONKEY: "respondent id",
    LIMESURVEY: "id",
    MICROSOFT_FORMS: "id",
}
#: The order of day and month a tool's exports are documented to write dates in.
MONTH_FIRST_ORDER = {SURVEYMONKEY: DateOrder.MONTH_FIRST}

_BRACKETED = re.compile(r"^(?P<before>.*?)\s*\[(?P<inside>[^\[\]]+)\]\s*$")


@dataclass(frozen=True)
class Skipped:
    """A row below the header that holds no answers, and why it is skipped."""

    line: int
    why: str


@dataclass(frozen=True)
class Recognised:
    """What the first rows say about a file: the tool (None: a plain header), the header
    row as the columns' names, the statement each column asks about ("" if none), and
    how many rows below the header are skipped, with why."""

    tool: str | None
    headers: tuple[str, ...]
    statements: tuple[str, ...]
    skipped: tuple[Skipped, ...] = ()

    @property
    def response_id_header(self) -> str | None:
        return RESPONSE_ID_HEADERS.get(self.tool or "")


def key(text: str) -> str:
    """A header as compared: single-spaced, any case, curly quotes and underscores aside."""
    text = text.replace("’", "'").replace("_", " ")
    return " ".join(text.split()).casefold().rstrip("?:.")


def bracketed(header: str) -> tuple[str, str] | None:
    """(question, what the brackets hold) of `Question [statement]` or `GROUP[CODE]`."""
    found = _BRACKETED.match(header)
    return (found["before"], found["inside"].strip()) if found else None


def recognise(header: Sequence[str], below: Sequence[tuple[int, Sequence[str]]]) -> Recognised:
    """The layout of a file whose header row is `header` and whose next rows (with their
    row numbers) are `below`."""
    headers = tuple(cell.strip() for cell in header)
    keys = {key(cell) for cell in headers}
    following = [(line, tuple(cell.strip() for cell in cells)) for line, cells in below[:2]]
    if {"responseid", "startdate", "enddate"} <= keys and len(following) == 2:
        (text_line, texts), (id_line, ids) = following
        if any(cell.startswith('{"ImportId"') for cell in ids):
            return Recognised(
                QUALTRICS,
                headers,
                _padded(texts, len(headers)),
                (
                    Skipped(text_line, "holds each question's text"),
                    Skipped(id_line, "holds Qualtrics import ids"),
                ),
            )
    if {"respondent id", "collector id"} <= keys and following:
        line, options = following[0]
        return Recognised(
            SURVEYMONKEY,
            _matrix_filled(headers, len(options)),
            _padded(options, max(len(headers), len(options))),
            (Skipped(line, "names each question's options, or “Response”"),),
        )
    if {"id", "submitdate", "lastpage", "startlanguage"} <= keys:
        return Recognised(LIMESURVEY, headers, _statements(headers))
    if "timestamp" in keys and any(bracketed(cell) for cell in headers):
        return Recognised(GOOGLE_FORMS, headers, _statements(headers))
    if {"id", "start time", "completion time"} <= keys:
        return Recognised(MICROSOFT_FORMS, headers, _statements(headers))
    return Recognised(None, headers, _statements(headers))


def _padded(cells: Sequence[str], width: int) -> tuple[str, ...]:
    return tuple(cells[:width]) + ("",) * (width - len(cells))


def _statements(headers: Sequence[str]) -> tuple[str, ...]:
    return tuple((found := bracketed(cell)) and found[1] or "" for cell in headers)


def _matrix_filled(headers: Sequence[str], width: int) -> tuple[str, ...]:
    """SurveyMonkey names a matrix question once, above its first column: the columns
    after it take its name."""
    filled, last = [], ""
    for cell in _padded(headers, max(len(headers), width)):
        last = cell or last
        filled.append(cell or last)
    return tuple(filled)
