from datetime import date

import pytest

from transform.scoring.kpi_schedule import checkpoint_dates


def test_month_ends_between_then_the_target_date():
    assert checkpoint_dates(date(2026, 1, 15), date(2026, 4, 10)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 10),
    ]


def test_a_baseline_on_a_month_end_is_not_a_checkpoint():
    assert checkpoint_dates(date(2026, 1, 31), date(2026, 3, 31)) == [
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]


def test_quarter_ends():
    assert checkpoint_dates(date(2026, 2, 1), date(2026, 12, 15), "quarterly") == [
        date(2026, 3, 31),
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 12, 15),
    ]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="monthly or quarterly"):
        checkpoint_dates(date(2026, 1, 1), date(2026, 2, 1), "weekly")
    with pytest.raises(ValueError, match="after the start"):
        checkpoint_dates(date(2026, 2, 1), date(2026, 2, 1))
