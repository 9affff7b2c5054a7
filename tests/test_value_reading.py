"""The shared reader of dates and numbers: every reading of a cell, and a column settled
by the user's choice, the column's own values or the file's separator; never a guess."""

import ast
import inspect
from datetime import date

import pytest

from transform import value_reading
from transform.import_problems import Problem, rows_label, unsettled_problem
from transform.value_reading import (
    DateOrder,
    DecimalMark,
    TypedNumber,
    Unsettled,
    date_text,
    decimal_mark_of_file,
    iso_date,
    number_text,
    plain_number,
    settle_date_order,
    settle_decimal_mark,
)

NOV_4, APR_11 = date(2026, 11, 4), date(2026, 4, 11)


def test_the_reader_needs_nothing_but_the_standard_library():
    for node in ast.walk(ast.parse(inspect.getsource(value_reading))):
        if isinstance(node, ast.ImportFrom):
            assert node.module.split(".")[0] not in {"flask", "sqlalchemy", "transform"}
        if isinstance(node, ast.Import):
            assert all(alias.name in {"abc", "enum", "math", "re"} for alias in node.names)


# Dates, cell by cell


@pytest.mark.parametrize(
    ("text", "day_first", "month_first"),
    [
        ("2026-11-04", NOV_4, NOV_4),
        ("2026/11/04", NOV_4, NOV_4),
        ("2026-11-04 00:00:00", NOV_4, NOV_4),
        ("2026-11-04T08:04:00Z", NOV_4, NOV_4),
        ("2026-11-04T08:04:00.123+01:00", NOV_4, NOV_4),
        ("11/04/2026", APR_11, NOV_4),
        ("11.04.2026", APR_11, NOV_4),
        ("11-04-2026", APR_11, NOV_4),
        ("4/11/2026", NOV_4, date(2026, 4, 11)),
        ("25/04/2026", date(2026, 4, 25), None),
        ("04/25/2026", None, date(2026, 4, 25)),
        ("11/11/2026", date(2026, 11, 11), date(2026, 11, 11)),
        ("11/26/2026 08:04:00 AM", None, date(2026, 11, 26)),
        ("11/26/2026 8:04 pm", None, date(2026, 11, 26)),
        ("26/11/2026 23:59", date(2026, 11, 26), None),
        ("26/11/2026, 08:04:00", date(2026, 11, 26), None),
        ("4 Nov 2026", NOV_4, NOV_4),
        ("04-Nov-2026", NOV_4, NOV_4),
        ("Nov 4, 2026", NOV_4, NOV_4),
        ("4 November 2026", NOV_4, NOV_4),
        ("  2026-11-04  ", NOV_4, NOV_4),
    ],
)
def test_a_date_is_read_both_ways(text, day_first, month_first):
    read = date_text(text)
    assert (read.day_first, read.month_first) == (day_first, month_first)
    assert read.is_value and read.why_not == ""


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("31/04/2026", "“31/04/2026” is not a date: write it as 2026-03-31 or 31/03/2026."),
        ("2026-02-30", "“2026-02-30” is not a date"),
        ("13/13/2026", "is not a date"),
        ("31/03/26", "“31/03/26” has a two-digit year: write the year in full."),
        ("March 2026", "is not a date"),
        ("26/11/2026 13:04 PM", "is not a date"),
        ("26/11/2026 08:61", "is not a date"),
        ("2026-11-04 whatever", "is not a date"),
        ("Smarch 4, 2026", "is not a date"),
        ("", "is not a date"),
    ],
)
def test_a_text_that_is_no_date_says_why(text, why):
    read = date_text(text)
    assert not read.is_value and why in read.why_not
    assert read.read(DateOrder.DAY_FIRST) is None and read.read(None) is None


def test_an_iso_date_never_needs_an_order_and_a_swappable_one_always_does():
    assert date_text("2026-11-04").read(None) == NOV_4
    swappable = date_text("11/04/2026")
    assert swappable.is_ambiguous and swappable.read(None) is None
    assert swappable.read(DateOrder.DAY_FIRST) == APR_11
    assert swappable.read(DateOrder.MONTH_FIRST) == NOV_4
    assert date_text("25/04/2026").only_way is DateOrder.DAY_FIRST


