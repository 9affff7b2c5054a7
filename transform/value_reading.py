"""Reading dates and numbers written as text in imported files, never guessing: pure.

Every importer and the API read dates and numbers here, so a file means the same
everywhere. A cell is first read every way it can be (`date_text`, `number_text`); then
its column is settled (`settle_date_order`, `settle_decimal_mark`): what the user chose
decides, else the column's values that can be read only one way (25/04/2026 is day
first: there is no month 25; 12,5 has a decimal comma), else, for numbers, the file's
separator (a file separated by semicolons writes decimal commas). What is still
ambiguous is not read: the settlement lists it, one entry per cause with all its rows,
for the importer to refuse the file and ask.

Dates: year first (2026-11-04, 2026/11/04: ISO, never ambiguous), day or month first
(04/11/2026, 4.11.2026, 4-11-2026), or with the month's name (4 Nov 2026, Nov 4, 2026);
a time after the date (Excel's "2026-11-04 00:00:00", SurveyMonkey's
"11/26/2026 08:04:00 AM") is checked and dropped. Two-digit years are refused.

Numbers: a sign, digits, one decimal mark, groups of three between thousands (a comma or
point, a space or an apostrophe: 1,250.5, 1.250,5, 1 250,5, 1'250.5), an exponent (1e3),
a trailing %. A workbook's number cells come as TypedNumber: numbers already, never re-read.
"""

import abc
import enum
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

Way = TypeVar("Way", bound=enum.Enum)


class DateOrder(enum.StrEnum):
    """The order of day and month in a date such as 04/11/2026."""

    DAY_FIRST = "dmy"
    MONTH_FIRST = "mdy"

    @property
    def label(self) -> str:
        return "day/month/year" if self is DateOrder.DAY_FIRST else "month/day/year"

    @property
    def reading(self) -> str:
        return self.label

    @property
    def short(self) -> str:
        return "day first" if self is DateOrder.DAY_FIRST else "month first"


class DecimalMark(enum.StrEnum):
    """The character between a number's whole part and its fraction."""

    POINT = "."
    COMMA = ","

    @property
    def label(self) -> str:
        return "decimal point" if self is DecimalMark.POINT else "decimal comma"

    @property
    def reading(self) -> str:
        return f"with a {self.label}"

    @property
    def short(self) -> str:
        return self.label


@dataclass(frozen=True)
class Choices:
    """What the user chose; None for "decide from the file"."""

    date_order: DateOrder | None = None
    decimal_mark: DecimalMark | None = None


class TypedNumber(str):
    """A number that is a number already (a workbook's number cell), as its text with a
    decimal point and perhaps a trailing %: read as it is, whatever the decimal mark."""

    __slots__ = ()


class _Readings(abc.ABC, Generic[Way]):
    """What a cell reads as each way (date order or decimal mark), None where that way
    reads nothing."""

    text: str

    @abc.abstractmethod
    def ways(self) -> dict:
        """Each way, in its enum's order, and what the cell reads as that way."""

    @property
    def is_value(self) -> bool:
        return any(value is not None for value in self.ways().values())

    @property
    def is_ambiguous(self) -> bool:
        """Every way reads a value, and not the same one."""
        values = list(self.ways().values())
        return None not in values and len(set(values)) > 1

    @property
    def only_way(self) -> Way | None:
        """The one way that reads a value, when the other reads none."""
        readable = [way for way, value in self.ways().items() if value is not None]
        return readable[0] if len(readable) == 1 else None

    def read(self, way: Way | None):
        """The value read that way; with no way, only a value that needs none."""
        if way is not None:
            return self.ways()[way]
        values = set(self.ways().values())
        return values.pop() if len(values) == 1 else None


# Dates

#: English month names, full and short, as spreadsheets write them: 4 Nov 2026.
MONTHS = {
    name: number
    for number, full in enumerate(
        ("january", "february", "march", "april", "may", "june", "july", "august")
        + ("september", "october", "november", "december"),
        start=1,
    )
    for name in (full, full[:3], *(("sept",) if number == 9 else ()))
}
_TIME = (
    r"(?:(?:T|,?\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?"
    r"(?:\s*(?P<half>[AaPp])\.?[Mm]\.?)?(?:\s*(?:Z|UTC|GMT(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}(?::?\d{2})?))?)?"
)
_YEAR_FIRST = re.compile(r"(?P<year>\d{4})(?P<sep>[-/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})")
_YEAR_LAST = re.compile(r"(?P<a>\d{1,2})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{2,4})")
_DAY_NAMED = re.compile(r"(?P<a>\d{1,2})[ -](?P<month>[A-Za-z]{3,9})\.?[ -](?P<year>\d{4})")
_NAMED_DAY = re.compile(r"(?P<month>[A-Za-z]{3,9})\.? (?P<a>\d{1,2}),? (?P<year>\d{4})")


