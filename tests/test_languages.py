"""The respondent pages' languages: codes as links carry them, and one time estimate."""

import dataclasses

import pytest

from transform.languages import (
    ENGLISH_TEXT,
    PAGE_TEXT,
    minutes_to_answer,
    normalise,
    time_estimate,
)


@pytest.mark.parametrize(
    ("asked", "read"),
    [
        ("fr", "fr"),
        ("FR", "fr"),
        ("fr-CA", "fr"),
        ("fr_BE", "fr"),
        ("en", "en"),
        ("xx", None),
        ("", None),
        (None, None),
    ],
)
def test_language_codes_are_read_as_links_carry_them(asked, read):
    assert normalise(asked) == read


@pytest.mark.parametrize(("items", "minutes"), [(1, 1), (4, 2), (10, 3), (15, 5), (30, 8)])
def test_the_time_estimate_grows_with_the_number_of_items(items, minutes):
    assert minutes_to_answer(items) == minutes


def test_the_time_estimate_is_one_sentence_per_language():
    assert time_estimate(1) == "It takes about 1 minute."
    assert time_estimate(10) == "It takes about 3 minutes."
    assert time_estimate(10, "fr") == "Il faut environ 3 minutes."


def test_every_language_words_every_part_of_the_page():
    for code, text in PAGE_TEXT.items():
        for field in dataclasses.fields(text):
            assert getattr(text, field.name), f"{code} lacks {field.name}"
        assert text.states.keys() == ENGLISH_TEXT.states.keys()