def test_the_api_takes_exactly_yyyy_mm_dd():
    assert iso_date("2026-11-04") == NOV_4
    for text in ("11/04/2026", "2026-11-04 00:00", "2026-1-4", "2026-02-30", "20261104"):
        assert iso_date(text) is None


# Numbers, cell by cell


@pytest.mark.parametrize(
    ("text", "point", "comma"),
    [
        ("12", 12.0, 12.0),
        ("-3.25", -3.25, None),
        ("\u22124", -4.0, -4.0),
        ("+5", 5.0, 5.0),
        ("1e3", 1000.0, 1000.0),
        ("1,250", 1250.0, 1.25),
        ("1.250", 1.25, 1250.0),
        ("1,25", None, 1.25),
        ("12,5", None, 12.5),
        ("0,250", None, 0.25),
        (",5", None, 0.5),
        (".5", 0.5, None),
        ("1,250.5", 1250.5, None),
        ("1.250,5", None, 1250.5),
        ("1 250,5", None, 1250.5),
        ("1\u00a0250,5", None, 1250.5),
        ("1'250.5", 1250.5, None),
        ("1 250", 1250.0, 1250.0),
        ("12,345,678", 12345678.0, None),
        ("1.250.000", None, 1250000.0),
    ],
)
def test_a_number_is_read_with_either_decimal_mark(text, point, comma):
    read = number_text(text)
    assert (read.point, read.comma) == (point, comma)


@pytest.mark.parametrize(
    "text", ["twelve", "nan", "inf", "1e309", "-", "", "€12", "1,2,3", "12 5", "1.250,000.5"]
)
def test_a_text_that_is_no_number_reads_as_none(text):
    assert not number_text(text).is_value


def test_a_percentage_keeps_its_sign_and_a_workbook_number_is_never_read_again():
    assert number_text("87,5 %") == value_reading.NumberText("87,5 %", None, 87.5, True)
    typed = number_text(TypedNumber("1.125"))
    assert (typed.point, typed.comma, typed.is_ambiguous) == (1.125, 1.125, False)
    assert number_text(TypedNumber("12.5%")).is_percent


def test_numbers_are_shown_without_separators_to_misread():
    assert [plain_number(v) for v in (1250.0, 1.25, -3.0, 1e20)] == ["1250", "1.25", "-3", "1e+20"]


# Settling a column


def _dates(*texts: str):
    return [(line, date_text(text)) for line, text in enumerate(texts, start=2)]


def _numbers(*texts: str):
    return [(line, number_text(text)) for line, text in enumerate(texts, start=2)]


def test_swappable_dates_alone_are_asked_about_with_both_readings():
    settled = settle_date_order(_dates("11/04/2026", "2026-11-05", "12/04/2026"), None)
    assert settled.way is None
    assert settled.unsettled == (
        Unsettled(
            "11/04/2026 reads as 11 April 2026 (day first) or 4 November 2026 (month first), "
            "and no date in the file settles which: choose the order of day and month.",
            (2, 4),
        ),
    )
    assert settled.examples == (
        (DateOrder.DAY_FIRST, "11/04/2026 is 11 April 2026"),
        (DateOrder.MONTH_FIRST, "11/04/2026 is 4 November 2026"),
    )


@pytest.mark.parametrize(
    ("decider", "order"),
    [("25/04/2026", DateOrder.DAY_FIRST), ("04/25/2026", DateOrder.MONTH_FIRST)],
)
def test_a_date_that_reads_one_way_only_settles_the_column(decider, order):
    settled = settle_date_order(_dates("11/04/2026", decider), None)
    assert (settled.way, settled.unsettled) == (order, ())
    assert settled.how == (
        f"{order.label.capitalize()}: row 3 has {decider}, which reads only that way."
    )