@dataclass(frozen=True)
class DateText(_Readings[DateOrder]):
    """A cell as a date, day first and month first (the same date where the order does
    not matter, as in 2026-11-04)."""

    text: str
    day_first: date | None = None
    month_first: date | None = None
    #: Why the text is no date at all, for the row's problem; "" when it is one.
    why_not: str = ""

    def ways(self) -> dict[DateOrder, date | None]:
        return {DateOrder.DAY_FIRST: self.day_first, DateOrder.MONTH_FIRST: self.month_first}


def date_text(text: str) -> DateText:
    """Every reading of the text as a date (see the module's docstring)."""
    text = text.strip()
    not_a_date = DateText(
        text, why_not=f"“{text}” is not a date: write it as 2026-03-31 or 31/03/2026."
    )
    for pattern in (_YEAR_FIRST, _YEAR_LAST, _DAY_NAMED, _NAMED_DAY):
        found = re.fullmatch(pattern.pattern + _TIME, text)
        if found:
            break
    else:
        return not_a_date
    if not _is_time(found):
        return not_a_date
    if len(found["year"]) != 4:
        return DateText(text, why_not=f"“{text}” has a two-digit year: write the year in full.")
    year, a = int(found["year"]), int(found["a"])
    if pattern is _YEAR_FIRST:
        day_first = month_first = _day(year, a, int(found["b"]))
    elif pattern is _YEAR_LAST:
        b = int(found["b"])
        day_first, month_first = _day(year, b, a), _day(year, a, b)
    else:
        month = MONTHS.get(found["month"].casefold())
        day_first = month_first = _day(year, month, a) if month else None
    if day_first is None and month_first is None:
        return not_a_date
    return DateText(text, day_first, month_first)


