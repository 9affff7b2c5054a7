"""One rule for the number shown and its band: the band of 69.6 is that of the 70 shown."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transform.scoring.bands import Band, band, reaches, whole
from transform.scoring.readiness import readiness_index


@pytest.mark.parametrize(
    ("value", "shown"),
    [(69.6, 70), (69.5, 70), (69.4, 69), (68.5, 69), (49.5, 50), (0.5, 1), (0.4, 0), (100, 100)],
)
def test_a_score_is_shown_in_whole_points_halves_up(value, shown):
    assert whole(value) == shown


def test_float_rounding_does_not_move_a_half_down():
    # 0.35 x 76.2 + 0.25 x 70.6 + 0.15 x 42.3 + 0.15 x 89.3 + 0.10 x 54.4 is 69.5 exactly,
    # but comes out 69.49999999999999 in floating point.
    parts = {
        "readiness_survey": 76.2,
        "adkar": 70.6,
        "agent_coverage": 42.3,
        "training": 89.3,
        "change_load": 54.4,
    }
    result = readiness_index(parts)
    assert result.value < 69.5
    assert (whole(result.value), result.band) == (70, Band.READY)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, Band.READY),
        (70, Band.READY),
        (69.6, Band.READY),
        (69.5, Band.READY),
        (69.4, Band.CAUTION),
        (50, Band.CAUTION),
        (49.5, Band.CAUTION),
        (49.4, Band.NOT_READY),
        (0, Band.NOT_READY),
    ],
)
def test_the_band_is_that_of_the_number_shown(value, expected):
    assert band(value) == expected


@given(st.floats(0, 100))
def test_a_shown_number_and_its_band_always_agree(value):
    shown = whole(value)
    assert band(value) == band(shown)
    assert (band(value) == Band.READY) == (shown >= 70)
    assert (band(value) == Band.NOT_READY) == (shown < 50)


def test_a_gate_minimum_compares_the_number_shown():
    assert reaches(69.6, 70) and reaches(69.5, 70)
    assert not reaches(69.4, 70)


def test_labels_and_tones():
    assert [b.label for b in Band] == ["Ready", "Caution", "Not ready"]
    assert [b.tone for b in Band] == ["high", "mid", "low"]