def test_dates_written_both_ways_are_refused_naming_the_rows():
    settled = settle_date_order(_dates("25/04/2026", "11/04/2026", "04/26/2026"), None)
    assert settled.way is None
    [unsettled] = settled.unsettled
    assert unsettled.lines == (2, 4)
    assert unsettled.message == (
        "The dates are written both ways: 25/04/2026 (row 2) can only be read day/month/year, "
        "04/26/2026 (row 4) only month/day/year. Write them all one way."
    )


def test_a_chosen_order_reads_every_date_and_refuses_those_it_cannot():
    settled = settle_date_order(_dates("11/04/2026", "25/04/2026"), DateOrder.MONTH_FIRST)
    assert settled.way is DateOrder.MONTH_FIRST
    assert settled.unsettled == (
        Unsettled(
            "25/04/2026 can only be read day/month/year, not month/day/year as chosen.", (3,)
        ),
    )
    assert settle_date_order(_dates("11/04/2026"), DateOrder.DAY_FIRST).unsettled == ()


def test_dates_that_need_no_order_settle_nothing():
    settled = settle_date_order(_dates("2026-11-04", "11/11/2026", "not a date"), None)
    assert (settled.way, settled.unsettled) == (None, ())
    assert settled.how == "No date in the file depends on the order of day and month."


def test_a_number_that_could_be_read_two_ways_is_asked_about():
    settled = settle_decimal_mark(_numbers("1,250", "3", "1,500"), None)
    assert settled.way is None
    assert settled.unsettled == (
        Unsettled(
            "1,250 reads as 1250 (decimal point) or 1.25 (decimal comma), and no number in "
            "the file settles which: choose the decimal mark.",
            (2, 4),
        ),
    )


def test_the_files_other_numbers_decide_before_its_separator():
    settled = settle_decimal_mark(_numbers("1,250", "12,5"), None)
    assert (settled.way, settled.unsettled) == (DecimalMark.COMMA, ())
    settled = settle_decimal_mark(_numbers("1,250", "1,234.5"), None, DecimalMark.COMMA)
    assert settled.way is DecimalMark.POINT


def test_a_semicolon_file_reads_decimal_commas():
    assert decimal_mark_of_file(";") is DecimalMark.COMMA
    assert decimal_mark_of_file(",") is decimal_mark_of_file(None) is None
    settled = settle_decimal_mark(_numbers("1,250", "1,25"), None, decimal_mark_of_file(";"))
    assert settled.way is DecimalMark.COMMA
    assert [cell.read(settled.way) for _line, cell in _numbers("1,250", "1,25")] == [1.25, 1.25]
    assert settle_decimal_mark(_numbers("1,250"), None, DecimalMark.COMMA).how == (
        "Decimal comma: the file's fields are separated by semicolons."
    )


def test_numbers_with_both_marks_or_against_the_choice_are_refused():
    [mixed] = settle_decimal_mark(_numbers("1.5", "7", "2,5"), None).unsettled
    assert mixed.lines == (2, 4) and "written both ways" in mixed.message
    [refused] = settle_decimal_mark(_numbers("1,234.5", "2"), DecimalMark.COMMA).unsettled
    assert refused == Unsettled(
        "1,234.5 can only be read with a decimal point, not with a decimal comma as chosen.",
        (2,),
    )


def test_one_problem_names_all_its_rows():
    problem = unsettled_problem(Unsettled("Choose.", (2, 3, 4, 9)), "Date")
    assert problem == Problem("Choose.", 2, "Date", (3, 4, 9))
    assert problem.where == "Rows 2–4, 9"
    assert Problem("x", 7).where == "Row 7" and Problem("x").where == "File"
    assert rows_label([3, 2, 9]) == "Rows 2, 3, 9"
    assert rows_label(range(2, 20_002)) == "Rows 2–20001"
    many = rows_label([*range(2, 40, 2), 50, 51, 52])
    assert many == "Rows 2, 4, 6, 8, 10, 12, 14, 16 and 14 more"