def iso_date(text: str) -> date | None:
    """The date of a text written exactly YYYY-MM-DD, as the API takes dates."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    return date_text(text).read(None)


def _is_time(found: re.Match) -> bool:
    if found["hour"] is None:
        return True
    hour, minute, second = int(found["hour"]), int(found["minute"]), int(found["second"] or 0)
    hours = range(1, 13) if found["half"] else range(24)
    return hour in hours and minute < 60 and second < 60


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def long_date(value: date) -> str:
    """A date no reader can swap: 4 November 2026."""
    return f"{value.day} {value:%B %Y}"


# Numbers

_GROUP_MARKS = " \u00a0\u202f\u2009'’"


@dataclass(frozen=True)
class NumberText(_Readings[DecimalMark]):
    """A cell as a number, with a decimal point and with a decimal comma (the same number
    where the mark does not matter, as in 1250)."""

    text: str
    point: float | None = None
    comma: float | None = None
    #: Written with a trailing %.
    is_percent: bool = False

    def ways(self) -> dict[DecimalMark, float | None]:
        return {DecimalMark.POINT: self.point, DecimalMark.COMMA: self.comma}


def number_text(text: str) -> NumberText:
    """Every reading of the text as a number (see the module's docstring)."""
    if isinstance(text, TypedNumber):
        value = float(text.rstrip("%"))
        return NumberText(str(text), value, value, text.endswith("%"))
    written = text.strip()
    body = written.replace("\u2212", "-")
    is_percent = body.endswith("%")
    if is_percent:
        body = body[:-1].rstrip()
    sign = ""
    if body[:1] in ("+", "-"):
        sign, body = body[0].replace("+", ""), body[1:]
    point, comma = _number(body, "."), _number(body, ",")
    return NumberText(
        written,
        None if point is None else float(sign + point),
        None if comma is None else float(sign + comma),
        is_percent,
    )


def _number(body: str, mark: str) -> str | None:
    """The body as Python writes numbers when `mark` is the decimal mark, or None."""
    decimal = re.escape(mark)
    groups = re.escape(("," if mark == "." else ".") + _GROUP_MARKS)
    found = (
        re.fullmatch(rf"(?P<whole>\d+)(?:{decimal}(?P<fraction>\d*))?(?P<exp>[eE][+-]?\d+)?", body)
        or re.fullmatch(rf"{decimal}(?P<fraction>\d+)(?P<exp>[eE][+-]?\d+)?", body)
        or re.fullmatch(
            rf"(?P<whole>[1-9]\d{{0,2}}(?P<group>[{groups}])\d{{3}}(?:(?P=group)\d{{3}})*)"
            rf"(?:{decimal}(?P<fraction>\d*))?",
            body,
        )
    )
    if not found:
        return None
    parts = found.groupdict()
    whole = re.sub(f"[{groups}]", "", parts.get("whole") or "0")
    number = f"{whole}.{parts.get('fraction') or '0'}{parts.get('exp') or ''}"
    return number if math.isfinite(float(number)) else None


def plain_number(value: float) -> str:
    """A number as read, with no thousands separators to misread: 1250, 1.25."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def decimal_mark_of_file(delimiter: str | None) -> DecimalMark | None:
    """The decimal mark a CSV's field separator implies: a comma where fields are
    separated by semicolons (as spreadsheets write CSV where the comma is decimal)."""
    return DecimalMark.COMMA if delimiter == ";" else None


# Settling a column


@dataclass(frozen=True)
class Unsettled:
    """Values that cannot be read, for one cause: why, and the rows."""

    message: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Settlement(Generic[Way]):
    """How a column is read: the way (None where no value needs one, or where none could
    be settled), how that was decided, for the preview, and what stays unread."""

    way: Way | None
    how: str
    unsettled: tuple[Unsettled, ...] = ()
    #: What the first ambiguous value reads as, each way: shown beside the choice.
    examples: tuple[tuple[Way, str], ...] = ()


@dataclass(frozen=True)
class _Topic:
    """The words and the value format of a kind of value, for the settlement's messages."""

    singular: str
    plural: str
    what: str
    shown: Callable


_DATES = _Topic("date", "dates", "order of day and month", long_date)
_NUMBERS = _Topic("number", "numbers", "decimal mark", plain_number)


def settle_date_order(
    dates: Iterable[tuple[int, DateText]],
    chosen: DateOrder | None,
    tool_order: DateOrder | None = None,
    tool: str | None = None,
) -> Settlement[DateOrder]:
    """The order to read the (line, date) cells in: chosen, else the one some date
    allows alone, else the one the survey tool that wrote the file documents
    (`tool_order`, SurveyMonkey's month first); else none, and the ambiguous dates
    unsettled."""
    reason = f"{tool} exports write dates {tool_order.short}." if tool_order else ""
    return _settle(_DATES, DateOrder, list(dates), chosen, tool_order, reason)


def settle_decimal_mark(
    numbers: Iterable[tuple[int, NumberText]],
    chosen: DecimalMark | None,
    file_mark: DecimalMark | None = None,
) -> Settlement[DecimalMark]:
    """The mark to read the (line, number) cells with: chosen, else the one some number
    allows alone, else the one the file's separator implies (`file_mark`); else none, and
    the ambiguous numbers unsettled."""
    reason = "the file's fields are separated by semicolons."
    return _settle(_NUMBERS, DecimalMark, list(numbers), chosen, file_mark, reason)


def _settle(topic: _Topic, ways, cells: list, chosen, file_way, file_reason: str) -> Settlement:
    cells = [(line, cell) for line, cell in cells if cell.is_value]
    ambiguous = [(line, cell) for line, cell in cells if cell.is_ambiguous]
    examples = ()
    if ambiguous:
        first = ambiguous[0][1]
        examples = tuple((way, f"{first.text} is {topic.shown(first.read(way))}") for way in ways)
    if chosen is not None:
        how = f"{chosen.label.capitalize()}, as chosen."
        refused = [(line, cell) for line, cell in cells if cell.read(chosen) is None]
        if not refused:
            return Settlement(chosen, how, (), examples)
        first = refused[0][1]
        message = (
            f"{first.text} can only be read {first.only_way.reading}, "
            f"not {chosen.reading} as chosen."
        )
        return Settlement(chosen, how, (Unsettled(message, _lines(refused)),), examples)
    alone = {way: [(line, cell) for line, cell in cells if cell.only_way is way] for way in ways}
    decided = [way for way in ways if alone[way]]
    if len(decided) > 1:
        (one, one_cells), (other, other_cells) = [(way, alone[way]) for way in decided]
        message = (
            f"The {topic.plural} are written both ways: {one_cells[0][1].text} "
            f"(row {one_cells[0][0]}) can only be read {one.reading}, "
            f"{other_cells[0][1].text} (row {other_cells[0][0]}) only {other.reading}. "
            "Write them all one way."
        )
        how = f"Not settled: the {topic.plural} are written both ways."
        return Settlement(None, how, (Unsettled(message, _lines(one_cells + other_cells)),))
    if decided:
        way = decided[0]
        line, cell = alone[way][0]
        how = f"{way.label.capitalize()}: row {line} has {cell.text}, which reads only that way."
        return Settlement(way, how, (), examples)
    if file_way is not None:
        how = f"{file_way.label.capitalize()}: {file_reason}"
        return Settlement(file_way, how, (), examples)
    if not ambiguous:
        return Settlement(None, f"No {topic.singular} in the file depends on the {topic.what}.")
    first = ambiguous[0][1]
    readings = " or ".join(f"{topic.shown(first.read(way))} ({way.short})" for way in ways)
    message = (
        f"{first.text} reads as {readings}, and no {topic.singular} in the file settles "
        f"which: choose the {topic.what}."
    )
    how = f"Not settled: choose the {topic.what}."
    return Settlement(None, how, (Unsettled(message, _lines(ambiguous)),), examples)


def _lines(cells: list[tuple[int, object]]) -> tuple[int, ...]:
    return tuple(sorted({line for line, _cell in cells}))
